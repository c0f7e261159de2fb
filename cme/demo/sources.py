"""Synthetic council extracts with a known truth: council tax, housing, benefits, GP, admissions and school rolls.

From a generated borough (cme.demo.generator) this writes what each council system would send to the data matching,
in the CSV templates of docs/matching.md, with the faults real extracts have: nicknames and known-as names, other
transliterations, typing slips, day and month swapped, hyphenated surnames split or joined, postcodes without
spaces, abbreviated addresses, dates in each system's own format, and families who moved. Every record carries, in
`truth`, the child (or adult) it is about, so a match run can be scored: which children are truly living here of
compulsory school age on no roll (`truth.missing`), and which pupils have truly moved away (`truth.moved_away`).

Equal arguments give equal extracts. Names of varied origins come from the generator's pools, so fairness can be
measured by name-origin group and by ethnicity (`truth.origin`, `truth.ethnicity`).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from cme.people.ages import is_compulsory_school_age

from .generator import AddressRecord, Borough, ChildRecord
from .names import NICKNAMES, TRANSLITERATIONS

# How much of the borough each system covers (share of households or children), and how often each fault appears.
COUNCIL_TAX_COVERAGE = 0.97
COUNCIL_TAX_LISTS_CHILDREN = 0.65  # households whose account lists the children (discount reviews, occupancy checks)
HOUSING_COVERAGE = 0.28
BENEFITS_COVERAGE = 0.42
GP_COVERAGE = 0.94
ADMISSIONS_NEW_ARRIVALS = 0.7  # children on no roll who have applied for a place
ROLL_MOVED_AWAY_RATE = 0.004  # pupils still on a roll here whose family has just left the borough

NICKNAME_RATE = 0.05
TRANSLITERATION_RATE = 0.04
GIVEN_TYPO_RATE = 0.025
FAMILY_TYPO_RATE = 0.025
DOUBLE_BARREL_CHANGE_RATE = 0.35
DOB_SWAP_RATE = 0.015
DOB_TYPO_RATE = 0.01
POSTCODE_TYPO_RATE = 0.015
POSTCODE_FORMAT_RATE = 0.2
ADDRESS_ABBREVIATION_RATE = 0.3

# Each system's own date format, as its extracts arrive.
DATE_FORMATS = {
    "council_tax": "%d/%m/%Y",
    "housing": "%Y-%m-%d",
    "benefits": "%d-%b-%y",
    "gp": "%Y%m%d",
    "admissions": "%d.%m.%Y",
    "school_roll": "%Y-%m-%d",
}
RESIDENT_HEADER = ["record_id", "household_id", "given_name", "middle_names", "family_name", "date_of_birth", "sex",
                   "address_line1", "address_line2", "town", "postcode", "uprn", "nhs_number", "upn", "from_date",
                   "to_date"]  # fmt: skip
ROLL_HEADER = ["urn", "upn", "given_name", "middle_names", "known_as", "family_name", "date_of_birth", "sex",
               "address_line1", "address_line2", "town", "postcode", "uprn", "from_date", "to_date"]  # fmt: skip
_ABBREVIATIONS = {" Road": " Rd", " Street": " St", " Avenue": " Ave", " Close": " Cl", " Lane": " Ln",
                  " Crescent": " Cres", " Drive": " Dr", " Gardens": " Gdns", " Court": " Ct"}  # fmt: skip
_KEYBOARD_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


@dataclass
class Truth:
    """Who each record is about, and the answers a match run should find."""

    person_of: dict[str, str] = field(default_factory=dict)  # "kind:record_id" -> child or carer id
    missing: set[str] = field(default_factory=set)  # children living here, of compulsory school age, on no roll
    moved_away: set[str] = field(default_factory=set)  # pupils on a roll here whose family has left
    origin: dict[str, str] = field(default_factory=dict)  # child id -> name-origin group
    ethnicity: dict[str, str] = field(default_factory=dict)  # child id -> CBDS ethnicity code
    on_roll: set[str] = field(default_factory=set)


@dataclass
class Extracts:
    """The rows of each extract (CSV-ready dicts keyed by template column) and the truth behind them."""

    rows: dict[str, list[dict[str, str]]]
    truth: Truth

    @property
    def resident_records(self) -> int:
        return sum(len(rows) for kind, rows in self.rows.items() if kind != "school_roll")

    def write(self, folder: Path) -> dict[str, Path]:
        """One CSV file per kind of source in `folder`; returns kind -> path."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for kind, rows in self.rows.items():
            header = ROLL_HEADER if kind == "school_roll" else RESIDENT_HEADER
            path = folder / f"{kind}.csv"
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
            paths[kind] = path
        return paths


