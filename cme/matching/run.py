"""A match run: who lives here, is of compulsory school age, and is on no school roll; and who has moved away.

1. Read the latest extract of every active source (`_records_read`).
2. Keep records of people of about school age, and group the resident records into people with the engine's dedupe
   model (`engine.dedupe`): one cluster is one child as several sources know them.
3. Link every cluster's records to the current rolls (children with a current enrolment in cme, and the school roll
   extracts) with the engine's link model. A cluster with any record matching a roll entry is on a roll.
4. A cluster living here, of compulsory school age and matched to no roll entry is proposed as NOT_ON_ROLL; a roll
   entry matched only to a cluster whose every record has ended is proposed as MOVED_AWAY.
5. Candidates are upserted by overlap with the records behind earlier candidates, so the same child keeps the same
   candidate and its review; a dismissed candidate comes back only with records it did not have.

The run proposes; it never confirms or dismisses anything (cme.matching.services does that, for a person).
"""

from __future__ import annotations

import hashlib
import logging
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.pause import pause_point
from cme.common.processes import process_label
from cme.people.ages import is_compulsory_school_age, national_curriculum_year, year_group_label
from cme.people.models import Residence
from cme.people.names import fold, forename_likeness, surname_likeness
from cme.schools.models import Enrolment, School

from . import engine
from .enums import RESIDENT_KINDS, CandidateKind, ImportState, ReviewState, RunState, SourceKind
from .models import MatchCandidate, MatchRun, SourceImport, SourceRecord

logger = logging.getLogger(__name__)

# Two records at or above this probability are one person. High, so that twins (same surname, date of birth and
# address; different given names) stay two children.
DEDUPE_THRESHOLD = 0.95
# A child's record at or above this probability against a roll entry is that pupil: the child is on a roll.
ON_ROLL_THRESHOLD = 0.5
# Pairs down to this probability are kept as evidence ("the closest roll entry scored 12%").
EVIDENCE_THRESHOLD = 0.05
# Records of people born in this window around compulsory school age are matched; everyone else is left out.
YOUNGEST_AGE, OLDEST_AGE = 4, 17
# A pupil whose last record here ended longer ago than this is left to the school's own deletion returns.
MOVED_AWAY_WITHIN_DAYS = 2 * 365
STAGES = ("Reading records", "Grouping records into people", "Reading school rolls", "Matching to school rolls",
          "Writing candidates")  # fmt: skip


@dataclass
class Person:
    """One cluster: the records several sources hold about one child."""

    cluster_id: str
    records: list[dict]
    pairs: list[engine.Pair] = field(default_factory=list)
    joined: int = 1  # how many groups of records one_person_per_child joined into this one child

    @property
    def keys(self) -> list[str]:
        return sorted(record["key"] for record in self.records)

    def _most_common(self, name: str):
        values = [record[name] for record in self.records if record.get(name)]
        return Counter(values).most_common(1)[0][0] if values else None

    @property
    def date_of_birth(self) -> date | None:
        return self._most_common("date_of_birth_value")

    def current_records(self, on: date) -> list[dict]:
        return [r for r in self.records if r["valid_to"] is None or r["valid_to"] >= on]

    def is_resident(self, on: date) -> bool:
        return any(r["kind"] in RESIDENT_KINDS for r in self.current_records(on))

    def latest_address_record(self, on: date) -> dict:
        pool = self.current_records(on) or self.records
        return max(pool, key=lambda r: (r["valid_from"] or date.min, r["line"]))


def match_run_execute(
    *, run: MatchRun, progress: Callable[[str, int], None] | None = None, backend: str | None = None
) -> MatchRun:
    """Execute `run`, recording progress, settings, the models and counts on it. A failure is recorded, then raised.

    `progress(stage, stages done)` is called as each stage starts, besides the progress written on the run.
    `backend` runs the linkage on "duckdb" (in process, the default) or "spark" (the active Spark session); by
    default the run's own option (`backend` in its options), else DuckDB. It is recorded in the run's settings.
    """
    backend = backend or (run.settings.get("options") or {}).get("backend") or "duckdb"
    run.settings = {**run.settings, "process": process_label(), "backend": backend}
    MatchRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, started_at=timezone.now(), settings=run.settings)
    run._progress = progress
    try:
        result = _execute(run)
    except Exception as error:
        logger.exception("Match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED,
            failure=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
            stage=traceback.format_exception_only(error)[-1][:200],
        )
        raise
    run.refresh_from_db()
    return result


def _stage(run: MatchRun, index: int) -> None:
    MatchRun.objects.filter(pk=run.pk).update(
        stage=STAGES[index], progress_done=index, progress_total=len(STAGES), updated_at=timezone.now()
    )
    if getattr(run, "_progress", None):
        run._progress(STAGES[index], index)


