"""The demo caseload looks like a real one: due dates spread, some cases overdue but not most."""

import pytest
from django.utils import timezone

from cme.cases.enums import CaseStatus
from cme.cases.models import Case
from cme.demo import loader
from cme.demo.generator import generate_borough

pytestmark = pytest.mark.django_db


def test_about_one_open_case_in_seven_is_overdue_and_the_rest_are_due_over_the_coming_weeks(settings, monkeypatch):
    settings.CME_DEMO = True
    # The casework only: returns and the matching run (slow, and not about due dates) are left out.
    monkeypatch.setattr(loader, "demo_returns_load", lambda **_: {})
    monkeypatch.setattr(loader, "demo_matching_load", lambda **_: {})
    loader.demo_data_load(borough=generate_borough(seed=11, children=600, schools=8))
    today = timezone.localdate()
    open_cases = Case.objects.exclude(status=CaseStatus.CLOSED)
    due = sorted(day for day in open_cases.values_list("due_on", flat=True) if day is not None)

    overdue = [day for day in due if day < today]
    assert len(due) >= 7 and len(due) == open_cases.count()  # every open case has a due date
    assert 0.08 <= len(overdue) / len(due) <= 0.22, f"{len(overdue)} of {len(due)} overdue"
    ahead = [(day - today).days for day in due if day >= today]
    assert len({day // 7 for day in ahead}) >= 2  # spread over several weeks, not bunched on one day