class _Noise:
    """The faults of real extracts, drawn from one seeded random source."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._spellings = {name: sorted(group - {name}) for group in TRANSLITERATIONS for name in group}

    def chance(self, rate: float) -> bool:
        return self.rng.random() < rate

    def typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        i = self.rng.randrange(1, len(text) - 1)
        action = self.rng.randrange(3)
        if action == 0:  # two letters swapped
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if action == 1:  # a letter dropped
            return text[:i] + text[i + 1 :]
        return text[:i] + self.rng.choice(_KEYBOARD_NEIGHBOURS) + text[i + 1 :]  # a letter mistyped

    def given_name(self, name: str, preferred: str) -> str:
        if preferred and self.chance(0.5):
            return preferred
        if name in NICKNAMES and self.chance(NICKNAME_RATE):
            return self.rng.choice(NICKNAMES[name])
        if name in self._spellings and self._spellings[name] and self.chance(TRANSLITERATION_RATE):
            return self.rng.choice(self._spellings[name])
        if self.chance(GIVEN_TYPO_RATE):
            return self.typo(name)
        return name

    def family_name(self, name: str) -> str:
        if ("-" in name or " " in name) and self.chance(DOUBLE_BARREL_CHANGE_RATE):
            parts = name.replace("-", " ").split()
            return self.rng.choice([parts[-1], parts[0], " ".join(parts), "".join(parts)])
        if self.chance(FAMILY_TYPO_RATE):
            return self.typo(name)
        return name

    def date_of_birth(self, born: date) -> date:
        if born.day <= 12 and born.day != born.month and self.chance(DOB_SWAP_RATE):
            return born.replace(day=born.month, month=born.day)
        if self.chance(DOB_TYPO_RATE):
            return self._date_slip(born)
        return born

    def _date_slip(self, born: date) -> date:
        """A day a keyboard gives instead: the day before or after, or the day's last digit mistyped."""
        options = [born + timedelta(days=1), born - timedelta(days=1)]
        for digit in "0123456789":
            try:
                options.append(born.replace(day=int(f"{born.day:02d}"[0] + digit)))
            except ValueError:
                continue
        options = [day for day in options if day != born]
        return self.rng.choice(options)

    def postcode(self, postcode: str) -> str:
        if self.chance(POSTCODE_TYPO_RATE):
            outward, inward = postcode.split(" ")
            inward = inward[0] + "".join(self.rng.sample(inward[1:], 2))
            postcode = f"{outward} {inward}"
        if self.chance(POSTCODE_FORMAT_RATE):
            return postcode.replace(" ", "").lower()
        return postcode

    def address_line(self, line: str) -> str:
        if self.chance(ADDRESS_ABBREVIATION_RATE):
            for long, short in _ABBREVIATIONS.items():
                if line.endswith(long):
                    return line[: -len(long)] + short
        return line


def _fmt(day: date | None, kind: str) -> str:
    return day.strftime(DATE_FORMATS[kind]) if day else ""


def extracts_generate(
    borough: Borough, *, seed: int = 2026, on: date | None = None, drop_from_roll: float = 0.0
) -> Extracts:
    """The extracts of every source for `borough`, judged on `on` (default the borough's own `today`).

    `drop_from_roll` leaves that share of pupils out of the roll extracts, so they are truly on no roll we hold: a
    fairness measurement needs thousands of children on no roll in every group, not the borough's few hundred.
    """
    return _Writer(borough, seed=seed, on=on or borough.today, drop_from_roll=drop_from_roll).run()


