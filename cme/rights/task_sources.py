"""The DPO's tasks (issue 13 point 1): data rights requests due soon or overdue, and complaints to acknowledge.

Registered with the task list for the data protection officer (cme.tasks.sources imports this module)."""

from datetime import date

from cme.tasks.registry import Task, TaskScope, link_maker, register_for_dpo

from .selectors import rights_requests_due


@register_for_dpo
def rights_requests_due_tasks(scope: TaskScope, today: date):
    detail = link_maker("web:rights:detail")
    for clock in rights_requests_due(scope.user, today):
        request = clock.request
        yield Task(
            kind="rights_request",
            kind_label="Data rights requests due",
            label=f"{clock.what} {request.get_kind_display().lower()} request {request.reference}",
            due=clock.due_on,
            link=detail(request.pk),
            today=today,
            assignee_id=scope.user.pk,
            record=f"rights.rightsrequest:{request.pk}",
        )
