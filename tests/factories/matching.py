"""Factories for data matching: sources, imports, runs and candidates (synthetic values only)."""

import datetime

import factory

from cme.matching.enums import CandidateKind, ImportState, RunState, SourceKind
from cme.matching.models import DataSource, MatchCandidate, MatchRun, SourceImport


class DataSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSource

    name = factory.Sequence(lambda n: f"Council tax extract {n}")
    kind = SourceKind.COUNCIL_TAX
    supplier = "Revenues and Benefits"


class SourceImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceImport

    source = factory.SubFactory(DataSourceFactory)
    received_on = datetime.date(2026, 10, 30)
    file_name = "extract.csv"
    state = ImportState.IMPORTED_WITH_REJECTIONS
    rows_read = 3
    rows_imported = 2
    rows_rejected = 1


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    on_date = datetime.date(2026, 11, 1)
    state = RunState.FINISHED
    settings = factory.LazyFunction(lambda: {"dedupe_threshold": 0.95, "on_roll_threshold": 0.5})
    counts = factory.LazyFunction(lambda: {"not_on_roll": 1, "moved_away": 0})
    model_version = "cme-linkage-1+test"


_RECORD = {
    "key": "1:CT-1",
    "source": "Council tax",
    "kind": "council_tax",
    "line": 2,
    "received_on": "2026-10-30",
    "name": "Amara Okonkwo-Test",
    "date_of_birth": "2016-05-14",
    "address": "12 Example Road, Wyndley",
    "postcode": "ZY1 2AB",
    "since": "2025-09-01",
    "until": "",
    "current": True,
}


class MatchCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchCandidate

    identity_key = factory.Sequence(lambda n: f"candidate-{n:06d}")
    kind = CandidateKind.NOT_ON_ROLL
    given_name = "Amara"
    family_name = "Okonkwo-Test"
    date_of_birth = datetime.date(2016, 5, 14)
    sex = "F"
    address = "12 Example Road, Wyndley"
    postcode = "ZY1 2AB"
    resident_since = datetime.date(2025, 9, 1)
    reason = "Amara Okonkwo-Test, born 14 May 2016, lives at 12 Example Road since 1 September 2025, on no roll."
    evidence = factory.LazyFunction(
        lambda: {
            "records": [_RECORD],
            "links": [],
            "closest_roll_entry": None,
        }
    )
    record_keys = factory.LazyFunction(lambda: ["1:CT-1"])
    first_run = factory.SubFactory(MatchRunFactory)
    last_run = factory.SelfAttribute("first_run")