class _Writer:
    def __init__(self, borough: Borough, *, seed: int, on: date, drop_from_roll: float = 0.0):
        self.borough, self.on, self.drop_from_roll = borough, on, drop_from_roll
        self.rng = random.Random(f"sources-{seed}")
        self.noise = _Noise(self.rng)
        self.addresses = {a.id: a for a in borough.addresses}
        self.children = {c.id: c for c in borough.children}
        self.carers = {c.id: c for c in borough.carers}
        self.rows: dict[str, list[dict[str, str]]] = {k: [] for k in DATE_FORMATS}
        self.truth = Truth()
        self.counters: dict[str, int] = {}

    def _ref(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:07d}"

    def run(self) -> Extracts:
        current_rolls = self._rolls()
        for child in self.borough.children:
            self.truth.origin[child.id] = child.name_origin
            self.truth.ethnicity[child.id] = child.ethnicity
        moved_now = self._pupils_moving_away(current_rolls)
        for household in self.borough.households:
            left = household.moved_out or (self.on - timedelta(days=self.rng.randint(10, 120)) if household.id in
                                           moved_now else None)  # fmt: skip
            self._household(household, left)
        self._make_sure_everyone_is_somewhere()
        return Extracts(rows=self.rows, truth=self.truth)

    # --- school rolls -------------------------------------------------------------------------------------------
    def _rolls(self) -> set[str]:
        schools = {s.urn: s for s in self.borough.schools}
        on_roll = set()
        for enrolment in self.borough.enrolments:
            if enrolment.leave_date is not None and enrolment.leave_date < self.on:
                continue
            if enrolment.start_date > self.on or enrolment.status == "S" or enrolment.child_id in on_roll:
                continue
            child = self.children[enrolment.child_id]
            if self.drop_from_roll and self.rng.random() < self.drop_from_roll:
                continue
            on_roll.add(child.id)
            address = self._child_address(child)
            self.rows["school_roll"].append(
                {
                    "urn": str(schools[enrolment.school_urn].urn),
                    "upn": child.upn,
                    "given_name": child.given_name,
                    "middle_names": child.middle_names,
                    "known_as": child.preferred_name,
                    "family_name": child.family_name,
                    "date_of_birth": _fmt(child.date_of_birth, "school_roll"),
                    "sex": child.sex,
                    "address_line1": address.line1 if address else "",
                    "address_line2": address.line2 if address else "",
                    "town": address.town if address else "",
                    "postcode": address.postcode if address else "",
                    "uprn": address.uprn if address else "",
                    "from_date": _fmt(enrolment.start_date, "school_roll"),
                }
            )
            self.truth.person_of[f"school_roll:{enrolment.school_urn}:{child.upn}"] = child.id
        self.truth.on_roll = on_roll
        return on_roll

    def _child_address(self, child: ChildRecord) -> AddressRecord | None:
        household = self._household_of.get(child.id)
        return self.addresses.get(household.address_id) if household else None

    @property
    def _household_of(self):
        if not hasattr(self, "_households_by_child"):
            self._households_by_child = {cid: h for h in self.borough.households for cid in h.child_ids}
        return self._households_by_child

    def _pupils_moving_away(self, on_roll: set[str]) -> set[str]:
        """A few settled households with children on a roll here who have just left: the schools do not know yet."""
        moved = set()
        for household in self.borough.households:
            if household.moved_out or not household.child_ids:
                continue
            kids = [self.children[c] for c in household.child_ids]
            if all(k.id in on_roll for k in kids) and self.rng.random() < ROLL_MOVED_AWAY_RATE:
                moved.add(household.id)
                self.truth.moved_away.update(
                    k.id for k in kids if is_compulsory_school_age(k.date_of_birth, self.on)
                )  # fmt: skip
        return moved

    # --- resident sources ---------------------------------------------------------------------------------------
    def _household(self, household, left: date | None) -> None:
        address = self.addresses[household.address_id]
        kids = [self.children[c] for c in household.child_ids]
        adults = [self.carers[c] for c in household.carer_ids]
        since = household.moved_in or date(self.on.year - self.rng.randint(2, 12), self.rng.randint(1, 12), 1)
        if not left:
            for kid in kids:
                if (kid.id not in self.truth.on_roll and not kid.moved_away
                        and is_compulsory_school_age(kid.date_of_birth, self.on)):  # fmt: skip
                    self.truth.missing.add(kid.id)
        if self.rng.random() < COUNCIL_TAX_COVERAGE:
            account = self._ref("CTA")
            listed = kids if self.rng.random() < COUNCIL_TAX_LISTS_CHILDREN else []
            self._people("council_tax", "CT", account, address, since, left, adults, listed, adult_dob=0.3)
        if self.rng.random() < HOUSING_COVERAGE:
            self._people("housing", "HT", self._ref("TEN"), address, since, left, adults, kids, adult_dob=1.0)
        if kids and self.rng.random() < BENEFITS_COVERAGE:
            claim_start = since + timedelta(days=self.rng.randint(0, 300))
            self._people("benefits", "BN", self._ref("CLM"), address, min(claim_start, self.on), left, adults[:1],
                         kids, adult_dob=1.0)  # fmt: skip
        for kid in kids:
            if self.rng.random() < GP_COVERAGE:
                self._people("gp", "GP", "", address, since, left, [], [kid], adult_dob=0)
            if not left and kid.id not in self.truth.on_roll and self.rng.random() < ADMISSIONS_NEW_ARRIVALS:
                self._people("admissions", "AD", "", address, since, None, [], [kid], adult_dob=0)
        # When a family moved within the borough, the old address's records ended the day before the move.
        if household.previous_address_id and household.moved_in and self.rng.random() < 0.5:
            old = self.addresses[household.previous_address_id]
            self._people("council_tax", "CT", self._ref("CTA"), old, household.moved_in - timedelta(days=900),
                         household.moved_in - timedelta(days=1), adults, kids if self.rng.random() < 0.5 else [],
                         adult_dob=0.3)  # fmt: skip

    def _people(self, kind, prefix, household_ref, address, since, left, adults, kids, *, adult_dob: float) -> None:
        for person, is_child in [*((a, False) for a in adults), *((k, True) for k in kids)]:
            record_id = self._ref(prefix)
            born = person.date_of_birth
            with_dob = is_child or self.rng.random() < adult_dob
            preferred = getattr(person, "preferred_name", "")
            self.rows[kind].append(
                {
                    "record_id": record_id,
                    "household_id": household_ref,
                    "given_name": self.noise.given_name(person.given_name, preferred),
                    "middle_names": person.middle_names if self.rng.random() < 0.6 else "",
                    "family_name": self.noise.family_name(person.family_name),
                    "date_of_birth": _fmt(self.noise.date_of_birth(born), kind) if with_dob and born else "",
                    "sex": person.sex if self.rng.random() < 0.9 else "",
                    "address_line1": self.noise.address_line(address.line1),
                    "address_line2": address.line2,
                    "town": address.town,
                    "postcode": self.noise.postcode(address.postcode),
                    "uprn": address.uprn if kind in ("council_tax", "housing") else "",
                    "nhs_number": getattr(person, "nhs_number", "") if kind == "gp" else "",
                    "upn": getattr(person, "upn", "") if kind == "admissions" and self.rng.random() < 0.3 else "",
                    "from_date": _fmt(since, kind),
                    "to_date": _fmt(left, kind),
                }
            )
            self.truth.person_of[f"{kind}:{record_id}"] = person.id

    def _make_sure_everyone_is_somewhere(self) -> None:
        """A child truly missing must be knowable: in at least one extract as living here now. Add a GP registration
        for any who are in none, or only in records that have ended (a move the old address's records show)."""
        current = {self.truth.person_of[f"{kind}:{row['record_id']}"] for kind, rows in self.rows.items()
                   if kind != "school_roll" for row in rows if not row["to_date"]}  # fmt: skip
        for child_id in sorted(self.truth.missing - current):
            kid = self.children[child_id]
            household = self._household_of[child_id]
            self._people("gp", "GP", "", self.addresses[household.address_id], household.moved_in or
                         date(self.on.year - 3, 1, 1), None, [], [kid], adult_dob=0)  # fmt: skip


