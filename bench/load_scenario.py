"""Who the load test's simulated staff are, read from (and, for the accounts, written to) a cme database.

Import only after django.setup(). bench/load.py uses it on the benchmark database; the smoke test
tests/bench/test_load_scenario.py on the test database. The scenario is plain JSON for bench/locustfile.py: session
keys, API tokens, case ids and search query strings; no names of children except inside the searches, which locust
never reports (each request is named by its page).
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from cme.accounts.enums import Role
from cme.accounts.models import Team, User
from cme.accounts.services import user_provision
from cme.cases.enums import CaseStatus
from cme.cases.models import Case
from cme.schools.models import School

# The 50 simulated staff of a council of 50,000 children: 32 officers, 3 managers, 15 schools' attendance leads.
MIX = {"officers": 32, "managers": 3, "schools": 15}


def staff_accounts_create(*, officers: int, schools: int) -> dict[str, int]:
    """Make sure the database has at least `officers` CME officers (spread over the teams) and `schools` school
    users (one per school, the schools with most pupils first), through the operator's service as the demo loader
    does. Call before the casework top-up, which shares its cases among every officer."""
    teams = list(Team.objects.order_by("pk"))
    made = {"officers": 0, "schools": 0}
    have = User.objects.filter(role=Role.CME_OFFICER).count()
    for number in range(have, officers):
        user_provision(
            username=f"load.officer{number}",
            first_name="Load",
            last_name=f"Officer {number}",
            email=f"load.officer{number}@example.org",
            role=Role.CME_OFFICER,
            team=teams[number % len(teams)] if teams else None,
            password=None,
        )
        made["officers"] += 1
    with_users = set(User.objects.filter(role=Role.SCHOOL_USER).values_list("school_id", flat=True))
    have = len(with_users)
    for school in School.objects.exclude(pk__in=with_users).order_by("pk")[: max(schools - have, 0)]:
        user_provision(
            username=f"load.school{school.pk}",
            first_name="Attendance",
            last_name=f"Lead {school.pk}",
            email=f"load.school{school.pk}@example.org",
            role=Role.SCHOOL_USER,
            school=school,
            password=None,
        )
        made["schools"] += 1
    return made


def scenario_build(*, sessions_per_account: int, searches: int = 600, seed: int = 2026) -> dict:
    """The scenario bench/locustfile.py reads: for every officer, manager and school user, signed-in sessions (and
    an API token for schools); the cases each officer and manager may open, the open ones an officer holds (where
    they write notes and enquiries); name searches made from real children."""
    from casework_data import bench_sessions, name_searches, visible_case_ids

    def sessions(user: User) -> list[str]:
        return bench_sessions(user=user, count=sessions_per_account)

    officers = []
    for user in User.objects.filter(role=Role.CME_OFFICER, is_active=True).order_by("pk"):
        cases = visible_case_ids(user=user)
        own_open = list(
            Case.objects.filter(~Q(status=CaseStatus.CLOSED), officer=user).order_by("pk").values_list("pk", flat=True)
        )
        if cases and own_open:
            officers.append({"sessions": sessions(user), "cases": cases, "open_cases": own_open})
    managers = [
        {"sessions": sessions(user), "cases": visible_case_ids(user=user)}
        for user in User.objects.filter(role=Role.CME_MANAGER, is_active=True).order_by("pk")
    ]
    schools = [
        {"sessions": sessions(user), "token": AuthToken.objects.create(user=user, expiry=None)[1]}
        for user in User.objects.filter(role=Role.SCHOOL_USER, is_active=True, school__isnull=False).order_by("pk")
    ]
    if not (officers and managers and schools):
        raise ValueError("The database needs officers holding open cases, a manager and a school user.")
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "today": timezone.localdate().isoformat(),
        "officers": officers,
        "managers": managers,
        "schools": schools,
        "searches": [search.query for search in name_searches(count=searches, seed=seed)],
    }
