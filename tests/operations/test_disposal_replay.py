"""The replay a restore runs: every record a disposal log lists goes again (with what hangs off it); others stay."""

import pytest

from cme.cases.models import Case, Referral
from cme.operations.backup import BackupError, disposal_log_apply, disposal_log_read
from cme.people.models import Child
from tests.factories.cases import CaseFactory, ReferralFactory
from tests.factories.people import ChildFactory

pytestmark = pytest.mark.django_db


def test_listed_records_go_with_what_hangs_off_them_and_others_stay():
    disposed, kept = ChildFactory(), ChildFactory()
    disposed_case, kept_case = CaseFactory(child=disposed), CaseFactory(child=kept)
    referral = ReferralFactory()

    deleted = disposal_log_apply(rows=[(3, "people.child", disposed.pk), (4, "cases.referral", referral.pk)])

    assert not Child.objects.filter(pk=disposed.pk).exists()
    assert not Case.objects.filter(pk=disposed_case.pk).exists()
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert Child.objects.filter(pk=kept.pk).exists() and Case.objects.filter(pk=kept_case.pk).exists()
    assert deleted["people.child"] == 1 and deleted["cases.case"] >= 1 and deleted["cases.referral"] >= 1


def test_replay_is_idempotent_and_refuses_an_unknown_kind():
    child = ChildFactory()
    disposal_log_apply(rows=[(1, "people.child", child.pk)])
    assert disposal_log_apply(rows=[(1, "people.child", child.pk)]) == {}
    with pytest.raises(BackupError, match=r"unknown kind of record: people\.nobody"):
        disposal_log_apply(rows=[(1, "people.nobody", 1)])


def test_the_log_is_read_as_cme_retention_log_writes_it(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "batch,record_type,record_id,rule,disposed_at\n2,people.child,17,rule,2026-01-01\n\n3,cases.referral,5,,\n"
    )
    assert disposal_log_read(log) == [(2, "people.child", 17), (3, "cases.referral", 5)]
    log.write_text("2,people.child,seventeen\n")
    with pytest.raises(BackupError, match="Line 1 of the disposal log"):
        disposal_log_read(log)