def truth_child_of(truth: Truth, kind: str, record_ref: str) -> str | None:
    """The person a record is about, from its kind and the supplier's reference."""
    return truth.person_of.get(f"{kind}:{record_ref}")


def children_of(truth: Truth, keys: Iterable[tuple[str, str]]) -> list[str]:
    return [p for kind, ref in keys if (p := truth_child_of(truth, kind, ref)) is not None]


@dataclass
class Score:
    """How a match run's candidate list compares with the truth."""

    found: set[str]  # truly missing children with a candidate
    correct: int  # candidates about a truly missing child
    wrong: int  # candidates about a child who is on a roll, has moved away, or no one
    duplicates: int  # further candidates about a child who already has one
    missing: int  # truly missing children

    @property
    def candidates(self) -> int:
        return self.correct + self.wrong

    @property
    def precision(self) -> float:
        return self.correct / self.candidates if self.candidates else 1.0

    @property
    def recall(self) -> float:
        return len(self.found) / self.missing if self.missing else 1.0


def candidate_person(truth: Truth, record_keys: Iterable[str], kind_of_source: dict[int, str]) -> str | None:
    """The person most of a candidate's records are about (record keys are "source id:record ref")."""
    people = []
    for key in record_keys:
        source_id, _, ref = key.partition(":")
        person = truth.person_of.get(f"{kind_of_source.get(int(source_id), '')}:{ref}")
        if person is not None:
            people.append(person)
    if not people:
        return None
    return max(sorted(set(people)), key=people.count)


