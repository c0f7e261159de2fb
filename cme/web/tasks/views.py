"""Task pages: a caseworker's own task list, a manager's view of overdue tasks across the team, and the choice of
task emails on "Your account"."""

from django import forms
from django.views.generic import TemplateView

from cme.accounts.enums import TaskEmails
from cme.accounts.models import User
from cme.accounts.services import user_task_emails_set
from cme.tasks.registry import count_by_kind, task_list_for, team_overdue_tasks
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView


class TaskListView(PermissionRequiredMixin, TemplateView):
    """The signed-in caseworker's tasks, overdue first: what is due, for which case or return, and where to do it."""

    permission_required = "web.view_tasks"
    template_name = "tasks/list.html"
    nav_section = "tasks"

    def get_context_data(self, **kwargs):
        tasks = task_list_for(user=self.request.user)
        return super().get_context_data(
            tasks=tasks,
            counts=count_by_kind(tasks),
            overdue_count=sum(task.overdue for task in tasks),
            is_manager=self.request.user.has_perm("cases.view_team_caseload"),
            **kwargs,
        )


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
            ((people.get(pk), items) for pk, items in groups.items()),
            key=lambda row: (row[0] is None, row[0].display_name if row[0] else ""),
        )
        return super().get_context_data(groups=rows, total=len(tasks), **kwargs)


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
