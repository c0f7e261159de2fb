"""What a run found, and the evidence a person reviews it by.

A `Finding` is a person proposed as NOT_ON_ROLL (living here, of compulsory school age, on no roll) or MOVED_AWAY
(on a roll, but every record here has ended), with a reason in plain words and its `Evidence`. The evidence is
stored with the candidate as JSON (`Evidence.as_json`), which the candidate page reads: its shape is

    {"records": [{"key", "source", "kind", "line", "received_on", "name", "date_of_birth", "address", "postcode",
                  "since", "until", "current"}, ...],
     "links": [{"between": [key, key], "probability", "weight", "field_weights": [{"field", "level", "weight"}]}],
     NOT_ON_ROLL: "groups_joined": n, "closest_roll_entry": {"school", "name", "date_of_birth", "postcode",
                  "probability", "weight", "field_weights"} or null;
     MOVED_AWAY:  "roll_entry": the same}

Per-field match weights are read from the engine once for every pair shown (`field_weights_fill`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cme.people.ages import national_curriculum_year, year_group_label

from .. import engine
from ..enums import CandidateKind, SourceKind
from .cluster import one_person_per_child
from .rolls import RollLinks
from .rows import Person, RollEntry, SourceRecord
from .thresholds import MOVED_AWAY_WITHIN_DAYS, ON_ROLL_THRESHOLD

# How many of the pairs that joined a person's records are shown, strongest first.
LINKS_SHOWN = 3


@dataclass
class ScoredPair:
    """A pair the model scored, shown as evidence: which model ("dedupe" or "link") and its per-field weights,
    which `field_weights_fill` reads once for all the pairs of a run."""

    model: str
    pair: engine.Pair | None
    field_weights: list[dict] = field(default_factory=list)


@dataclass
class RecordShown:
    key: str
    source: str
    kind: str
    line: int
    received_on: date | None
    name: str
    date_of_birth: str
    address: str
    postcode: str
    since: date | None
    until: date | None
    current: bool

    @classmethod
    def of(cls, record: SourceRecord, *, on: date) -> RecordShown:
        return cls(
            key=record.key,
            source=record.source_name,
            kind=record.kind,
            line=record.line,
            received_on=record.received_on,
            name=" ".join(p for p in (record.given_name, record.middle_names, record.family_name) if p),
            date_of_birth=record.date_of_birth,
            address=record.address,
            postcode=record.postcode,
            since=record.valid_from,
            until=record.valid_to,
            current=record.is_current(on),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "source": self.source,
            "kind": self.kind,
            "line": self.line,
            "received_on": self.received_on.isoformat() if self.received_on else "",
            "name": self.name,
            "date_of_birth": self.date_of_birth,
            "address": self.address,
            "postcode": self.postcode,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "current": self.current,
        }


@dataclass
class LinkShown:
    """Two of the person's records the dedupe model joined."""

    between: tuple[str, str]
    scored: ScoredPair

    def as_json(self) -> dict[str, Any]:
        pair = self.scored.pair
        return {
            "between": list(self.between),
            "probability": round(pair.probability, 4),
            "weight": round(pair.weight, 2),
            "field_weights": self.scored.field_weights,
        }


@dataclass
class RollEntryShown:
    """A roll entry: the closest one to a child on no roll, or the pupil who appears to have moved away. The
    probability and weight are shown only for the closest entry; the weights are the link model's for the pair."""

    school: str
    name: str
    date_of_birth: str
    postcode: str
    probability: float | None
    weight: float | None
    scored: ScoredPair

    @classmethod
    def of(cls, entry: RollEntry, pair: engine.Pair | None, *, scores_shown: bool) -> RollEntryShown:
        return cls(
            school=entry.school,
            name=" ".join(p for p in (entry.given_name, entry.family_name) if p),
            date_of_birth=entry.date_of_birth,
            postcode=entry.postcode,
            probability=round(pair.probability, 4) if pair and scores_shown else None,
            weight=round(pair.weight, 2) if pair and scores_shown else None,
            scored=ScoredPair("link", pair),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "name": self.name,
            "date_of_birth": self.date_of_birth,
            "postcode": self.postcode,
            "probability": self.probability,
            "weight": self.weight,
            "field_weights": self.scored.field_weights,
        }


@dataclass
class Evidence:
    kind: str
    records: list[RecordShown]
    links: list[LinkShown]
    groups_joined: int = 1
    roll_entry: RollEntryShown | None = None  # the closest entry (NOT_ON_ROLL) or the pupil's (MOVED_AWAY)

    def scored_pairs(self) -> list[ScoredPair]:
        scored = [link.scored for link in self.links]
        return scored + ([self.roll_entry.scored] if self.roll_entry else [])

    def as_json(self) -> dict[str, Any]:
        shown = {"records": [r.as_json() for r in self.records], "links": [link.as_json() for link in self.links]}
        entry = self.roll_entry.as_json() if self.roll_entry else None
        if self.kind == CandidateKind.MOVED_AWAY:
            return {**shown, "roll_entry": entry}
        return {**shown, "groups_joined": self.groups_joined, "closest_roll_entry": entry}


@dataclass
class Finding:
    kind: str
    person: Person
    reason: str
    evidence: Evidence
    score: float
    child_id: int | None = None


