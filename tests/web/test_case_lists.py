"""The case list a team can use: search by name (known-as too) and case reference, filters by status, officer, risk
and overdue that work without JavaScript, audited with the filters; and every dashboard figure links to the list it
counts, which shows the same number."""

import datetime
import re

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, Outcome, RiskLevel
from cme.cases.selectors import CaseListFilters, case_list
from cme.people.enums import PersonNameKind
from cme.web.cases.forms import CaseFilterForm
from tests.factories.people import PersonNameFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 1, 6)
FUTURE = datetime.date(2099, 1, 5)


@pytest.fixture
def team(team_factory):
    return team_factory(name="North team")


@pytest.fixture
def team_officer(user_factory, team):
    return user_factory(role=Role.CME_OFFICER, username="list-officer", team=team, first_name="Ada", last_name="Lane")


@pytest.fixture
def colleague(user_factory, team):
    return user_factory(role=Role.CME_OFFICER, username="list-colleague", team=team, first_name="Bo", last_name="Kerr")


@pytest.fixture
def caseload(case_factory, child_factory, team_officer, colleague, team):
    """Five cases of one team, each different in one way the filters tell apart."""
    jo = child_factory(given_name="Josephine", family_name="Quarrie", preferred_name="Jojo")
    kit = child_factory(given_name="Christopher", family_name="Umbers")
    PersonNameFactory(child=kit, kind=PersonNameKind.KNOWN_AS, given_name="Kit", family_name="")
    return {
        "jo": case_factory(child=jo, officer=team_officer, due_on=PAST, risk_level=RiskLevel.HIGH),
        "kit": case_factory(child=kit, officer=colleague, due_on=FUTURE, status=CaseStatus.ENQUIRIES),
        "late": case_factory(officer=colleague, due_on=PAST, risk_level=RiskLevel.MEDIUM),
        "nobody": case_factory(officer=None, team=team, opened_by=team_officer, due_on=FUTURE),
        "closed": case_factory(
            officer=team_officer,
            due_on=PAST,
            status=CaseStatus.CLOSED,
            outcome=Outcome.values[0],
            closed_on=datetime.date(2026, 11, 20),
        ),
    }


def _listed(client, **params) -> list[str]:
    response = client.get(reverse("web:cases:list"), params)
    assert response.status_code == 200
    return re.findall(r">(CME-\d{6})</a>", response.content.decode())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"jo", "kit", "late", "nobody"}),
        ({"status": "all"}, {"jo", "kit", "late", "nobody", "closed"}),
        ({"status": "enquiries"}, {"kit"}),
        ({"status": "closed"}, {"closed"}),
        ({"overdue": "1"}, {"jo", "late"}),
        ({"risk": "high"}, {"jo"}),
        ({"officer": "me"}, {"jo"}),
        ({"mine": "1"}, {"jo"}),
        ({"officer": "none"}, {"nobody"}),
        ({"officer": "colleague"}, {"kit", "late"}),
        ({"officer": "colleague", "overdue": "1"}, {"late"}),
        ({"q": "quarrie"}, {"jo"}),
        ({"q": "Jojo"}, {"jo"}),  # the name she is known by
        ({"q": "kit"}, {"kit"}),  # a known-as name recorded among the child's other names
        ({"q": "josephine quarrie"}, {"jo"}),  # every word must match
        ({"q": "josephine umbers"}, set()),
        ({"q": "kit", "status": "located"}, set()),
    ],
)
def test_the_case_list_searches_and_filters_without_javascript(
    params, expected, caseload, sign_in, team_officer, colleague
):
    if params.get("officer") == "colleague":
        params = {**params, "officer": str(colleague.pk)}
    client = sign_in(team_officer)

    assert set(_listed(client, **params)) == {caseload[name].reference for name in expected}


@pytest.mark.parametrize("written", ["{ref}", "{ref_lower}", "{number}", "CME {number}"])
def test_a_case_is_found_by_its_reference_however_it_is_written(written, caseload, sign_in, team_officer):
    case = caseload["late"]
    query = written.format(ref=case.reference, ref_lower=case.reference.lower(), number=case.pk)

    assert _listed(sign_in(team_officer), q=query) == [case.reference]


