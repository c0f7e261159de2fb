"""Every page of the web adapter, namespaced `web:`."""

from django.urls import include, path

from .accounts import grant_views, manage_views, sso_views
from .accounts import views as account_views
from .cases.urls import case_urls, referral_urls
from .council import views as council_views
from .frontdoor.urls import frontdoor_urls
from .frontdoor.urls import staff_urls as frontdoor_staff_urls
from .letters.urls import letter_urls
from .matching.urls import matching_urls
from .pages.urls import urlpatterns as page_urls
from .partners.urls import partner_urls
from .people.urls import child_urls
from .privacy.urls import privacy_urls
from .reports.urls import report_urls
from .rights.urls import public_urls as rights_public_urls
from .rights.urls import rights_urls
from .schools import views as school_views
from .schools.urls import return_urls
from .tasks import views as task_views
from .training.views import TrainingExercisesView
from .transfers.urls import transfer_urls
from .webhooks.urls import webhook_urls

app_name = "web"

manage_urls = (
    [
        path("users/", manage_views.UserListView.as_view(), name="user-list"),
        path("users/new/", manage_views.UserCreateView.as_view(), name="user-create"),
        path("users/<int:user_id>/", manage_views.UserUpdateView.as_view(), name="user-update"),
        path(
            "users/<int:user_id>/reset-two-factor/",
            manage_views.UserTwoFactorResetView.as_view(),
            name="user-reset-two-factor",
        ),
        path("users/<int:user_id>/unlock/", manage_views.UserUnlockView.as_view(), name="user-unlock"),
        path("role-grants/", grant_views.RoleGrantListView.as_view(), name="role-grant-list"),
        path("role-grants/<int:grant_id>/", grant_views.RoleGrantDecideView.as_view(), name="role-grant-decide"),
        path("teams/", manage_views.TeamListView.as_view(), name="team-list"),
        path("teams/new/", manage_views.TeamCreateView.as_view(), name="team-create"),
        path("organisations/", manage_views.OrganisationListView.as_view(), name="organisation-list"),
        path("organisations/new/", manage_views.OrganisationCreateView.as_view(), name="organisation-create"),
        path("settings/", council_views.CouncilSettingsView.as_view(), name="council-settings"),
        path("term-dates/", council_views.TermDatesView.as_view(), name="term-dates"),
        path("term-dates/new/", council_views.TermPeriodCreateView.as_view(), name="term-create"),
        path("term-dates/closures/new/", council_views.ClosureDayCreateView.as_view(), name="closure-create"),
        *webhook_urls,
    ],
    "manage",
)

task_urls = (
    [
        path("", task_views.TaskListView.as_view(), name="list"),
        path("team/", task_views.TeamOverdueView.as_view(), name="team"),
    ],
    "tasks",
)

school_urls = (
    [
        path("", school_views.SchoolListView.as_view(), name="list"),
        path("<int:urn>/", school_views.SchoolDetailView.as_view(), name="detail"),
    ],
    "schools",
)

urlpatterns = [
    *page_urls,
    path("sign-in/", account_views.SignInView.as_view(), name="sign-in"),
    path("sign-in/sso/", sso_views.SingleSignOnStartView.as_view(), name="sso-start"),
    path("sign-in/sso/callback/", sso_views.SingleSignOnCallbackView.as_view(), name="sso-callback"),
    path("sign-in/sso/refused/", sso_views.SingleSignOnRefusedView.as_view(), name="sso-refused"),
    path("sign-out/", account_views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", account_views.SignedOutView.as_view(), name="signed-out"),
    path("account/", account_views.AccountView.as_view(), name="account"),
    path("account/task-emails/", task_views.TaskEmailsView.as_view(), name="account-task-emails"),
    path("account/tokens/revoke/", account_views.AccountTokenRevokeView.as_view(), name="account-token-revoke"),
    path("account/two-factor/set-up/", account_views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("account/two-factor/", account_views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("schools/", include(school_urls)),
    path("children/", include(child_urls)),
    path("privacy/requests/", include(rights_urls)),
    path("report/", include(frontdoor_urls)),  # the public front door (stable: /report/); issue 18
    path("front-door/", include(frontdoor_staff_urls)),
    path("privacy/", include(privacy_urls)),
    *rights_public_urls,
    path("tasks/", include(task_urls)),
    path("cases/", include(case_urls)),
    path("referrals/", include(referral_urls)),
    path("matching/", include(matching_urls)),
    path("partners/", include(partner_urls)),
    path("manage/", include(manage_urls)),
    path("manage/letters/", include(letter_urls)),
    path("returns/", include(return_urls)),
    path("training/", TrainingExercisesView.as_view(), name="training"),
    path("reports/", include(report_urls)),
    path("", include(transfer_urls)),
]
