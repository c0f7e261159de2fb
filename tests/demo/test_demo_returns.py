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
    # "Added to the child's open case" needs a return about a child whose case is open; the demo adds one only when
    # its returns name such a child (cme.demo.returns._one_added_to_an_open_case), which this borough's do not.
    triaged = set(RollReturn.objects.values_list("triage_state", flat=True))
    assert triaged - {TriageState.ADDED_TO_CASE} == set(TriageState.values) - {TriageState.ADDED_TO_CASE}
    assert Disclosure.objects.filter(direction=Direction.RECEIVED_IN).count() >= counts["returns"]
    assert {row.reason for row in at_risk_list()} >= {"part_time_timetable", "long_absence", "destination_unknown"}
