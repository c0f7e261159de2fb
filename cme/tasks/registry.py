"""Officers' task lists, built from the clocks: a small registry of task sources.

A task source is a function `(scope, today) -> iterable[Task]`. `scope.user` is the person the list is for;
`scope.team` is True when a manager is looking at the whole team's work (the manager's view of overdue tasks), and
then the source returns everyone's tasks with `assignee_id` set. `scope.owned(queryset, "officer")` narrows a
queryset to the right people either way, so most sources never look at `team` themselves.

A source must be a handful of queries however large the caseload (select the columns it needs with `values()`, no
query per row), and must never put a child's name or details in a task: a task says what kind of work is due, for
which case or return by its reference, and links to it. Safeguarding tasks (`safeguarding=True`) are also emailed at
once to the people who chose that on "Your account" (cme.tasks.email).

To add a source (a feature built elsewhere: sign-offs waiting, school attendance order deadlines, …):

    from cme.tasks.registry import Task, register

    @register
    def sign_offs_waiting(scope, today):
        ...
        yield Task(kind="sign_off", label="Case CME-000123: closure waiting for sign-off", due=..., link=..., ...)

and import the module from `cme.tasks.sources` (the last lines there), so that it registers when the task list is
first built. A source written as `(user, today)` can be registered with `register(fn, per_person=True)`: the
manager's view then asks it once per caseworker.
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.cases.clocks import CalendarGap, SchoolCalendar, add_school_days


@dataclass(frozen=True)
class Task:
    """One piece of work with a due date. Never a child's name or details: the label names the record by reference."""

    kind: str  # a stable code: "enquiry_answer", "case_review", "return_triage", …
    kind_label: str  # the kind in words, for headings and emails: "Enquiry answers due"
    label: str  # what to do, naming the case or return by its reference only
    due: date | None
    link: str  # a path in cme: the page where the work is done
    today: date = field(compare=False)
    safeguarding: bool = False
    assignee_id: int | None = None  # None: work for the whole service (intake anyone may triage)
    record: str = ""  # "cases.case:12": what the task is about, for de-duplicating and the API

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def due_today(self) -> bool:
        return self.due == self.today


@dataclass(frozen=True)
class TaskScope:
    """Whose tasks: one person's own (`team=False`), or every caseworker's for a manager (`team=True`)."""

    user: User
    team: bool = False

    def owned(self, queryset: QuerySet, officer_field: str = "officer") -> QuerySet:
        """`queryset` narrowed to this person's own records, or to every allocated record in the team view."""
        if self.team:
            return queryset.filter(**{f"{officer_field}__isnull": False})
        return queryset.filter(**{officer_field: self.user})


TaskSource = Callable[[TaskScope, date], Iterable[Task]]
SOURCES: list[TaskSource] = []
# The data protection officer's own list: data rights requests and complaints with their legal clocks (cme.rights).
# A DPO does not triage or hold cases, so the caseworkers' sources are not asked for them.
DPO_SOURCES: list[TaskSource] = []


def register_for_dpo(fn):
    """Add a source of the DPO's tasks (`(scope, today) -> tasks`), asked only for the data protection officer."""
    DPO_SOURCES.append(fn)
    return fn


def register(source: Callable | None = None, *, per_person: bool = False):
    """Add a task source to the registry (usable as `@register`). `per_person=True`: the source is `(user, today)`."""

    def add(fn):
        if per_person:

            def scoped(scope: TaskScope, today: date) -> Iterable[Task]:
                if not scope.team:
                    return fn(scope.user, today)
                tasks = []
                for person in caseworkers():
                    tasks += [_assigned(task, person.pk) for task in fn(person, today)]
                return tasks

            scoped.__name__ = getattr(fn, "__name__", "source")
            SOURCES.append(scoped)
        else:
            SOURCES.append(fn)
        return fn

    return add(source) if source is not None else add


def _assigned(task: Task, person_id: int) -> Task:
    from dataclasses import replace

    return task if task.assignee_id is not None else replace(task, assignee_id=person_id)


