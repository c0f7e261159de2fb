"""Each main page answers in a fixed number of queries however much it shows: no query per row (N+1).

Every test measures a page with a little data, adds many more rows of the kinds the page shows (each by a different
person, child or school, so a missing select_related or prefetch would cost one query per row), checks the new rows
really appear, and asserts the page needs no more queries than before. docs/benchmarks.md has the counts at full size.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cme.accounts.enums import Role
from cme.cases.enums import CaseStatus, DecisionKind, DocumentKind, EnquiryAgency, EnquiryResult, Outcome
from cme.cases.models import Decision, Document, Note
from cme.people.enums import ContactKind, PersonNameKind, RelationshipKind
from cme.people.models import Address, CarerRelationship, ContactPoint, FormerUpn, PersonName, Residence
from cme.people.names import search_keys_fill
from tests.factories.schools import EnrolmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 6)  # a due date always before today: the case is overdue
FAR_OFF = datetime.date(2099, 1, 5)  # a due date always after today
MANY = 30  # more than the dashboard's 25 rows; a list page's 50 is reached by adding twice as many


@pytest.fixture
def north_team(team_factory):
    return team_factory(name="North team")


@pytest.fixture
def team_officer(officer, north_team):
    officer.team = north_team
    officer.save(update_fields=["team"])
    return officer


@pytest.fixture
def colleague(user_factory, north_team):
    """Another officer in the same team, so writing each row as someone new is possible."""

    def _colleague(n: int):
        return user_factory(role=Role.CME_OFFICER, username=f"colleague-{n}", team=north_team)

    return _colleague


def count_queries(client, url: str, params: dict | None = None, *, expect: str = "") -> int:
    """The number of queries one GET of `url` runs; asserts a 200 (not a redirect) showing `expect`."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert expect in response.content.decode()
    return len(captured.captured_queries)


def assert_no_more_queries(client, url, params, *, before: int, expect: str, max_queries) -> None:
    """Fetch the page again after the data has grown: no more queries than `before`, and the new rows shown."""
    with max_queries(before):
        response = client.get(url, params or {})
    assert response.status_code == 200
    assert expect in response.content.decode()


def test_the_dashboard_needs_no_more_queries_for_more_cases_and_referrals(
    sign_in, team_officer, colleague, case_factory, referral_factory, django_assert_max_num_queries
):
    client = sign_in(team_officer)
    url = reverse("web:home")
    case_factory(officer=team_officer, due_on=FAR_OFF)
    case_factory(officer=colleague(0), due_on=LONG_AGO)
    referral_factory()
    client.get(url)  # the first request creates the council's settings row; measure the steady state
    before = count_queries(client, url, expect="Overdue")

    for n in range(MANY):
        case_factory(officer=team_officer, due_on=FAR_OFF if n % 2 else LONG_AGO, risk_level="high")
        case_factory(officer=colleague(n + 1), due_on=LONG_AGO)
        referral_factory(recorded_by=colleague(100 + n))
    most_overdue = case_factory(officer=colleague(999), due_on=LONG_AGO - datetime.timedelta(days=365))

    assert_no_more_queries(
        client, url, None, before=before, expect=str(most_overdue.child), max_queries=django_assert_max_num_queries
    )


def test_the_case_page_needs_no_more_queries_for_a_long_history(
    sign_in, team_officer, colleague, case_factory, enquiry_factory, note_factory, referral_factory, carer_factory,
    django_assert_max_num_queries,
):  # fmt: skip
    case = case_factory(officer=team_officer, due_on=FAR_OFF)
    enquiry_factory(case=case)
    note_factory(case=case)
    referral_factory(child=case.child, case=case)
    CarerRelationship.objects.create(carer=carer_factory(), child=case.child, kind=RelationshipKind.MOTHER)
    client = sign_in(team_officer)
    url = reverse("web:cases:detail", args=[case.pk])
    client.get(url)
    before = count_queries(client, url, expect=case.reference)

    people = [colleague(n) for n in range(8)]
    for n, agency in enumerate(list(EnquiryAgency) * 2):
        answered = n % 3 == 0
        evidence = _document(case, people[n % 8], n) if n % 5 == 0 else None
        enquiry_factory(
            case=case,
            agency=agency,
            recorded_by=people[n % 8],
            evidence=evidence,
            result=EnquiryResult.NO_TRACE if answered else EnquiryResult.AWAITING,
            responded_on=datetime.date(2026, 11, 10) if answered else None,
            findings="No trace at the address." if answered else "",
        )
    notes = [note_factory(case=case, author=people[n % 8], text=f"Visit {n}: no answer.") for n in range(40)]
    for n, old in enumerate(notes[:6]):
        Note.objects.create(
            case=case, author=people[n], text=f"Visit {n}: corrected.", corrects=old, correction_reason="Typo"
        )
    for n in range(12):
        Decision.objects.create(
            case=case,
            kind=DecisionKind.SET_RISK,
            rationale=f"Reason {n}",
            details={"to": "high"},
            decided_by=people[n % 8],
        )
    for n in range(3):
        referral_factory(child=case.child, case=case, recorded_by=people[n])
    for _ in range(4):
        CarerRelationship.objects.create(carer=carer_factory(), child=case.child, kind=RelationshipKind.OTHER)

    assert_no_more_queries(
        client, url, None, before=before, expect="Visit 39: no answer.", max_queries=django_assert_max_num_queries
    )


