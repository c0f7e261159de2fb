"""/api/v1/returns/: a school user sends returns and reads only their own school's, in summary; caseworkers read all."""

import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from cme.accounts.enums import Role
from cme.accounts.services import api_token_create
from cme.privacy.enums import Direction
from cme.privacy.models import Disclosure
from cme.schools.enums import ReturnChannel, ReturnKind
from cme.schools.models import RollReturn
from tests.schools.returns_files import make_upn

from .test_schemathesis import CHECKS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def teacher(user_factory, school_factory):
    return user_factory(role=Role.SCHOOL_USER, username="api-teacher", school=school_factory(name="Brookfield"))


SICKNESS = {
    "kind": "sickness",
    "upn": make_upn(serial=3),
    "given_name": "Priya",
    "family_name": "Shah",
    "date_of_birth": "2013-02-01",
    "event_date": "2026-10-01",
    "school_days_absent": 16,
}


def test_a_school_user_sends_a_return_and_the_receipt_is_logged(api, teacher):
    response = api(teacher).post(reverse("api:return-create"), SICKNESS)

    assert response.status_code == 201, response.json()
    assert response.json()["council_status"] == "received"
    roll_return = RollReturn.objects.get()
    assert (roll_return.school, roll_return.channel, roll_return.kind) == (
        teacher.school,
        ReturnChannel.API,
        ReturnKind.SICKNESS,
    )
    assert Disclosure.objects.filter(direction=Direction.RECEIVED_IN, subjects__subject_id=roll_return.pk).exists()


def test_a_return_that_breaks_a_rule_is_refused_naming_the_field(api, teacher):
    response = api(teacher).post(reverse("api:return-create"), {**SICKNESS, "school_days_absent": 3})

    assert response.status_code == 400
    assert response.json()["errors"] == {"school_days_absent": ["A sickness return is for 15 school days or more"]}


def test_a_school_user_reads_only_their_own_schools_returns_in_summary(api, teacher, roll_return_factory):
    own = roll_return_factory(school=teacher.school)
    other = roll_return_factory()
    client = api(teacher)

    listed = client.get(reverse("api:return-list")).json()["results"]
    detail = client.get(reverse("api:return-detail", args=[own.pk])).json()

    assert [row["id"] for row in listed] == [own.pk]
    assert "triage_state" not in detail and "parents" not in detail
    assert client.get(reverse("api:return-detail", args=[other.pk])).status_code == 404


def test_caseworkers_read_the_whole_return(api, officer, roll_return_factory):
    roll_return = roll_return_factory()

    detail = api(officer).get(reverse("api:return-detail", args=[roll_return.pk])).json()

    assert detail["triage_state"] == "received"
    assert detail["parents"][0]["name"] == "Dana Barker"


@pytest.mark.django_db(transaction=True)
def test_sending_returns_answers_as_the_schema_says_for_a_school_user(teacher, roll_return_factory):
    """The create operation is refused to the manager of the main schemathesis run; check it as a school user."""
    headers = {"Authorization": f"Token {api_token_create(actor=None, username=teacher.username)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler(), headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if "/returns/" in operation.path]
    assert len(operations) == 7
    own = {"return_id": roll_return_factory(school=teacher.school).pk}
    for operation in operations:
        known = own if "{return_id}" in operation.path else {}
        cases = st.one_of(
            operation.as_strategy(path_parameters=known),
            operation.as_strategy(),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
        )

        @settings(
            max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=cases)
        def answers_as_documented(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        answers_as_documented()


def test_an_officer_triages_through_the_api(api, officer, roll_return_factory, child_factory):
    child = child_factory(upn=make_upn(serial=4))
    roll_return = roll_return_factory(upn=make_upn(serial=4))
    client = api(officer)

    suggestions = client.get(reverse("api:return-suggestions", args=[roll_return.pk])).json()
    match = {"child_id": child.pk, "rationale": "UPN matches"}
    # The child is in no one's caseload: linking the return to their record needs a purpose, as opening it would.
    unstated = client.post(reverse("api:return-match", args=[roll_return.pk]), match)
    client.post(reverse("api:child-purpose", args=[child.pk]), {"purpose": "identify_cme", "reason": "Deletion"})
    matched = client.post(reverse("api:return-match", args=[roll_return.pk]), match)
    blank = client.post(reverse("api:return-refer", args=[roll_return.pk]), {"rationale": ""})
    referred = client.post(reverse("api:return-refer", args=[roll_return.pk]), {"rationale": "Destination unknown"})

    assert suggestions[0] | {"reasons": []} == {
        "child_id": child.pk,
        "score": suggestions[0]["score"],
        "certainty": "Almost certain: the UPN matches",
        "reasons": [],
    }
    assert unstated.status_code == 403
    assert matched.status_code == 200 and matched.json()["child_id"] == child.pk
    assert blank.status_code == 400
    assert referred.json()["triage_state"] == "referred"
    assert referred.json()["referral_id"] is not None


def test_a_return_whose_upn_a_child_holds_is_refused_with_400_and_that_records_id(api, teacher, child_factory):
    upn = make_upn(serial=3)
    holder = child_factory(given_name="Leona", family_name="Barker", date_of_birth=datetime.date(2013, 2, 1), upn=upn)

    response = api(teacher).post(reverse("api:return-create"), SICKNESS)  # Priya Shah, with Leona's UPN

    assert response.status_code == 400
    body = response.json()
    assert body["upn_held_by"] == {"type": "people.child", "id": holder.pk}
    assert f"child record {holder.pk}" in body["errors"]["upn"][0]
    assert "Leona" not in str(body)  # a school is not told who the council's child is
    assert not RollReturn.objects.exists()
    same_pupil = {**SICKNESS, "given_name": "Leona", "family_name": "Barker-Shah"}  # her surname written another way
    assert api(teacher).post(reverse("api:return-create"), same_pupil).status_code == 201
