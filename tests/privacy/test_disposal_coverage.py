"""Disposal covers every table about a person: Django's relations walked out from Child and Carer, against the plan."""

import pytest
from django.apps import apps
from django.db import models

from cme.common.errors import ApplicationError
from cme.privacy import catalogue
from cme.privacy.disposal import DISPOSAL_PLAN, disposal_batch_dispose, plan_gaps
from cme.privacy.enums import RetentionRule
from cme.privacy.models import BatchState, DisposalBatch


def test_disposal_covers_every_model_that_points_at_a_person():
    assert plan_gaps() == []


def test_every_model_the_catalogue_keeps_with_a_childs_record_is_in_the_plan():
    """The catalogue names what goes with a child's record; disposal must reach each of those models."""
    kept_with_child = {
        entry.model
        for rule in (RetentionRule.CHILD_RECORD, RetentionRule.LINKED_PERSON)
        for entry in catalogue.entries_under_rule(rule)
    }
    # Kept with a child's record but not deleted with it: a legal hold is evidence of why the record was kept, and
    # is only ever on a child that is not disposed of; school returns of a pupil never matched to a child, and
    # decisions on them, are disposed of with the return.
    not_about_one_child = {"privacy.LegalHold", "schools.ReturnImport"}
    assert kept_with_child - not_about_one_child - set(DISPOSAL_PLAN) == set()


def test_the_plan_names_only_models_that_exist():
    for label in DISPOSAL_PLAN:
        apps.get_model(label)


@pytest.fixture
def model_with_a_child_foreign_key():
    """A new model, as a developer might add one, with a foreign key to a child and nothing in the plan about it."""

    class ChildNickname(models.Model):
        child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+")
        nickname = models.CharField(max_length=50)

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return self.nickname

    apps.clear_cache()
    yield ChildNickname
    del apps.all_models["privacy"]["childnickname"]
    apps.clear_cache()


def test_a_new_model_with_a_foreign_key_to_a_child_is_caught(model_with_a_child_foreign_key):
    gaps = plan_gaps()
    assert gaps == ["privacy.ChildNickname (its child points at people.Child)"]


def test_a_model_reached_through_a_case_is_caught_too():
    class CaseVisit(models.Model):
        case = models.ForeignKey("cases.Case", on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return self.nickname

    apps.clear_cache()
    try:
        assert plan_gaps() == ["privacy.CaseVisit (its case points at cases.Case)"]
    finally:
        del apps.all_models["privacy"]["casevisit"]
        apps.clear_cache()
    assert plan_gaps() == []


@pytest.mark.django_db
def test_disposal_refuses_to_start_while_the_plan_misses_a_model(model_with_a_child_foreign_key):
    batch = DisposalBatch.objects.create(as_of="2026-12-01", state=BatchState.APPROVED)
    with pytest.raises(ApplicationError, match=r"privacy\.ChildNickname"):
        disposal_batch_dispose(batch=batch)
