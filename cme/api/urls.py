"""/api/v1/: every endpoint, and the OpenAPI schema at /api/v1/schema/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from .v1 import cases, matching, people, referrals, tasks
from .v1 import returns as school_returns
from .v1.accounts import MeApi
from .v1.schools import SchoolDetailApi, SchoolListApi


class SchemaApi(SpectacularAPIView):
    # SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] puts the project's HasNamedPermission in place of AllowAny.
    permission_required = "api.view_schema"


class NotFoundApi(APIView):
    """Any other path under /api/v1/ (an unknown endpoint, a negative or malformed id): 404 in the API's own JSON.

    Django's resolver would answer such a path with the HTML "Page not found" page. The caller is still
    authenticated first, so an anonymous request gets 401 here as everywhere else in the API.
    """

    permission_required = "accounts.view_own_account"
    schema = None  # not an endpoint to document

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()


app_name = "api"

task_urls = [path("tasks/", tasks.TaskListApi.as_view(), name="task-list")]

case_urls = [
    path("cases/", cases.CaseListApi.as_view(), name="case-list"),
    path("cases/<int:case_id>/", cases.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<int:case_id>/status/", cases.CaseStatusChangeApi.as_view(), name="case-status"),
    path("cases/<int:case_id>/risk/", cases.CaseSetRiskApi.as_view(), name="case-risk"),
    path("cases/<int:case_id>/reallocate/", cases.CaseReallocateApi.as_view(), name="case-reallocate"),
    path("cases/<int:case_id>/escalate/", cases.CaseEscalateApi.as_view(), name="case-escalate"),
    path("cases/<int:case_id>/school-attendance-order/", cases.CaseStartSaoApi.as_view(), name="case-sao"),
    path("cases/<int:case_id>/close/", cases.CaseCloseApi.as_view(), name="case-close"),
    path("cases/<int:case_id>/reopen/", cases.CaseReopenApi.as_view(), name="case-reopen"),
    path("cases/<int:case_id>/decisions/", cases.CaseDecisionListApi.as_view(), name="case-decision-list"),
    path("cases/<int:case_id>/enquiries/", cases.EnquiryListApi.as_view(), name="enquiry-list"),
    path("cases/<int:case_id>/enquiries/create/", cases.EnquiryCreateApi.as_view(), name="enquiry-create"),
    path(
        "cases/<int:case_id>/enquiries/<int:enquiry_id>/response/",
        cases.EnquiryResponseRecordApi.as_view(),
        name="enquiry-response",
    ),
    path("cases/<int:case_id>/notes/", cases.NoteListApi.as_view(), name="note-list"),
    path("cases/<int:case_id>/notes/create/", cases.NoteCreateApi.as_view(), name="note-create"),
    path("cases/<int:case_id>/notes/<int:note_id>/correct/", cases.NoteCorrectApi.as_view(), name="note-correct"),
]

referral_urls = [
    path("referrals/", referrals.ReferralListApi.as_view(), name="referral-list"),
    path("referrals/create/", referrals.ReferralCreateApi.as_view(), name="referral-create"),
    path("referrals/<int:referral_id>/", referrals.ReferralDetailApi.as_view(), name="referral-detail"),
    path("referrals/<int:referral_id>/accept/", referrals.ReferralAcceptApi.as_view(), name="referral-accept"),
    path(
        "referrals/<int:referral_id>/no-further-action/",
        referrals.ReferralNoFurtherActionApi.as_view(),
        name="referral-no-further-action",
    ),
]

people_urls = [
    path("children/", people.ChildSearchApi.as_view(), name="child-search"),
    path("children/create/", people.ChildCreateApi.as_view(), name="child-create"),
    path("children/<int:child_id>/", people.ChildDetailApi.as_view(), name="child-detail"),
    path("children/<int:child_id>/update/", people.ChildUpdateApi.as_view(), name="child-update"),
    path("children/<int:child_id>/purpose/", people.ChildAccessPurposeApi.as_view(), name="child-purpose"),
    path("carers/create/", people.CarerCreateApi.as_view(), name="carer-create"),
    path("carers/<int:carer_id>/", people.CarerDetailApi.as_view(), name="carer-detail"),
    path("carers/<int:carer_id>/link/", people.CarerLinkApi.as_view(), name="carer-link"),
    path("carers/<int:carer_id>/purpose/", people.CarerAccessPurposeApi.as_view(), name="carer-purpose"),
]

return_urls = [
    path("returns/", school_returns.ReturnListApi.as_view(), name="return-list"),
    path("returns/create/", school_returns.ReturnCreateApi.as_view(), name="return-create"),
    path("returns/<int:return_id>/", school_returns.ReturnDetailApi.as_view(), name="return-detail"),
    path(
        "returns/<int:return_id>/suggestions/", school_returns.ReturnSuggestionsApi.as_view(), name="return-suggestions"
    ),
    path("returns/<int:return_id>/match/", school_returns.ReturnMatchApi.as_view(), name="return-match"),
    path("returns/<int:return_id>/refer/", school_returns.ReturnReferApi.as_view(), name="return-refer"),
    path(
        "returns/<int:return_id>/no-further-action/",
        school_returns.ReturnNoFurtherActionApi.as_view(),
        name="return-no-further-action",
    ),
]

matching_urls = [
    path("match-candidates/", matching.CandidateListApi.as_view(), name="match-candidate-list"),
    path("match-candidates/<int:candidate_id>/", matching.CandidateDetailApi.as_view(), name="match-candidate-detail"),
    path(
        "match-candidates/<int:candidate_id>/confirm/",
        matching.CandidateConfirmApi.as_view(),
        name="match-candidate-confirm",
    ),
    path(
        "match-candidates/<int:candidate_id>/dismiss/",
        matching.CandidateDismissApi.as_view(),
        name="match-candidate-dismiss",
    ),
    path("match-runs/", matching.MatchRunListApi.as_view(), name="match-run-list"),
    path("match-runs/start/", matching.MatchRunStartApi.as_view(), name="match-run-start"),
    path("match-runs/<int:run_id>/", matching.MatchRunDetailApi.as_view(), name="match-run-detail"),
]

urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("me/", MeApi.as_view(), name="me"),
    path("schools/", SchoolListApi.as_view(), name="school-list"),
    path("schools/<int:urn>/", SchoolDetailApi.as_view(), name="school-detail"),
    *task_urls,
    *case_urls,
    *referral_urls,
    *people_urls,
    *return_urls,
    *matching_urls,
    re_path(r"^", NotFoundApi.as_view(), name="not-found"),  # last: whatever nothing above matched
]