def findings(
    people: list[Person], rolls: list[RollEntry], links: RollLinks, *, on: date, dedupe: engine.Outcome
) -> list[Finding]:
    """Every child living here on no roll (groups of one child joined first), then every pupil who appears to have
    moved away; each with its evidence, field weights read."""
    roll_by_id = {entry.id: entry for entry in rolls}
    by_cluster = {person.cluster_id: person for person in people}
    found = []
    off_roll = [person for person in people if not links.is_on_roll(person) and person.is_resident(on)]
    for person in one_person_per_child(off_roll, links.best_for_person):
        closest = links.best_for_person.get(person.cluster_id)
        found.append(_not_on_roll(person, closest and roll_by_id.get(closest.right_id), closest, on=on))
    # A roll entry whose only match is someone whose every record here has ended: the pupil may have moved away.
    for entry_id, (cluster, pair) in links.owner_of_entry.items():
        person = by_cluster[cluster]
        if person.is_resident(on):
            continue
        ended = max((r.valid_to for r in person.records if r.valid_to), default=None)
        if ended is None or (on - ended).days > MOVED_AWAY_WITHIN_DAYS:
            continue
        found.append(_moved_away(person, roll_by_id[entry_id], pair, on=on))
    field_weights_fill(found, {"dedupe": dedupe, "link": links.outcome})
    return found


def field_weights_fill(found: list[Finding], outcomes: dict[str, engine.Outcome]) -> None:
    """Each shown pair's per-field weights, reading each model's weights once for all the pairs shown."""
    scored = [s for finding in found for s in finding.evidence.scored_pairs() if s.pair is not None]
    for name, outcome in outcomes.items():
        pairs = [s.pair for s in scored if s.model == name]
        weights = outcome.field_weights_many(pairs)
        for s in scored:
            if s.model == name:
                s.field_weights = weights.get((s.pair.left_id, s.pair.right_id), [])


def describe_age(born: date | None, on: date) -> str:
    if born is None:
        return "date of birth not known"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return f"born {born:%-d %B %Y}, aged {age} ({year_group_label(national_curriculum_year(born, on))})"


def name_of(person: Person) -> str:
    given = person.most_common("given_name") or ""
    family = person.most_common("family_name") or ""
    return f"{given} {family}".strip() or "A child with no name recorded"


def sources_phrase(records: list[SourceRecord]) -> str:
    kinds = sorted({SourceKind(r.kind).label.split(" (")[0].lower() for r in records})
    return ", ".join(kinds[:-1]) + (" and " if len(kinds) > 1 else "") + kinds[-1]


def _not_on_roll(person: Person, closest_entry: RollEntry | None, closest: engine.Pair | None, *, on: date) -> Finding:
    home = person.latest_address_record(on)
    current = person.current_records(on)
    since = min((r.valid_from for r in current if r.valid_from), default=None)
    where = f"{home.address}, {home.postcode}".strip(", ")
    reason = (
        f"{name_of(person)}, {describe_age(person.date_of_birth, on)}, lives at {where}"
        f"{f' since {since:%-d %B %Y}' if since else ''} according to {sources_phrase(current)} "
        f"records, and matches no pupil on any school roll we hold."
    )
    if closest is not None and closest_entry is not None:
        reason += f" The closest roll entry scored {closest.probability:.0%}, below the {ON_ROLL_THRESHOLD:.0%} needed."
    if person.joined > 1:
        reason += (
            f" The records fell into {person.joined} groups at this address that no single source holds together, "
            "so they are shown as one child."
        )
    evidence = _evidence(CandidateKind.NOT_ON_ROLL, person, on=on)
    evidence.groups_joined = person.joined
    if closest_entry is not None:
        evidence.roll_entry = RollEntryShown.of(closest_entry, closest, scores_shown=True)
    score = min((p.probability for p in person.pairs), default=1.0)
    return Finding(CandidateKind.NOT_ON_ROLL, person, reason[:1000], evidence, score)


def _moved_away(person: Person, entry: RollEntry, pair: engine.Pair, *, on: date) -> Finding:
    last = max(person.records, key=lambda r: r.valid_to or date.min)
    reason = (
        f"{name_of(person)}, {describe_age(person.date_of_birth, on)}, is on the roll of "
        f"{entry.school or 'a school'}, but every record placing them in the borough has ended: "
        f"{last.source_name} says they left "
        f"{last.address}, {last.postcode} on {last.valid_to:%-d %B %Y}."
    )
    evidence = _evidence(CandidateKind.MOVED_AWAY, person, on=on)
    evidence.roll_entry = RollEntryShown.of(entry, pair, scores_shown=False)
    return Finding(CandidateKind.MOVED_AWAY, person, reason[:1000], evidence, 1.0, child_id=entry.child_id)


def _evidence(kind: str, person: Person, *, on: date) -> Evidence:
    records = sorted(person.records, key=lambda r: (r.valid_from or date.min, r.key))
    key_of = {r.id: r.key for r in records}
    links = [
        LinkShown((key_of[p.left_id], key_of[p.right_id]), ScoredPair("dedupe", p))
        for p in sorted(person.pairs, key=lambda p: -p.probability)[:LINKS_SHOWN]
        if p.left_id in key_of and p.right_id in key_of
    ]
    return Evidence(kind, [RecordShown.of(r, on=on) for r in records], links)
