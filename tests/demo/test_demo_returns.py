"""The demo holds schools' returns of every kind, from several schools, and the demo school user has some."""

import pytest

from cme.accounts.models import User
from cme.demo.generator import generate_borough
from cme.demo.loader import demo_data_load
from cme.privacy.enums import Direction
from cme.privacy.models import Disclosure
from cme.schools.enums import ReturnKind, TriageState
from cme.schools.models import RollReturn
from cme.schools.returns.selectors import at_risk_list

pytestmark = pytest.mark.django_db


def test_the_demo_has_returns_of_every_kind_from_several_schools(settings):
    settings.CME_DEMO = True

    counts = demo_data_load(borough=generate_borough(seed=11, children=2000, schools=10))

    assert set(RollReturn.objects.values_list("kind", flat=True)) == set(ReturnKind.values)
    assert RollReturn.objects.values("school").distinct().count() >= 3
    school_user = User.objects.get(username="school")
    assert RollReturn.objects.filter(school=school_user.school).count() >= len(ReturnKind.values) - 2
    assert set(RollReturn.objects.values_list("triage_state", flat=True)) == set(TriageState.values)
    assert Disclosure.objects.filter(direction=Direction.RECEIVED_IN).count() >= counts["returns"]
    assert {row.reason for row in at_risk_list()} >= {"part_time_timetable", "long_absence", "destination_unknown"}
