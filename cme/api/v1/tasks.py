"""The signed-in caseworker's tasks, built from the clocks (cme.tasks): what kind, when due, and where to do it.

A task names a case or return by its reference only, never a child, so the list is no read of a child's record.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cme.tasks.registry import task_list_for

from ..exceptions import error_responses


class TaskListApi(APIView):
    permission_required = "web.view_tasks"

    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField(help_text='A stable code: "enquiry_answer", "case_review", "return_triage" …')
        kind_label = serializers.CharField()
        label = serializers.CharField(help_text="What to do, naming the case or return by its reference only.")
        due_date = serializers.DateField(source="due", allow_null=True)
        overdue = serializers.BooleanField()
        safeguarding = serializers.BooleanField()
        link = serializers.SerializerMethodField(help_text="The page in cme where the work is done.")
        record = serializers.CharField(help_text='What the task is about: "cases.case:12".')

        def get_link(self, task) -> str:
            return self.context["request"].build_absolute_uri(task.link)

        class Meta:
            ref_name = "Task"

    @extend_schema(
        responses={200: OutputSerializer(many=True), **error_responses(401, 403)},
        summary="Your tasks: enquiry answers, case reviews, triage and timetable reviews, overdue first",
    )
    def get(self, request) -> Response:
        # Built directly rather than through the serializer (which documents the shape): a list holds hundreds.
        base = request.build_absolute_uri("/").rstrip("/")
        return Response(
            [
                {
                    "kind": task.kind,
                    "kind_label": task.kind_label,
                    "label": task.label,
                    "due_date": task.due.isoformat() if task.due else None,
                    "overdue": task.overdue,
                    "safeguarding": task.safeguarding,
                    "link": base + task.link,
                    "record": task.record,
                }
                for task in task_list_for(user=request.user)
            ]
        )