def _execute(run: MatchRun) -> MatchRun:
    on = run.on_date
    _stage(run, 0)
    imports = latest_imports()
    residents = [r for r in _records_read(imports, kinds=RESIDENT_KINDS) if _of_school_age_window(r, on)]
    _stage(run, 1)
    saved = _saved_models(run)
    backend = run.settings.get("backend", "duckdb")
    people, dedupe = _people(residents, model=saved.get("dedupe"), backend=backend)
    _stage(run, 2)
    rolls = _roll_entries(imports, on=on)
    _stage(run, 3)
    school_age = [p for p in people if p.date_of_birth and is_compulsory_school_age(p.date_of_birth, on)]
    link, owner_of_entry, best_pair = _link_to_rolls(school_age, rolls, model=saved.get("link"), backend=backend)
    _stage(run, 4)
    found = _findings(school_age, rolls, owner_of_entry, best_pair, on=on, dedupe=dedupe, link=link)
    with transaction.atomic():
        counts = _candidates_upsert(run, found)
        pause_point("match-run.candidates-written")
        counts.update(
            {
                "resident_records": len(residents),
                "people": len(people),
                "school_age_people": len(school_age),
                "roll_entries": len(rolls),
                "not_on_roll": sum(1 for f in found if f.kind == CandidateKind.NOT_ON_ROLL),
                "moved_away": sum(1 for f in found if f.kind == CandidateKind.MOVED_AWAY),
            }
        )
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.FINISHED,
            stage="Finished",
            progress_done=len(STAGES),
            progress_total=len(STAGES),
            finished_at=timezone.now(),
            counts=counts,
            settings={**run.settings, **_settings(on, imports, saved)},
            model_version=f"dedupe {dedupe.model_version}; link {link.model_version}"[:100],
            model_json={"dedupe": dedupe.model, "link": link.model},
        )
        audit_record(actor=run.started_by, event=AuditEvent.MATCH_RUN_FINISHED, target=run, payload=counts)
    run.refresh_from_db()
    return run


def _settings(on: date, imports: list[SourceImport], saved: dict) -> dict:
    from importlib.metadata import version

    return {
        "on_date": on.isoformat(),
        "dedupe_threshold": DEDUPE_THRESHOLD,
        "on_roll_threshold": ON_ROLL_THRESHOLD,
        "evidence_threshold": EVIDENCE_THRESHOLD,
        "ages_matched": [YOUNGEST_AGE, OLDEST_AGE],
        "moved_away_within_days": MOVED_AWAY_WITHIN_DAYS,
        "splink_version": version("splink"),
        "models": f"reused from match run {saved['run_id']}" if saved.get("run_id") else "trained in this run",
        "imports": [
            {
                "import_id": i.pk,
                "source": i.source.name,
                "kind": i.source.kind,
                "received_on": i.received_on.isoformat(),
            }
            for i in imports
        ],
        "school_rolls": _rolls_used(on),
    }


