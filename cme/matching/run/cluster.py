"""Grouping records into people: the dedupe model's pairs that the one-child rules allow (`people`), then groups
that are surely one child off every roll joined (`one_person_per_child`)."""

from __future__ import annotations

from collections import defaultdict

from cme.people.names import forename_likeness, surname_likeness

from .. import engine
from .rows import Person, SourceRecord
from .rules import SURNAME_ALIKE, compact_postcode, dates_could_be_one, fold, one_child
from .thresholds import DEDUPE_THRESHOLD


class _Forest:
    """Union-find over hashable nodes, with path halving."""

    def __init__(self, nodes=()):
        self.parent = {node: node for node in nodes}

    def root(self, node):
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(self, child, into) -> None:
        self.parent[self.root(child)] = self.root(into)


def exact_key(record: SourceRecord) -> tuple:
    """Records with the same given name, family name, date of birth and postcode are one child before any scoring
    (twins differ in given name): the model sees one of them, and the others join its cluster. Councils' systems
    often hold a child so, and the model's time grows with the records it sees."""
    return (fold(record.given_name), fold(record.family_name), record.born, compact_postcode(record.postcode))


def people(
    records: list[SourceRecord], *, model: dict | None = None, backend: str = "duckdb", progress=None
) -> tuple[list[Person], engine.Outcome]:
    """Group records into children: the model's pairs at or above the threshold that could be one child. Marks the
    records the model saw (`shown`); the outcome's `clusters` maps every record id to its person's cluster id."""
    forest = _Forest()
    first_of: dict[tuple, str] = {}
    for record in records:
        first = first_of.setdefault(exact_key(record), record.id)
        forest.parent[record.id] = first
        record.shown = first == record.id
    shown = [record for record in records if record.shown]
    outcome = engine.dedupe(shown, threshold=DEDUPE_THRESHOLD, model=model, backend=backend, progress=progress)
    by_id = {record.id: record for record in records}
    kept = []
    for pair in outcome.pairs:
        left, right = by_id.get(pair.left_id), by_id.get(pair.right_id)
        if left is None or right is None or pair.probability < DEDUPE_THRESHOLD or not one_child(left, right):
            continue
        kept.append(pair)
        forest.join(pair.left_id, pair.right_id)
    members: dict[str, list[SourceRecord]] = defaultdict(list)
    for record in records:
        members[forest.root(record.id)].append(record)
    found = {cluster: Person(cluster_id=cluster, records=rows) for cluster, rows in members.items()}
    for pair in kept:
        found[forest.root(pair.left_id)].pairs.append(pair)
    outcome.clusters = {record_id: forest.root(record_id) for record_id in by_id}
    return list(found.values()), outcome


def one_person_per_child(people: list[Person], best_pair: dict[str, engine.Pair]) -> list[Person]:
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
    people = list(people)
    forest = _Forest(range(len(people)))
    for indexes in by_address.values():
        for position, i in enumerate(indexes):
            for j in indexes[position + 1 :]:
                a, b = sorted((forest.root(i), forest.root(j)))
                if a != b and _groups_one_child(people[a], people[b]):
                    people[a] = _joined(people[a], people[b], best_pair)
                    forest.parent[b] = a
    return [person for index, person in enumerate(people) if forest.root(index) == index]


def _address_keys(person: Person) -> set[str]:
    """Where the person lives now: the UPRN, or the postcode with the numbers of the address (`Flat 1, Millbrook
    Court` and `Flat 1, Millbrook Ct` are one flat; `Flat 7` and `Flat 8` are two)."""
    keys = set()
    for record in person.records:
        if record.valid_to is not None:
            continue
        if record.uprn:
            keys.add(f"u:{record.uprn}")
        postcode = compact_postcode(record.postcode)
        words = f"{record.address_line1} {record.address_line2}".replace(",", " ").split()
        numbers = " ".join(word for word in words if any(ch.isdigit() for ch in word))
        if postcode and numbers:
            keys.add(f"a:{postcode}:{numbers.lower()}")
    return keys


def _sources(person: Person) -> set[str]:
    """The sources holding the person now: a source may hold an old record of a child who has since moved within it."""
    current = [record for record in person.records if record.valid_to is None] or person.records
    return {record.key.partition(":")[0] for record in current}


def _names(person: Person) -> tuple[set[str], bool]:
    """Every given, middle and known-as name the person's records give, and whether any record gives middle names."""
    names, middles = set(), False
    for record in person.records:
        names |= set(fold(f"{record.given_name} {record.known_as}").split())
        middle = fold(record.middle_names)
        names |= set(middle.split())
        middles = middles or bool(middle)
    return names, middles


def _groups_one_child(a: Person, b: Person) -> bool:
    if _sources(a) & _sources(b):
        return False  # one source holds both now: two children (twins)
    sex_a, sex_b = a.most_common("sex"), b.most_common("sex")
    if sex_a and sex_b and sex_a != sex_b:
        return False
    given_a, given_b = a.most_common("given_name") or "", b.most_common("given_name") or ""
    (names_a, middles_a), (names_b, middles_b) = _names(a), _names(b)
    if middles_a and middles_b and not names_a & names_b and forename_likeness(given_a, given_b).score <= 0:
        return False  # full names with nothing in common (twins Jade Amy and Ella Freya Megan)
    family_a, family_b = a.most_common("family_name") or "", b.most_common("family_name") or ""
    return dates_could_be_one(a.date_of_birth, b.date_of_birth) and (
        fold(family_a) == fold(family_b) or surname_likeness(family_a, family_b).score >= SURNAME_ALIKE
    )


def _joined(a: Person, b: Person, best_pair: dict[str, engine.Pair]) -> Person:
    joined = Person(a.cluster_id, a.records + b.records, a.pairs + b.pairs, joined=a.joined + b.joined)
    pairs = [pair for pair in (best_pair.get(a.cluster_id), best_pair.get(b.cluster_id)) if pair is not None]
    if pairs:
        best_pair[a.cluster_id] = max(pairs, key=lambda pair: pair.probability)
    return joined
