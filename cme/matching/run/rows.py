"""The typed rows a match run works on: a source's record, a pupil on a roll, and a person (the records several
sources hold about one child).

Every row has the details the linkage engine and the one-child rules read (`Details`); the rules in `rules` take
any two of them, a record or a roll entry alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .. import engine
from ..enums import RESIDENT_KINDS


@dataclass(slots=True)
class Details:
    """What is known of a person in one row: the fields the model compares and the rules read. Blank is ""."""

    id: str  # unique in a run: "s<source record>" or "c<child>"
    given_name: str = ""
    middle_names: str = ""
    known_as: str = ""
    family_name: str = ""
    born: date | None = None
    sex: str = ""
    address: str = ""  # the lines and town, joined
    postcode: str = ""
    uprn: str = ""
    upn: str = ""
    nhs_number: str = ""

    @property
    def date_of_birth(self) -> str:
        """The date of birth as ISO text ("" when not known), as the linkage engine reads it."""
        return self.born.isoformat() if self.born else ""


@dataclass(slots=True)
class SourceRecord(Details):
    """One record of a source's latest extract (cme.matching.models.SourceRecord), as the run reads it."""

    key: str = ""  # "<source id>:<record ref>": the same record across a source's extracts
    kind: str = ""  # SourceKind
    line: int = 0
    source_import_id: int = 0
    source_name: str = ""
    received_on: date | None = None
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    school_urn: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    shown: bool = True  # shown to the model; False for an exact copy of a record that is (see cluster.exact_key)

    def is_current(self, on: date) -> bool:
        return self.valid_to is None or self.valid_to >= on


@dataclass(slots=True)
class RollEntry(Details):
    """A pupil on a roll: a pupil on a school's roll extract, or a child with a current enrolment in cme."""

    school: str = ""
    school_urn: int | None = None
    child_id: int | None = None  # the child in cme, for an enrolment
    valid_from: date | None = None


@dataclass
class Person:
    """One cluster: the records several sources hold about one child, and the model's pairs that joined them."""

    cluster_id: str
    records: list[SourceRecord]
    pairs: list[engine.Pair] = field(default_factory=list)
    joined: int = 1  # how many groups of records one_person_per_child joined into this one child

    @property
    def keys(self) -> list[str]:
        return sorted(record.key for record in self.records)

    def most_common(self, name: str):
        """The value of `name` most of the person's records give (blank values aside), or None."""
        values = [value for record in self.records if (value := getattr(record, name))]
        if not values:
            return None
        if values.count(values[0]) == len(values):
            return values[0]  # most people: every record agrees
        return Counter(values).most_common(1)[0][0]

    @property
    def date_of_birth(self) -> date | None:
        return self.most_common("born")

    def current_records(self, on: date) -> list[SourceRecord]:
        return [record for record in self.records if record.is_current(on)]

    def is_resident(self, on: date) -> bool:
        return any(record.kind in RESIDENT_KINDS for record in self.current_records(on))

    def latest_address_record(self, on: date) -> SourceRecord:
        pool = self.current_records(on) or self.records
        return max(pool, key=lambda record: (record.valid_from or date.min, record.line))