def _rolls_used(on: date) -> list[dict]:
    """Each school's roll the run used (its latest), for the run's record."""
    from .selectors import school_rolls_in_use

    return [
        {"urn": roll.school_urn, "school": roll.school_name, "import_id": roll.source_import.pk,
         "received_on": roll.received_on.isoformat(), "pupils": roll.pupils, "stale": roll.is_stale,
         "joined_since": roll.joined_since}
        for roll in school_rolls_in_use(on=on)
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Reading


def latest_imports() -> list[SourceImport]:
    """The newest imported extract of each active source: each extract is a full snapshot, replacing the last."""
    finished = [ImportState.IMPORTED, ImportState.IMPORTED_WITH_REJECTIONS]
    latest = (
        SourceImport.objects.filter(source__is_active=True, state__in=finished)
        .values("source")
        .annotate(latest=Max("pk"))
        .values_list("latest", flat=True)
    )
    return list(SourceImport.objects.filter(pk__in=list(latest)).select_related("source").order_by("pk"))


_RECORD_FIELDS = ("pk", "source_import_id", "kind", "line", "record_ref", "given_name", "middle_names", "known_as",
                  "family_name", "date_of_birth", "sex", "address_line1", "address_line2", "town", "postcode", "uprn",
                  "upn", "nhs_number", "school_urn", "valid_from", "valid_to")  # fmt: skip


def _records_read(imports: list[SourceImport], *, kinds: Iterable[str]) -> list[dict]:
    by_id = {i.pk: i for i in imports if i.source.kind in set(kinds)}
    rows = SourceRecord.objects.filter(source_import_id__in=list(by_id)).values_list(*_RECORD_FIELDS)
    records = []
    for values in rows.iterator(chunk_size=10_000):
        row = dict(zip(_RECORD_FIELDS, values, strict=True))
        source_import = by_id[row["source_import_id"]]
        row["id"] = f"s{row['pk']}"
        row["key"] = f"{source_import.source_id}:{row['record_ref']}"
        row["source_name"] = source_import.source.name
        row["received_on"] = source_import.received_on
        row["date_of_birth_value"] = row["date_of_birth"]
        row["date_of_birth"] = row["date_of_birth"].isoformat() if row["date_of_birth"] else ""
        row["address"] = ", ".join(p for p in (row["address_line1"], row["address_line2"], row["town"]) if p)
        records.append(row)
    return records


def _of_school_age_window(record: dict, on: date) -> bool:
    born = record["date_of_birth_value"]
    return born is not None and YOUNGEST_AGE <= (on - born).days / 365.25 <= OLDEST_AGE


def exact_key(record: dict) -> tuple:
    """Records with the same given name, family name, date of birth and postcode are one child before any scoring
    (twins differ in given name): the model sees one of them, and the others join its cluster. Councils' systems
    often hold a child so, and the model's time grows with the records it sees."""
    postcode = (record.get("postcode") or "").replace(" ", "").upper()
    return (fold(record.get("given_name") or ""), fold(record.get("family_name") or ""), record.get("date_of_birth"),
            postcode)  # fmt: skip


def _saved_models(run: MatchRun) -> dict:
    """The models the last finished run trained, to score with again unless this run is asked to retrain.

    Training without labels is most of a run's time, and the parameters (how often details agree by chance and
    among matches) change slowly; a council retrains when its extracts change shape (`cme match run --retrain`).
    """
    if (run.settings.get("options") or {}).get("retrain"):
        return {}
    previous = MatchRun.objects.filter(state=RunState.FINISHED).exclude(pk=run.pk).order_by("-pk").first()
    models = {name: m for name, m in ((previous.model_json if previous else None) or {}).items() if m and
              m.get("comparisons")}  # fmt: skip
    return {**models, "run_id": previous.pk} if models else {}


def _people(
    records: list[dict], *, model: dict | None = None, backend: str = "duckdb"
) -> tuple[list[Person], engine.Outcome]:
    """Group records into children: the model's pairs at or above the threshold that could be one child."""
    same: dict[tuple, str] = {}
    parent = {}
    for record in records:
        parent[record["id"]] = same.setdefault(exact_key(record), record["id"])
    shown = [record for record in records if parent[record["id"]] == record["id"]]
    for record in shown:
        record["shown"] = True
    outcome = engine.dedupe(shown, threshold=DEDUPE_THRESHOLD, model=model, backend=backend)
    by_id = {record["id"]: record for record in records}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    kept = []
    for pair in outcome.pairs:
        left, right = by_id.get(pair.left_id), by_id.get(pair.right_id)
        if left is None or right is None or pair.probability < DEDUPE_THRESHOLD or not one_child(left, right):
            continue
        kept.append(pair)
        parent[root(pair.left_id)] = root(pair.right_id)
    members: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        members[root(record["id"])].append(record)
    people = {cluster: Person(cluster_id=cluster, records=rows) for cluster, rows in members.items()}
    for pair in kept:
        people[root(pair.left_id)].pairs.append(pair)
    outcome.clusters = {record_id: root(record_id) for record_id in by_id}
    return list(people.values()), outcome


# Dates of birth this close are one date recorded twice (19th and 20th); a brother or sister is never born so close,
# and twins born either side of midnight are kept apart by their given names.
NEAR_DAYS = 2


def dates_could_be_one(a: date | None, b: date | None) -> bool:
    """Whether two dates of birth could be one date as two systems recorded it: within two days, day and month
    swapped, or one digit mistyped or two neighbouring digits transposed. Blank agrees with anything.

    >>> dates_could_be_one(date(2016, 3, 4), date(2016, 4, 3)), dates_could_be_one(date(2016, 3, 4), date(2013, 9, 6))
    (True, False)
    """
    if a is None or b is None or abs((a - b).days) <= NEAR_DAYS:
        return True
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return True
    left, right = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    differ = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
    if len(differ) == 1:
        return True
    first, second = differ[0], differ[-1]
    return len(differ) == 2 and second == first + 1 and left[first] == right[second] and left[second] == right[first]


def given_names_could_be_one(a: dict, b: dict) -> bool:
    """Whether two records' given names could name one child: alike (spelling, known-as, typing slip), or one record
    gives as its first name a name the other has among its names. Blank agrees with anything."""
    first, second = a.get("given_name") or "", b.get("given_name") or ""
    if not fold(first) or not fold(second) or forename_likeness(first, second).score > 0:
        return True
    names_a = set(fold(f"{first} {a.get('middle_names') or ''} {a.get('known_as') or ''}").split())
    names_b = set(fold(f"{second} {b.get('middle_names') or ''} {b.get('known_as') or ''}").split())
    # A shared middle name alone proves nothing: Somali brothers and sisters all carry their father's name.
    return bool(set(fold(first).split()) & names_b or set(fold(second).split()) & names_a)


def could_be_this_pupil(record: dict, entry: dict) -> bool:
    """Whether a child's record could be a roll entry the model scored: the same NHS number or UPN; or dates of
    birth that could be one date and, unless the dates are equal, the same postcode sector. A pupil elsewhere in the
    borough who shares a common name (Gurpreet Singh, Mohammed Khan) and a date one digit away is another child, and
    counting them would hide a child on no roll, more often in communities where a few names are widely shared."""
    if _same_identifier(record, entry):
        return True
    born, on_roll = _born(record), _born(entry)
    if not dates_could_be_one(born, on_roll) or not _names_could_be_pupil(record, entry):
        return False
    return born == on_roll or _sector(record) == _sector(entry)


def _names_could_be_pupil(record: dict, entry: dict) -> bool:
    """A roll entry whose family name is unlike the record's, and whose given name is not plainly the same name, is
    another child at the address (a twin with her own surname, as Sikh sisters have Kaur and brothers Singh; a
    step-brother or sister born the same day), however well the address agrees."""
    return (
        names_could_be_one(record, entry)
        or surname_likeness(record.get("family_name") or "", entry.get("family_name") or "").score > 0
    )


def _sector(record: dict) -> str:
    """The postcode sector (`ZY1 2`), or the compact postcode without its last two letters."""
    return _compact_postcode(record.get("postcode") or "")[:-2]


def _same_identifier(a: dict, b: dict) -> bool:
    return any(a.get(name) and a.get(name) == b.get(name) for name in ("nhs_number", "upn"))


def one_child(a: dict, b: dict) -> bool:
    """The rules that keep a cluster to one child, whatever the model's score: the same NHS number or UPN says so;
    otherwise the dates of birth must be one date recorded twice and the given names one name. Brothers and sisters
    share a surname, an address and often a middle name, and twins a date of birth too; these rules keep them apart,
    so that a child on no roll is never hidden inside a sibling who is on one."""
    if _same_identifier(a, b):
        return True
    return dates_could_be_one(_born(a), _born(b)) and names_could_be_one(a, b)


def names_could_be_one(a: dict, b: dict) -> bool:
    """Given names that could be one name, and, where the family names are not alike at all, given names that are
    plainly the same name (spelling, known-as form, a slip): twins Gurpreet Singh and Harpreet Kaur, or Alicja
    Krawczyk and Hanna Grabowska born the same day at one address, are two children."""
    if not given_names_could_be_one(a, b):
        return False
    family_a, family_b = a.get("family_name") or "", b.get("family_name") or ""
    if not fold(family_a) or not fold(family_b) or surname_likeness(family_a, family_b).score > 0:
        return True
    return forename_likeness(a.get("given_name") or "", b.get("given_name") or "").score >= STRONG_GIVEN_NAME


# A given name at least this alike (same, other spelling, known-as form, a typing slip) stands on its own.
STRONG_GIVEN_NAME = 0.9


def _born(record: dict) -> date | None:
    value = record.get("date_of_birth_value")
    if value is None and record.get("date_of_birth"):
        value = date.fromisoformat(record["date_of_birth"])
    return value


def _roll_entries(imports: list[SourceImport], *, on: date) -> list[dict]:
    """Everyone currently on a roll: children with a current enrolment in cme, and pupils on roll extracts.

    Roll extracts are per school: each school's latest roll (`school_rolls_in_use`), so one school's roll never
    replaces another's."""
    from .selectors import school_rolls_in_use

    in_use = school_rolls_in_use(on=on)
    urns_of = defaultdict(set)
    for roll in in_use:
        urns_of[roll.source_import.pk].add(roll.school_urn)
    roll_imports = list({roll.source_import.pk: roll.source_import for roll in in_use}.values())
    entries = [r for r in _records_read(roll_imports, kinds={SourceKind.SCHOOL_ROLL})
               if r["school_urn"] in urns_of[r["source_import_id"]]
               and (r["valid_to"] is None or r["valid_to"] >= on)]  # fmt: skip
    names = dict(School.objects.values_list("urn", "name"))
    for entry in entries:
        entry["school"] = names.get(entry["school_urn"], f"URN {entry['school_urn']}")
    enrolments = (
        Enrolment.objects.filter(Q(leave_date__isnull=True) | Q(leave_date__gte=on), start_date__lte=on)
        .select_related("child", "school")
        .order_by("child_id", "-start_date")
    )
    addresses = _current_addresses(on)
    seen = set()
    for enrolment in enrolments.iterator(chunk_size=5000):
        child = enrolment.child
        if child.pk in seen:
            continue
        seen.add(child.pk)
        address = addresses.get(child.pk)
        entries.append(
            {
                "id": f"c{child.pk}",
                "child_id": child.pk,
                "given_name": child.given_name,
                "middle_names": child.middle_names,
                "known_as": child.preferred_name,
                "family_name": child.family_name,
                "date_of_birth": child.date_of_birth.isoformat(),
                "sex": child.sex if child.sex != "U" else "",
                "address": address.line_text if address else "",
                "postcode": address.postcode if address else "",
                "uprn": address.uprn if address else "",
                "upn": child.upn,
                "nhs_number": child.nhs_number,
                "school": enrolment.school.name,
                "school_urn": enrolment.school.urn,
                "valid_from": enrolment.start_date,
            }
        )
    return entries


@dataclass(frozen=True)
class _Address:
    line_text: str
    postcode: str
    uprn: str


def _current_addresses(on: date) -> dict[int, _Address]:
    rows = (
        Residence.objects.filter(child__isnull=False)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .values_list(
            "child_id", "address__line1", "address__line2", "address__town", "address__postcode", "address__uprn"
        )
    )
    return {
        child_id: _Address(", ".join(p for p in (line1, line2, town) if p), postcode, uprn)
        for child_id, line1, line2, town, postcode, uprn in rows.iterator(chunk_size=10_000)
    }


# ---------------------------------------------------------------------------------------------------------------
# Linking to the rolls


def _link_to_rolls(people: list[Person], rolls: list[dict], *, model: dict | None = None, backend: str = "duckdb"):
    """Link every record of `people` to the roll entries: each person's best pair, and each entry's best person."""
    cluster_of = {record["id"]: person.cluster_id for person in people for record in person.records}
    left = [record for person in people for record in person.records if record.get("shown", True)]
    if not left or not rolls:
        return engine.Outcome(pairs=[], model={}, model_version="not run"), {}, {}
    outcome = engine.link(left, rolls, threshold=EVIDENCE_THRESHOLD, model=model, backend=backend)
    left_by_id = {record["id"]: record for record in left}
    roll_by_id = {entry["id"]: entry for entry in rolls}
    pairs = [p for p in outcome.pairs if could_be_this_pupil(left_by_id[p.left_id], roll_by_id[p.right_id])]
    linked = {cluster_of[p.left_id] for p in pairs if p.probability >= ON_ROLL_THRESHOLD}
    unlinked = [record for person in people if person.cluster_id not in linked for record in person.records]
    pairs += _safety_net(unlinked, rolls)
    best_for_entry: dict[str, engine.Pair] = {}
    best_for_person: dict[str, engine.Pair] = {}
    for pair in pairs:
        cluster = cluster_of.get(pair.left_id)
        if cluster is None:
            continue
        if pair.probability > best_for_person.get(cluster, _NO_PAIR).probability:
            best_for_person[cluster] = pair
        if (
            pair.probability >= ON_ROLL_THRESHOLD
            and pair.probability > best_for_entry.get(pair.right_id, _NO_PAIR).probability
        ):
            best_for_entry[pair.right_id] = pair
    owner_of_entry = {entry: (cluster_of[pair.left_id], pair) for entry, pair in best_for_entry.items()}
    return outcome, owner_of_entry, best_for_person


_NO_PAIR = engine.Pair("", "", -1.0, float("-inf"))
# The probability given to a pair the safety net finds: at the on-roll threshold, so it counts, and no higher.
SAFETY_NET_PROBABILITY = ON_ROLL_THRESHOLD


def _safety_net(unlinked: list[dict], rolls: list[dict]) -> list[engine.Pair]:
    """For children the model matched to no roll entry: pairs that are surely one pupil all the same, at the same
    postcode with a surname alike, a date of birth that could be the same date recorded twice, and given names that
    could be one name (a typing slip, a known-as name). Twins share the rest and are kept apart by the given name.
    This keeps a pupil whose details were mistyped in two places off the review queue."""
    index: dict[str, list[dict]] = defaultdict(list)
    for entry in rolls:
        if entry.get("postcode"):
            index[_compact_postcode(entry["postcode"])].append(entry)
    found = []
    for record in unlinked:
        for entry in index.get(_compact_postcode(record.get("postcode") or ""), ()):
            if (
                surname_likeness(record["family_name"], entry["family_name"]).score >= SURNAME_ALIKE
                and record.get("date_of_birth")
                and dates_could_be_one(_born(record), _born(entry))
                and given_names_could_be_one(record, entry)
            ):
                found.append(engine.Pair(record["id"], entry["id"], SAFETY_NET_PROBABILITY, 0.0))
    return found


def _compact_postcode(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


SURNAME_ALIKE = 0.9


# ---------------------------------------------------------------------------------------------------------------
# What the run found


@dataclass
class Finding:
    kind: str
    person: Person
    reason: str
    evidence: dict
    score: float
    child_id: int | None = None


def _findings(people: list[Person], rolls: list[dict], owner_of_entry: dict[str, tuple], best_pair, *, on: date,
              dedupe: engine.Outcome, link: engine.Outcome) -> list[Finding]:  # fmt: skip
    on_roll = {cluster for cluster, pair in best_pair.items() if pair.probability >= ON_ROLL_THRESHOLD}
    roll_by_id = {entry["id"]: entry for entry in rolls}
    by_cluster = {person.cluster_id: person for person in people}
    found = []
    off_roll = [person for person in people if person.cluster_id not in on_roll and person.is_resident(on)]
    for person in one_person_per_child(off_roll, best_pair):
        closest = best_pair.get(person.cluster_id)
        finding = _not_on_roll(person, closest and roll_by_id.get(closest.right_id), closest, on=on, dedupe=dedupe)
        if finding.evidence["closest_roll_entry"] is not None:
            finding.evidence["closest_roll_entry"]["field_weights"] = ("link", closest)
        found.append(finding)
    # A roll entry whose only match is someone whose every record here has ended: the pupil may have moved away.
    for entry_id, (cluster, pair) in owner_of_entry.items():
        person = by_cluster[cluster]
        if person.is_resident(on):
            continue
        ended = max((r["valid_to"] for r in person.records if r["valid_to"]), default=None)
        if ended is None or (on - ended).days > MOVED_AWAY_WITHIN_DAYS:
            continue
        finding = _moved_away(person, roll_by_id[entry_id], on=on, dedupe=dedupe)
        finding.evidence["roll_entry"]["field_weights"] = ("link", pair)
        found.append(finding)
    _field_weights_fill(found, {"dedupe": dedupe, "link": link})
    return found


def one_person_per_child(people: list[Person], best_pair: dict) -> list[Person]:
    """One child whose records fell into several groups is one person, so one candidate (issue 11 point 3).

    The dedupe model keeps a child apart from themselves when one system knows them by an English known-as name and
    another by their given name (`Jason` and `Bowen`), which no threshold can tell from a twin. Among the people off
    every roll, groups are one child when they live at the same address now (the same UPRN, or the same house and
    flat numbers and postcode), their dates of birth could be one date and their family names are alike, **and no source
    holds both now**: a council system holds a child once, so two groups with current records in one extract are two
    children (twins, a step-brother born the same day). Groups of different sexes, or whose records both give full
    names (with middle names) with no name in common, are two children too (twins Jade Amy and Ella Freya Megan).
    Only groups that are all off roll are joined, so a child on no roll is never hidden inside a brother or sister on
    one. Keeps each group's records and pairs as the evidence of the one candidate; the closest
    roll entry of the joined person is the closest of any group (`best_pair` gains the joined cluster).
    """
    by_address: dict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in _address_keys(person):
            by_address[key].append(index)
    parent = list(range(len(people)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for indexes in by_address.values():
        for position, i in enumerate(indexes):
            for j in indexes[position + 1 :]:
                if root(i) != root(j) and _groups_one_child(people[root(i)], people[root(j)]):
                    a, b = sorted((root(i), root(j)))
                    people[a] = _joined(people[a], people[b], best_pair)
                    parent[b] = a
    return [person for index, person in enumerate(people) if root(index) == index]


def _address_keys(person: Person) -> set[str]:
    """Where the person lives now: the UPRN, or the postcode with the numbers of the address (`Flat 1, Millbrook
    Court` and `Flat 1, Millbrook Ct` are one flat; `Flat 7` and `Flat 8` are two)."""
    keys = set()
    for record in person.records:
        if record["valid_to"] is not None:
            continue
        if record.get("uprn"):
            keys.add(f"u:{record['uprn']}")
        postcode = _compact_postcode(record.get("postcode") or "")
        words = f"{record.get('address_line1') or ''} {record.get('address_line2') or ''}".replace(",", " ").split()
        numbers = " ".join(word for word in words if any(ch.isdigit() for ch in word))
        if postcode and numbers:
            keys.add(f"a:{postcode}:{numbers.lower()}")
    return keys


def _sources(person: Person) -> set[str]:
    """The sources holding the person now: a source may hold an old record of a child who has since moved within it."""
    current = [record for record in person.records if record["valid_to"] is None] or person.records
    return {record["key"].partition(":")[0] for record in current}


def _names(person: Person) -> tuple[set[str], bool]:
    """Every given, middle and known-as name the person's records give, and whether any record gives middle names."""
    names, middles = set(), False
    for record in person.records:
        names |= set(fold(f"{record.get('given_name') or ''} {record.get('known_as') or ''}").split())
        middle = fold(record.get("middle_names") or "")
        names |= set(middle.split())
        middles = middles or bool(middle)
    return names, middles


def _groups_one_child(a: Person, b: Person) -> bool:
    if _sources(a) & _sources(b):
        return False  # one source holds both now: two children (twins)
    sex_a, sex_b = a._most_common("sex"), b._most_common("sex")
    if sex_a and sex_b and sex_a != sex_b:
        return False
    given_a, given_b = a._most_common("given_name") or "", b._most_common("given_name") or ""
    (names_a, middles_a), (names_b, middles_b) = _names(a), _names(b)
    if middles_a and middles_b and not names_a & names_b and forename_likeness(given_a, given_b).score <= 0:
        return False  # full names with nothing in common (twins Jade Amy and Ella Freya Megan)
    family_a, family_b = a._most_common("family_name") or "", b._most_common("family_name") or ""
    return dates_could_be_one(a.date_of_birth, b.date_of_birth) and (
        fold(family_a) == fold(family_b) or surname_likeness(family_a, family_b).score >= SURNAME_ALIKE
    )


def _joined(a: Person, b: Person, best_pair: dict) -> Person:
    joined = Person(a.cluster_id, a.records + b.records, a.pairs + b.pairs, joined=a.joined + b.joined)
    pairs = [pair for pair in (best_pair.get(a.cluster_id), best_pair.get(b.cluster_id)) if pair is not None]
    if pairs:
        best_pair[a.cluster_id] = max(pairs, key=lambda pair: pair.probability)
    return joined


def _field_weights_fill(found: list[Finding], outcomes: dict[str, engine.Outcome]) -> None:
    """Replace each ("dedupe" or "link", pair) placeholder in the evidence with that pair's per-field weights,
    reading each model's weights once for all the pairs shown."""
    slots = []
    for finding in found:
        evidence = finding.evidence
        slots += [link for link in evidence.get("links", [])]
        slots += [entry for entry in (evidence.get("closest_roll_entry"), evidence.get("roll_entry")) if entry]
    wanted: dict[str, list] = defaultdict(list)
    for slot in slots:
        if isinstance(slot.get("field_weights"), tuple):
            name, pair = slot["field_weights"]
            wanted[name].append(pair)
    weights = {name: outcomes[name].field_weights_many(pairs) for name, pairs in wanted.items()}
    for slot in slots:
        if isinstance(slot.get("field_weights"), tuple):
            name, pair = slot["field_weights"]
            slot["field_weights"] = weights[name].get((pair.left_id, pair.right_id), [])


def _describe_age(born: date | None, on: date) -> str:
    if born is None:
        return "date of birth not known"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return f"born {born:%-d %B %Y}, aged {age} ({year_group_label(national_curriculum_year(born, on))})"


def _name(person: Person) -> str:
    given = person._most_common("given_name") or ""
    family = person._most_common("family_name") or ""
    return f"{given} {family}".strip() or "A child with no name recorded"


def _sources_phrase(records: list[dict]) -> str:
    kinds = sorted({SourceKind(r["kind"]).label.split(" (")[0].lower() for r in records})
    return ", ".join(kinds[:-1]) + (" and " if len(kinds) > 1 else "") + kinds[-1]


def _not_on_roll(
    person: Person, closest_entry: dict | None, closest: engine.Pair | None, *, on: date, dedupe: engine.Outcome
) -> Finding:
    home = person.latest_address_record(on)
    since = min((r["valid_from"] for r in person.current_records(on) if r["valid_from"]), default=None)
    where = f"{home['address']}, {home['postcode']}".strip(", ")
    reason = (
        f"{_name(person)}, {_describe_age(person.date_of_birth, on)}, lives at {where}"
        f"{f' since {since:%-d %B %Y}' if since else ''} according to {_sources_phrase(person.current_records(on))} "
        f"records, and matches no pupil on any school roll we hold."
    )
    if closest is not None and closest_entry is not None:
        reason += f" The closest roll entry scored {closest.probability:.0%}, below the {ON_ROLL_THRESHOLD:.0%} needed."
    joined = person.joined
    if joined > 1:
        reason += (
            f" The records fell into {joined} groups at this address that no single source holds together, so they "
            "are shown as one child."
        )
    evidence = _evidence(person, on=on, dedupe=dedupe)
    evidence["groups_joined"] = joined
    evidence["closest_roll_entry"] = _roll_evidence(closest_entry, closest)
    score = min((p.probability for p in person.pairs), default=1.0)
    return Finding(CandidateKind.NOT_ON_ROLL, person, reason[:1000], evidence, score)


def _moved_away(person: Person, entry: dict, *, on: date, dedupe: engine.Outcome) -> Finding:
    last = max(person.records, key=lambda r: r["valid_to"] or date.min)
    reason = (
        f"{_name(person)}, {_describe_age(person.date_of_birth, on)}, is on the roll of "
        f"{entry.get('school', 'a school')}, but every record placing them in the borough has ended: "
        f"{last['source_name']} says they left "
        f"{last['address']}, {last['postcode']} on {last['valid_to']:%-d %B %Y}."
    )
    evidence = _evidence(person, on=on, dedupe=dedupe)
    evidence["roll_entry"] = _roll_evidence(entry, None)
    return Finding(CandidateKind.MOVED_AWAY, person, reason[:1000], evidence, 1.0, child_id=entry.get("child_id"))


def _evidence(person: Person, *, on: date, dedupe: engine.Outcome) -> dict:
    records = sorted(person.records, key=lambda r: (r["valid_from"] or date.min, r["key"]))
    by_id = {r["id"]: r for r in records}
    return {
        "records": [
            {
                "key": r["key"],
                "source": r["source_name"],
                "kind": r["kind"],
                "line": r["line"],
                "received_on": r["received_on"].isoformat(),
                "name": " ".join(p for p in (r["given_name"], r["middle_names"], r["family_name"]) if p),
                "date_of_birth": r["date_of_birth"],
                "address": r["address"],
                "postcode": r["postcode"],
                "since": r["valid_from"].isoformat() if r["valid_from"] else "",
                "until": r["valid_to"].isoformat() if r["valid_to"] else "",
                "current": r["valid_to"] is None or r["valid_to"] >= on,
            }
            for r in records
        ],
        "links": [
            {
                "between": [by_id[p.left_id]["key"], by_id[p.right_id]["key"]],
                "probability": round(p.probability, 4),
                "weight": round(p.weight, 2),
                "field_weights": ("dedupe", p),
            }
            for p in sorted(person.pairs, key=lambda p: -p.probability)[:3]
            if p.left_id in by_id and p.right_id in by_id
        ],
    }


def _roll_evidence(entry: dict | None, pair: engine.Pair | None) -> dict | None:
    if entry is None:
        return None
    return {
        "school": entry.get("school", ""),
        "name": " ".join(p for p in (entry.get("given_name"), entry.get("family_name")) if p),
        "date_of_birth": entry.get("date_of_birth", ""),
        "postcode": entry.get("postcode", ""),
        "probability": round(pair.probability, 4) if pair else None,
        "weight": round(pair.weight, 2) if pair else None,
        "field_weights": [],
    }


# ---------------------------------------------------------------------------------------------------------------
# Keeping identities stable across runs


def _candidates_upsert(run: MatchRun, found: list[Finding]) -> dict[str, int]:
    """Write `found` onto existing candidates where their records overlap, new candidates otherwise."""
    existing = {c.pk: c for c in MatchCandidate.objects.all()}
    owner_of_key = {key: c.pk for c in existing.values() for key in c.record_keys}
    claimed: set[int] = set()
    counts = Counter()
    now = timezone.now()
    new_rows, reopened = [], []
    for finding in sorted(found, key=lambda f: f.person.keys):
        keys = finding.person.keys
        votes = Counter(owner_of_key[k] for k in keys if k in owner_of_key and owner_of_key[k] not in claimed)
        candidate = existing[votes.most_common(1)[0][0]] if votes else None
        values = _candidate_values(finding, run)
        if candidate is None:
            new_rows.append(MatchCandidate(identity_key=_identity_key(keys, existing), first_run=run, **values))
            counts["new"] += 1
            continue
        claimed.add(candidate.pk)
        if candidate.review_state == ReviewState.DISMISSED and set(keys) - set(candidate.reviewed_keys):
            values.update(review_state=ReviewState.TO_REVIEW, reopened=True)
            counts["reopened"] += 1
            reopened.append(candidate)
        elif candidate.review_state == ReviewState.DISMISSED:
            counts["still_dismissed"] += 1
        elif candidate.review_state == ReviewState.CONFIRMED:
            counts["already_confirmed"] += 1
        else:
            counts["still_to_review"] += 1
        if candidate.child_id and not values.get("child_id"):
            values.pop("child_id", None)
        MatchCandidate.objects.filter(pk=candidate.pk).update(updated_at=now, **values)
    MatchCandidate.objects.bulk_create(new_rows, batch_size=1000)
    gone = (
        MatchCandidate.objects.filter(is_current=True).exclude(pk__in=claimed).exclude(pk__in=[c.pk for c in new_rows])
    )
    counts["no_longer_found"] = gone.update(is_current=False, updated_at=now)
    for candidate in reopened:  # a person's dismissal undone by the system: on the record, like the dismissal
        audit_record(
            actor=run.started_by,
            event=AuditEvent.MATCH_CANDIDATE_REOPENED,
            target=candidate,
            related=run,
            subject_child_id=candidate.child_id,
        )
    return dict(counts)


def _candidate_values(finding: Finding, run: MatchRun) -> dict:
    person = finding.person
    home = person.latest_address_record(run.on_date)
    since = min((r["valid_from"] for r in person.current_records(run.on_date) if r["valid_from"]), default=None)
    sex = person._most_common("sex") or ""
    return {
        "kind": finding.kind,
        "is_current": True,
        "given_name": (person._most_common("given_name") or "")[:100],
        "middle_names": (person._most_common("middle_names") or "")[:150],
        "family_name": (person._most_common("family_name") or "")[:100],
        "date_of_birth": person.date_of_birth,
        "sex": sex,
        "address": home["address"][:300],
        "postcode": home["postcode"],
        "uprn": home["uprn"],
        "resident_since": since,
        "reason": finding.reason,
        "evidence": finding.evidence,
        "record_keys": person.keys,
        "score": finding.score,
        "child_id": finding.child_id,
        "last_run": run,
    }


def _identity_key(keys: list[str], existing: dict[int, MatchCandidate]) -> str:
    """A stable opaque key from the person's first record; random only if that key was ever used before."""
    key = hashlib.sha1(keys[0].encode(), usedforsecurity=False).hexdigest()
    if MatchCandidate.objects.filter(identity_key=key).exists():
        return uuid.uuid4().hex
    return key