def score(truth: Truth, candidates: Iterable[Iterable[str]], kind_of_source: dict[int, str],
          among: set[str] | None = None) -> Score:  # fmt: skip
    """Score candidates (each given by its record keys) against `truth.missing`, or against `among` of it (a group)."""
    missing = truth.missing if among is None else truth.missing & among
    found: set[str] = set()
    correct = wrong = duplicates = 0
    for keys in candidates:
        person = candidate_person(truth, keys, kind_of_source)
        if among is not None and person not in among:
            continue
        if person in truth.missing:
            correct += 1
            duplicates += person in found
            found.add(person)
        else:
            wrong += 1
    return Score(found=found, correct=correct, wrong=wrong, duplicates=duplicates, missing=len(missing))


# The demo borough's suppliers, one per kind of source (the privacy notice's sources: housing, council tax and so on).
SUPPLIERS = {
    "council_tax": ("Council tax accounts", "Wyndley Revenues and Benefits"),
    "housing": ("Housing tenancies", "Wyndley Homes (council housing)"),
    "benefits": ("Housing benefit and council tax support claims", "Wyndley Revenues and Benefits"),
    "gp": ("GP registrations of children", "Wyndley Primary Care Network"),
    "admissions": ("School admissions applications", "Wyndley School Admissions"),
    "school_roll": ("School census rolls", "Wyndley schools (census return)"),
}


def extracts_load(*, extracts: Extracts, actor, folder: Path, received_on: date) -> dict[str, object]:
    """Register a source per kind (if not already) and import each extract through the import service, as an officer
    would; returns kind -> SourceImport."""
    from cme.matching.models import DataSource
    from cme.matching.services import data_source_register, source_import_file

    imports = {}
    for kind, path in extracts.write(folder).items():
        name, supplier = SUPPLIERS[kind]
        source = DataSource.objects.filter(name=name).first() or data_source_register(
            actor=actor, name=name, kind=kind, supplier=supplier, legal_gateway="Education Act 1996 section 436A"
        )
        imports[kind] = source_import_file(actor=actor, source=source, path=path, received_on=received_on)
    return imports


DEMO_MATCHING_KINDS = ("council_tax", "housing", "benefits", "gp", "admissions")


def demo_matching_load(*, borough: Borough, actor, seed: int) -> dict[str, int]:
    """Receive the demo borough's council extracts and run the matching once, so the review queue has candidates.

    School rolls come from the enrolments the loader wrote, so no roll extract is imported. A match run that fails
    is recorded on the run (the Match runs page shows why) and does not stop the rest of the demo loading.
    """
    import logging
    import tempfile

    from cme.matching.run import match_run_execute
    from cme.matching.services import match_run_create

    extracts = extracts_generate(borough, seed=seed)
    extracts.rows = {kind: rows for kind, rows in extracts.rows.items() if kind in DEMO_MATCHING_KINDS}
    with tempfile.TemporaryDirectory(prefix="cme-demo-extracts-") as folder:
        imports = extracts_load(extracts=extracts, actor=actor, folder=Path(folder), received_on=borough.today)
    run = match_run_create(actor=actor, on_date=borough.today)
    try:
        run = match_run_execute(run=run)
    except Exception:  # the failure is on the run for anyone to read; the demo goes on without it
        logging.getLogger(__name__).exception("The demo match run failed")
        run.refresh_from_db()
    counts = run.counts or {}
    return {
        "source records": sum(i.rows_imported for i in imports.values()),
        "match candidates": counts.get("not_on_roll", 0) + counts.get("moved_away", 0),
    }
