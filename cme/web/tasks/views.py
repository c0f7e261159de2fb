"""Task pages: a caseworker's own task list, a manager's view of overdue tasks across the team, and the choice of
task emails on "Your account"."""

from dataclasses import dataclass

from django import forms
from django.views.generic import TemplateView

from cme.accounts.enums import TaskEmails
from cme.accounts.models import User
from cme.accounts.services import user_task_emails_set
from cme.tasks.registry import count_by_kind, task_list_for, team_overdue_tasks
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

# The intake the whole service triages (returns, referrals, front-door reports) is on every caseworker's list: the
# most urgent are listed, the rest counted, and the intake pages hold them all. A service with a thousand returns
# waiting would otherwise send every caseworker a thousand rows on every visit (slow to send, no use to read).
INTAKE_ROWS = 25


class TaskListView(PermissionRequiredMixin, TemplateView):
    """The signed-in caseworker's tasks, overdue first: what is due, for which case or return, and where to do it."""

    permission_required = "web.view_tasks"
    template_name = "tasks/list.html"
    nav_section = "tasks"

    def get_context_data(self, **kwargs):
        tasks = task_list_for(user=self.request.user)
        own = [task for task in tasks if task.assignee_id is not None]
        intake = [task for task in tasks if task.assignee_id is None]
        return super().get_context_data(
            tasks=tasks,
            own=own,
            own_caption=f"On your cases: {len(own)}",
            intake=intake[:INTAKE_ROWS],
            intake_caption=f"Intake for the whole service: {len(intake)}",
            intake_total=len(intake),
            intake_more=max(0, len(intake) - INTAKE_ROWS),
            counts=count_by_kind(tasks),
            overdue_count=sum(task.overdue for task in tasks),
            is_manager=self.request.user.has_perm("cases.view_team_caseload"),
            **kwargs,
        )


# The team page lists each person's most overdue tasks and counts the rest by kind: a manager sees who is behind
# and on what at a glance, and a page with thousands of rows (a service with thousands of overdue reviews) would be
# slow to send and no use to read. The person's own task list, and the case list filtered by officer, show the rest.
TEAM_ROWS_PER_PERSON = 10


@dataclass(frozen=True)
class TeamGroup:
    person: User | None  # None: the intake waiting for anyone to triage
    tasks: list  # the most overdue first, at most TEAM_ROWS_PER_PERSON
    total: int
    counts: list  # KindCount for every overdue task of this person

    @property
    def more(self) -> int:
        return self.total - len(self.tasks)


class TeamOverdueView(PermissionRequiredMixin, TemplateView):
    """A manager's view: every caseworker's overdue tasks, and the service's overdue intake."""

    permission_required = "cases.view_team_caseload"
    template_name = "tasks/team.html"
    nav_section = "caseload"

    def get_context_data(self, **kwargs):
        tasks = team_overdue_tasks(manager=self.request.user)
        people = {u.pk: u for u in User.objects.filter(pk__in={t.assignee_id for t in tasks if t.assignee_id})}
        groups: dict = {}
        for task in tasks:
            groups.setdefault(task.assignee_id, []).append(task)
        rows = sorted(
            (
                TeamGroup(
                    person=people.get(pk),
                    tasks=items[:TEAM_ROWS_PER_PERSON],
                    total=len(items),
                    counts=count_by_kind(items),
                )
                for pk, items in groups.items()
            ),
            key=lambda group: (group.person is None, group.person.display_name if group.person else ""),
        )
        return super().get_context_data(groups=rows, total=len(tasks), rows_per_person=TEAM_ROWS_PER_PERSON, **kwargs)


class TaskEmailsForm(GovukForm):
    title = "Emails about your tasks"
    submit_label = "Save"
    task_emails = forms.ChoiceField(
        label="How often should cme email you about your tasks?",
        help_text="Emails say only what kinds of task are waiting and link to cme. They never name a child.",
        choices=TaskEmails.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often to get emails about your tasks"},
    )


class TaskEmailsView(ServiceFormView):
    permission_required = "web.view_tasks"
    form_class = TaskEmailsForm
    nav_section = "account"
    success_url_name = "web:account"

    def get_initial(self):
        return {"task_emails": self.request.user.task_emails}

    def perform(self, form):
        return user_task_emails_set(user=self.request.user, choice=form.cleaned_data["task_emails"])

    def success_message(self, user) -> str:
        return f"Emails about your tasks: {user.get_task_emails_display().lower()}."