def test_a_search_never_reaches_beyond_the_cases_the_user_may_see(caseload, case_factory, child_factory, sign_in):
    other = case_factory(child=child_factory(given_name="Josephine", family_name="Quarrie"), due_on=PAST)
    officer = caseload["jo"].officer
    client = sign_in(officer)

    assert _listed(client, q="Quarrie") == [caseload["jo"].reference]
    assert _listed(client, q=other.reference) == []


def test_a_bad_filter_value_is_reported_and_the_rest_still_apply(caseload, sign_in, team_officer):
    client = sign_in(team_officer)
    response = client.get(reverse("web:cases:list"), {"risk": "sky-high", "officer": "99999", "status": "overdue"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose a risk level from the list" in page
    assert "Choose an officer from the list" in page
    assert "Choose a status from the list" in page
    assert len(_listed(client, risk="sky-high")) == 4  # the open cases: nothing hidden by a mistyped address


def test_the_list_is_audited_as_listed_with_its_filters_in_the_erasable_detail(caseload, sign_in, team_officer):
    client = sign_in(team_officer)
    _listed(client, q="Quarrie", risk="high", overdue="1")

    entry = AuditEntry.objects.filter(event=AuditEvent.LIST_VIEWED, target_type="cases.case").latest("pk")
    assert entry.payload_data["shown"] == [caseload["jo"].pk]
    assert entry.payload_data["results"] == 1
    assert entry.detail.data_dict["criteria"] == {"q": "Quarrie", "status": "open", "risk": "high", "overdue": "1"}
    assert "Quarrie" not in entry.payload  # the name searched for is in the detail only, which can be erased


def test_the_filter_object_gives_an_export_the_same_cases_as_the_page(caseload, sign_in, team_officer):
    """An export "filtered as on screen" builds the same CaseListFilters from the same GET parameters."""
    params = {"overdue": "1", "officer": "me"}
    _form, filters = CaseFilterForm.filters_from(params, user=team_officer)

    assert filters == CaseListFilters(officer="me", overdue=True)
    on_screen = _listed(sign_in(team_officer), **params)
    assert [case.reference for case in case_list(user=team_officer, filters=filters)] == on_screen


def _figure(page: str, anchor: str) -> tuple[int, str]:
    """The number of a dashboard figure and the address its link goes to."""
    match = re.search(
        rf'<h2 class="govuk-panel__title">(\d+)</h2><div class="govuk-panel__body">'
        rf'<a [^>]*id="{anchor}" href="([^"]+)"',
        page,
    )
    assert match, f"no linked figure {anchor}"
    return int(match.group(1)), match.group(2).replace("&amp;", "&")


def _list_count(client, href: str) -> int:
    page = client.get(href).content.decode()
    caption = re.search(r'govuk-table__caption--m">(\d+) (?:case|referral)', page)
    if caption:
        return int(caption.group(1))
    return len(re.findall(r'href="/referrals/\d+/"', page))


@pytest.mark.parametrize("role", [Role.CME_OFFICER, Role.CME_MANAGER])
def test_every_dashboard_figure_links_to_a_list_showing_the_same_number(
    role, caseload, referral_factory, sign_in, team_officer, manager
):
    referral_factory()
    referral_factory()
    client = sign_in(team_officer if role == Role.CME_OFFICER else manager)
    page = client.get(reverse("web:home")).content.decode()

    figures = [_figure(page, anchor) for anchor in ("figure-my-open", "figure-overdue", "figure-new-referrals")]
    assert [number for number, _ in figures] == ([1, 2, 2] if role == Role.CME_OFFICER else [0, 2, 2])
    for number, href in figures:
        assert _list_count(client, href) == number, href


def test_every_caseload_count_links_to_the_list_of_the_cases_it_counts(caseload, sign_in, manager, colleague):
    client = sign_in(manager)
    page = client.get(reverse("web:cases:caseload")).content.decode()

    links = re.findall(r'<a class="govuk-link" href="([^"]+)">(\d+)<span class="govuk-visually-hidden">', page)
    assert len(links) >= 9  # three figures for each caseworker
    assert (f"/cases/?officer={colleague.pk}&amp;overdue=1", "1") in links
    for href, number in links:
        assert _list_count(client, href.replace("&amp;", "&")) == int(number), href