def _document(case, user, n: int) -> Document:
    # Only the row matters here: the case page lists documents and never opens their files.
    return Document.objects.create(
        case=case,
        kind=DocumentKind.LETTER,
        title=f"Letter {n}",
        original_name=f"letter-{n}.pdf",
        content_type="application/pdf",
        size_bytes=1000 + n,
        sha256="0" * 64,
        file=f"{case.pk}/letter-{n}",
        uploaded_by=user,
    )


@pytest.mark.parametrize("status", ["open", "all", CaseStatus.CLOSED])
def test_the_case_list_needs_no_more_queries_for_more_cases(
    status, sign_in, manager, colleague, case_factory, django_assert_max_num_queries
):
    closed = {"status": CaseStatus.CLOSED, "outcome": Outcome.ON_ROLL_THIS_LA, "closed_on": datetime.date(2026, 11, 9)}
    extra = closed if status == CaseStatus.CLOSED else {}
    case_factory(officer=colleague(0), due_on=LONG_AGO, **extra)
    client = sign_in(manager)
    url = reverse("web:cases:list")
    client.get(url, {"status": status})
    before = count_queries(client, url, {"status": status}, expect="CME-")

    for n in range(2 * MANY):
        case_factory(officer=colleague(n + 1), due_on=LONG_AGO, risk_level="medium", **extra)

    assert_no_more_queries(
        client, url, {"status": status}, before=before, expect="Next", max_queries=django_assert_max_num_queries
    )


def test_the_case_list_searched_and_filtered_needs_no_more_queries_for_more_cases_or_officers(
    sign_in, manager, colleague, case_factory, child_factory, django_assert_max_num_queries
):
    """A search by name (other names too) with every filter: the officer choices grow with the team, the rows with
    the cases; neither costs a query per row."""
    params = {"q": "Quarrie", "risk": "medium", "overdue": "1", "status": "open"}

    def searchable_case(n: int):
        child = child_factory(family_name="Quarrie")
        PersonName.objects.create(child=child, kind=PersonNameKind.KNOWN_AS, given_name=f"Jo{n}")
        return case_factory(child=child, officer=colleague(n), due_on=LONG_AGO, risk_level="medium")

    searchable_case(0)
    client = sign_in(manager)
    url = reverse("web:cases:list")
    client.get(url, params)
    before = count_queries(client, url, params, expect="CME-")

    for n in range(2 * MANY):
        searchable_case(n + 1)

    assert_no_more_queries(client, url, params, before=before, expect="Next", max_queries=django_assert_max_num_queries)


@pytest.mark.parametrize("status", ["received", "accepted"])
def test_the_referral_list_needs_no_more_queries_for_more_referrals(
    status, sign_in, officer, colleague, referral_factory, case_factory, django_assert_max_num_queries
):
    def referral(n: int):
        recorder = colleague(n)
        if status == "received":
            return referral_factory(recorded_by=recorder)
        case = case_factory(officer=recorder)
        return referral_factory(
            child=case.child,
            case=case,
            recorded_by=recorder,
            status=status,
            triaged_by=recorder,
            triaged_at=datetime.datetime(2026, 11, 3, 10, tzinfo=datetime.UTC),
            triage_rationale="Triaged at the morning meeting.",
        )

    referral(0)
    client = sign_in(officer)
    url = reverse("web:referrals:list")
    client.get(url, {"status": status})
    before = count_queries(client, url, {"status": status}, expect="1 referral")

    for n in range(2 * MANY):
        referral(n + 1)

    expect = f"{2 * MANY + 1} referrals"
    assert_no_more_queries(
        client, url, {"status": status}, before=before, expect=expect, max_queries=django_assert_max_num_queries
    )