TASK_LIST_ROLES = (Role.CME_OFFICER, Role.CME_MANAGER, Role.DPO)


def task_list_holders() -> QuerySet[User]:
    """Everyone with a task list (and so a choice of task emails): caseworkers and the data protection officer."""
    return User.objects.filter(is_active=True, role__in=TASK_LIST_ROLES)


def caseworkers() -> QuerySet[User]:
    """The people who have task lists: active CME officers and managers."""
    return User.objects.filter(is_active=True, role__in=(Role.CME_OFFICER, Role.CME_MANAGER))


# ---------------------------------------------------------------------------------------------------------------
# The school calendar, read once per task list and shared by every source.

_calendar: ContextVar[SchoolCalendar | None] = ContextVar("cme_task_calendar", default=None)


def task_calendar(today: date) -> SchoolCalendar:
    calendar = _calendar.get()
    if calendar is None:
        from cme.council.selectors import school_calendar_get

        calendar = school_calendar_get(today=today)
        _calendar.set(calendar)
    return calendar


def link_maker(url_name: str):
    """A fast `reverse(url_name, args=…)` for many rows: reversed once with placeholder ids, then filled by format.

    (Django's reverse() costs about half a millisecond each on a busy machine; a task list makes hundreds.)
    """
    from django.urls import reverse

    placeholders = (987654321, 987654322, 987654323)
    for count in range(len(placeholders) + 1):
        try:
            path = reverse(url_name, args=placeholders[:count])
        except Exception:  # noqa: S112 - try the next number of arguments
            continue
        for placeholder in placeholders[:count]:
            path = path.replace(str(placeholder), "{}", 1)
        return path.format
    raise ValueError(f"{url_name} cannot be reversed with up to {len(placeholders)} ids")


def school_days_after(start: date, days: int, today: date, memo: dict) -> date | None:
    """`days` school days after `start` (memoised per start date); None when the calendar has no term dates there."""
    if start not in memo:
        try:
            memo[start] = add_school_days(start, days, task_calendar(today))
        except CalendarGap:
            memo[start] = None
    return memo[start]


# ---------------------------------------------------------------------------------------------------------------
# Building lists


def _collect(scope: TaskScope, today: date) -> list[Task]:
    from . import sources  # noqa: F401 - registers the built-in sources

    token = _calendar.set(None)
    asked = DPO_SOURCES if scope.user.role == Role.DPO and not scope.team else SOURCES
    try:
        tasks = [task for source in asked for task in source(scope, today)]
    finally:
        _calendar.reset(token)
    # Overdue first, then by due date (none last), then safeguarding first within a day.
    return sorted(tasks, key=lambda t: (not t.overdue, t.due or date.max, not t.safeguarding, t.kind, t.record))


def task_list_for(*, user: User, today: date | None = None) -> list[Task]:
    """The person's own tasks and the service's shared intake, overdue first; the DPO's data rights requests. Empty
    for anyone else."""
    if not (user.is_authenticated and user.is_active and user.role in TASK_LIST_ROLES):
        return []
    return _collect(TaskScope(user=user), today or timezone.localdate())


def team_overdue_tasks(*, manager: User, today: date | None = None) -> list[Task]:
    """Every caseworker's overdue tasks, and the service's overdue intake, for a manager's view."""
    if not (manager.is_authenticated and manager.role == Role.CME_MANAGER):
        return []
    today = today or timezone.localdate()
    return [task for task in _collect(TaskScope(user=manager, team=True), today) if task.overdue]


@dataclass(frozen=True)
class KindCount:
    kind: str
    kind_label: str
    total: int
    overdue: int
    safeguarding: int


def count_by_kind(tasks: Iterable[Task]) -> list[KindCount]:
    """How many tasks of each kind, overdue and safeguarding: what a digest email may say."""
    counts: dict[str, list] = {}
    for task in tasks:
        row = counts.setdefault(task.kind, [task.kind_label, 0, 0, 0])
        row[1] += 1
        row[2] += task.overdue
        row[3] += task.safeguarding
    return [KindCount(kind, *values) for kind, values in counts.items()]
