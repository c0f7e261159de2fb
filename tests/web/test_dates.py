"""Dates in GOV.UK words, and dates that make sense: a child's birth, when they went missing from education."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cme.accounts.enums import Role
from cme.cases.enums import ReferralStatus
from cme.people.models import Child
from cme.web.forms import ChildDateOfBirthField, GovukDateField, GovukForm, PastDateField
from cme.web.people.forms import ChildUpdateForm
from cme.web.templatetags.govuk_errors import error_links

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


class DatesForm(GovukForm):
    received_on = GovukDateField(label="Date received")
    left_on = PastDateField(label="Date they left (optional)", required=False)
    born_on = ChildDateOfBirthField(required=False)


def _errors(day: str, month: str, year: str, field: str = "received_on") -> list[tuple[str, str]]:
    form = DatesForm(_filled(field) | {f"{field}_0": day, f"{field}_1": month, f"{field}_2": year})
    assert not form.is_valid()
    return [(target, message) for target, message in error_links(form) if target.startswith(f"id_{field}")]


def _filled(field: str) -> dict:
    # Every other date of the form filled in well, so only `field` is in error.
    good = {"received_on": ("1", "2", "2026")}
    return {f"{name}_{i}": part for name, parts in good.items() if name != field for i, part in enumerate(parts)}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("", "", ""), [("id_received_on_0", "Enter the date received")]),
        (("", "3", "2026"), [("id_received_on_0", "Date received must include a day")]),
        (("1", "", "2026"), [("id_received_on_1", "Date received must include a month")]),
        (("", "3", ""), [("id_received_on_0", "Date received must include a day and year")]),
        (("1", "3", "26"), [("id_received_on_2", "Year must include 4 numbers")]),
        (("1", "3", "99999999999"), [("id_received_on_2", "Year must include 4 numbers")]),
        (("1", "13", "2026"), [("id_received_on_1", "Date received must be a real date")]),
        (("30", "2", "2026"), [("id_received_on_0", "Date received must be a real date")]),
        (("²", "3", "2026"), [("id_received_on_0", "Date received must be a real date")]),
        (
            ("1", "3", "1899"),
            [("id_received_on_0", "Date received must be between 1 January 1900 and 31 December 2099")],
        ),
    ],
)
def test_each_date_error_is_in_govuk_words_and_links_to_its_box(parts, expected):
    assert _errors(*parts) == expected


def test_a_past_date_may_be_today_but_not_tomorrow():
    assert _errors("8", "12", "2026", field="left_on") == [
        ("id_left_on_0", "Date they left must be today or in the past")
    ]
    form = DatesForm({**_filled("left_on"), "left_on_0": "7", "left_on_1": "12", "left_on_2": "2026"})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("born", "valid"),
    [
        (datetime.date(2026, 12, 7), True),  # born today: a baby sibling recorded with the family
        (datetime.date(2007, 12, 7), True),  # 19 today
        (datetime.date(2007, 12, 6), False),  # older than any child the service deals with
        (datetime.date(2026, 12, 8), False),  # not born yet
    ],
)
def test_a_childs_date_of_birth_is_that_of_a_child(born, valid):
    data = {**_filled("born_on"), "born_on_0": str(born.day), "born_on_1": str(born.month), "born_on_2": str(born.year)}
    form = DatesForm(data)
    assert form.is_valid() is valid
    if not valid:
        assert form.errors["born_on"] == ["Date of birth must be between 7 December 2007 and today"]


def test_a_recorded_child_older_than_19_can_still_be_corrected():
    recorded = datetime.date(2004, 5, 1)
    form = ChildUpdateForm(
        {"given_name": "A", "family_name": "B", "sex": "U", "version": "1", "reason": "Birth certificate seen"}
        | {"date_of_birth_0": "1"}
        | {"date_of_birth_1": "5", "date_of_birth_2": "2004"},
        initial={"date_of_birth": recorded},
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_adding_a_child_born_in_the_future_is_refused_and_nothing_is_saved(sign_in, user_factory):
    officer = user_factory(role=Role.CME_OFFICER)
    data = {"given_name": "Ada", "family_name": "Lovelace", "sex": "F"}
    data |= {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2030"}
    response = sign_in(officer).post(reverse("web:children:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_date_of_birth_0">Date of birth must be between 7 December 2007 and today' in html
    assert not Child.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("became", "message"),
    [
        # The factory's child, born 14 March 2016, reached compulsory school age on 31 March 2021.
        (
            datetime.date(2021, 3, 30),
            "The date the child became missing education must be the same as or after 31 March 2021, when the child "
            "reached compulsory school age",
        ),
        (datetime.date(2026, 12, 8), "Date the child became missing education must be today or in the past"),
    ],
)
def test_missing_education_since_is_after_school_age_began_and_not_in_the_future(
    sign_in, user_factory, referral_factory, child_factory, became, message
):
    officer = user_factory(role=Role.CME_OFFICER)
    referral = referral_factory(child=child_factory(date_of_birth=datetime.date(2016, 3, 14)))
    form = {"case": "new", "primary_reason": "whereabouts_unknown", "risk_level": "medium", "rationale": "x"}
    form |= {
        "became_cme_on_0": str(became.day),
        "became_cme_on_1": str(became.month),
        "became_cme_on_2": str(became.year),
    }
    response = sign_in(officer).post(reverse("web:referrals:accept", args=[referral.pk]), form)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_became_cme_on_0">{message}' in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


@pytest.mark.django_db
def test_missing_education_from_the_day_school_age_began_is_accepted(
    sign_in, user_factory, referral_factory, child_factory
):
    officer = user_factory(role=Role.CME_OFFICER)
    referral = referral_factory(child=child_factory(date_of_birth=datetime.date(2016, 3, 14)))
    form = {"case": "new", "primary_reason": "whereabouts_unknown", "risk_level": "medium", "rationale": "x"}
    form |= {"became_cme_on_0": "31", "became_cme_on_1": "3", "became_cme_on_2": "2021"}
    response = sign_in(officer).post(reverse("web:referrals:accept", args=[referral.pk]), form)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "status"),
    [("2030-01-01", 400), ("1990-01-01", 400), ("2016-03-14", 201)],
)
def test_the_api_holds_a_childs_date_of_birth_to_the_same_range(user_factory, born, status):
    from tests.web.test_url_permissions import _api_client_for

    client = _api_client_for(user_factory(role=Role.CME_OFFICER))
    body = {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": born}
    response = client.post(reverse("api:child-create"), body, format="json")
    assert response.status_code == status, response.json()
    if status == 400:
        assert response.json()["errors"]["date_of_birth"] == [
            "A child's date of birth must be between 7 December 2007 and today"
        ]


@pytest.mark.django_db
def test_every_api_date_lies_between_1900_and_2099(user_factory):
    from tests.web.test_url_permissions import _api_client_for

    client = _api_client_for(user_factory(role=Role.CME_OFFICER))
    response = client.get(reverse("api:child-search"), {"date_of_birth": "9999-12-31"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"date_of_birth": ["Enter a date between 1 January 1900 and 31 December 2099"]}