def _child_named(child_factory, given: str, family: str, n: int, **fields):
    return child_factory(
        given_name=given, family_name=family, date_of_birth=datetime.date(2015, 1 + n % 12, 9), **fields
    )


@pytest.mark.parametrize(
    "params",
    [
        {"name": "Amelia Thornbury"},
        {"name": "Thornbery"},  # one word: a given name or a family name, each with its spellings
        {"name": "Millie Thornbury", "date_of_birth_0": "9", "date_of_birth_1": "3", "date_of_birth_2": "2015"},
        {"date_of_birth_0": "9", "date_of_birth_1": "3", "date_of_birth_2": "2015"},
    ],
    ids=["full-name", "one-word", "nickname-and-date-of-birth", "date-of-birth"],
)
def test_the_child_search_needs_no_more_queries_for_more_children(
    params, sign_in, officer, child_factory, django_assert_max_num_queries
):
    _child_named(child_factory, "Amelia", "Thornbury", 2)
    client = sign_in(officer)
    url = reverse("web:children:search")
    client.get(url, params)
    before = count_queries(client, url, params, expect="Amelia Thornbury")

    spellings = ("Thornbury", "Thornberry", "Thornbery", "Thornbury-Hale")
    for n in range(2 * MANY):
        child = _child_named(child_factory, ("Amelia", "Amélie", "Emilia")[n % 3], spellings[n % 4], n, upn="")
        search_keys_fill(PersonName(child=child, kind=PersonNameKind.FORMER, family_name="Thornbury")).save()
        search_keys_fill(PersonName(child=child, kind=PersonNameKind.KNOWN_AS, given_name="Millie")).save()
    _child_named(child_factory, "Amelia", "Thornberry", 2, preferred_name="Millie")

    assert_no_more_queries(
        client, url, params, before=before, expect="Thornberry", max_queries=django_assert_max_num_queries
    )


def test_the_child_page_needs_no_more_queries_for_more_carers_addresses_schools_and_cases(
    sign_in, manager, colleague, child_factory, carer_factory, case_factory, django_assert_max_num_queries
):
    child = child_factory(given_name="Zofia", family_name="Nowak")
    _family(child, carer_factory, child_factory, 1, 0)
    _history(child, 1, 0)
    case_factory(child=child, officer=colleague(0))
    client = sign_in(manager)
    url = reverse("web:children:detail", args=[child.pk])
    client.get(url)
    before = count_queries(client, url, expect="Zofia Nowak")

    _family(child, carer_factory, child_factory, 6, 1)
    _history(child, 6, 1)
    for n in range(5):
        case_factory(child=child, officer=colleague(n + 1))

    assert_no_more_queries(
        client, url, None, before=before, expect="6 Fennick Road", max_queries=django_assert_max_num_queries
    )


def _family(child, carer_factory, child_factory, carers: int, start: int) -> None:
    """`carers` carers of `child`, each with three ways to reach them and another child of their own (a sibling)."""
    for n in range(start, start + carers):
        carer = carer_factory()
        CarerRelationship.objects.create(
            carer=carer, child=child, kind=RelationshipKind.MOTHER, parental_responsibility=True
        )
        CarerRelationship.objects.create(carer=carer, child=child_factory(), kind=RelationshipKind.MOTHER)
        for m in range(2):
            ContactPoint.objects.create(
                carer=carer, kind=ContactKind.PHONE, label="mobile", value=f"+4477009{n:02d}{m:03d}"
            )
        ContactPoint.objects.create(carer=carer, kind=ContactKind.EMAIL, value=f"carer{n}@example.org")


def _history(child, rows: int, start: int) -> None:
    """`rows` past addresses, other names, former UPNs and schools for `child`, each one different."""
    for n in range(start, start + rows):
        address = Address.objects.create(line1=f"{n + 1} Fennick Road", town="Wyndley", postcode="ZY1 2AB")
        begun = datetime.date(2015 + n, 1, 1)
        Residence.objects.create(address=address, child=child, valid_from=begun, valid_to=begun.replace(month=12))
        search_keys_fill(PersonName(child=child, kind=PersonNameKind.ALIAS, family_name=f"Nowak{n}")).save()
        FormerUpn.objects.create(child=child, upn=f"Z{n:012d}")
        EnrolmentFactory(child=child, school=SchoolFactory(), start_date=begun, leave_date=begun.replace(month=7))
