"""Linking people to the rolls: every record of every person of compulsory school age scored against every roll
entry with the engine's link model, kept only where the one-child rules allow, and a safety net for pupils whose
details were mistyped in two places."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .. import engine
from .rows import Details, Person, RollEntry, SourceRecord
from .rules import compact_postcode, could_be_this_pupil, fold, surely_this_pupil
from .thresholds import EVIDENCE_THRESHOLD, ON_ROLL_THRESHOLD, SAFETY_NET_PROBABILITY

_NO_PAIR = engine.Pair("", "", -1.0, float("-inf"))
# The probability given to a record that is a roll entry to the letter (`_exactly_on_roll`).
EXACT_PROBABILITY = 1.0


@dataclass
class RollLinks:
    """What linking to the rolls found: each person's best pair (their closest roll entry, by cluster id) and each
    roll entry's owner (the person whose pair with it is the best at or above the on-roll threshold)."""

    outcome: engine.Outcome
    best_for_person: dict[str, engine.Pair] = field(default_factory=dict)
    owner_of_entry: dict[str, tuple[str, engine.Pair]] = field(default_factory=dict)

    def is_on_roll(self, person: Person) -> bool:
        best = self.best_for_person.get(person.cluster_id)
        return best is not None and best.probability >= ON_ROLL_THRESHOLD


def _compared(record: SourceRecord) -> tuple:
    """What the link model compares of a record: records equal in all of it score alike against every entry."""
    return (record.given_name, record.middle_names, record.known_as, record.family_name, record.born, record.sex,
            record.address, record.postcode, record.uprn, record.upn, record.nhs_number)  # fmt: skip


def link_to_rolls(
    people: list[Person], rolls: list[RollEntry], *, on: date, model: dict | None = None, backend: str = "duckdb",
    progress=None, **linking,
) -> RollLinks:  # fmt: skip
    """Link every record of `people` to the roll entries: each person's best pair, and each entry's best person.

    The model scores one of each set of records equal in everything it compares (a child held twice by one system);
    its pairs count for all of them. A person living here with a record that is a roll entry to the letter (given
    and family name, date of birth, postcode) is on that roll without scoring: no score could say otherwise, and
    most children are so. A run that trains the model trains it on every person's records, so the model is the same
    whichever people are scored. `linking` is passed on to the engine's `link` (its options for linking)."""
    cluster_of = {record.id: person.cluster_id for person in people for record in person.records}
    if not cluster_of or not rolls:
        return RollLinks(engine.Outcome(pairs=[], model={}, model_version="not run"))
    exact = _exactly_on_roll(people, rolls, on=on)
    same: dict[tuple, list[SourceRecord]] = defaultdict(list)
    every: dict[tuple, SourceRecord] = {}
    for person in people:
        for record in person.records:
            every.setdefault(_compared(record), record)
            if person.cluster_id not in exact:
                same[_compared(record)].append(record)
    left = [records[0] for records in same.values()]
    train_on = None if model else list(every.values())
    outcome = engine.link(
        left, rolls, threshold=EVIDENCE_THRESHOLD, model=model, backend=backend, progress=progress,
        train_on=train_on, **linking,
    )  # fmt: skip
    copies = {records[0].id: records for records in same.values()}
    roll_by_id = {entry.id: entry for entry in rolls}
    pairs = [pair for pairs in exact.values() for pair in pairs]
    for pair in outcome.pairs:
        records = copies[pair.left_id]
        if not could_be_this_pupil(records[0], roll_by_id[pair.right_id]):
            continue
        pairs.append(pair)
        pairs += [engine.Pair(r.id, pair.right_id, pair.probability, pair.weight) for r in records[1:]]
    linked = {cluster_of[p.left_id] for p in pairs if p.probability >= ON_ROLL_THRESHOLD}
    unlinked = [record for person in people if person.cluster_id not in linked for record in person.records]
    pairs += safety_net(unlinked, rolls)
    found = RollLinks(outcome)
    best_for_entry: dict[str, engine.Pair] = {}
    for pair in pairs:
        cluster = cluster_of[pair.left_id]
        if pair.probability > found.best_for_person.get(cluster, _NO_PAIR).probability:
            found.best_for_person[cluster] = pair
        if (
            pair.probability >= ON_ROLL_THRESHOLD
            and pair.probability > best_for_entry.get(pair.right_id, _NO_PAIR).probability
        ):
            best_for_entry[pair.right_id] = pair
    found.owner_of_entry = {entry: (cluster_of[pair.left_id], pair) for entry, pair in best_for_entry.items()}
    return found


def _exact_key(row: Details) -> tuple:
    return (fold(row.given_name), fold(row.family_name), row.born, compact_postcode(row.postcode))


def _exactly_on_roll(people: list[Person], rolls: list[RollEntry], *, on: date) -> dict[str, list[engine.Pair]]:
    """People living here with a current record that is a roll entry to the letter, each with those pairs (at
    probability 1: the person owns the entries, so none is taken for a pupil who moved away)."""
    entries: dict[tuple, list[RollEntry]] = defaultdict(list)
    for entry in rolls:
        if entry.given_name and entry.family_name and entry.born and entry.postcode:
            entries[_exact_key(entry)].append(entry)
    found = {}
    for person in people:
        if not person.is_resident(on):
            continue
        pairs = [
            engine.Pair(record.id, entry.id, EXACT_PROBABILITY, 0.0)
            for record in person.current_records(on)
            for entry in entries.get(_exact_key(record), ())
        ]
        if pairs:
            found[person.cluster_id] = pairs
    return found


def safety_net(unlinked: list[SourceRecord], rolls: list[RollEntry]) -> list[engine.Pair]:
    """For children the model matched to no roll entry: pairs that are surely one pupil all the same, at the same
    postcode (`rules.surely_this_pupil`). This keeps a pupil whose details were mistyped in two places off the
    review queue."""
    index: dict[str, list[RollEntry]] = defaultdict(list)
    for entry in rolls:
        if entry.postcode:
            index[compact_postcode(entry.postcode)].append(entry)
    return [
        engine.Pair(record.id, entry.id, SAFETY_NET_PROBABILITY, 0.0)
        for record in unlinked
        for entry in index.get(compact_postcode(record.postcode), ())
        if surely_this_pupil(record, entry)
    ]
