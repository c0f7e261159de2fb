"""Every page each demo role can reach, signed in through the real sign-in page, scanned with axe-core."""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

from cme.demo.loader import DEMO_PASSWORD, DEMO_USERS
from tests.browser.csp import listen_for_refusals, refused_on

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/sign-in/", "/signed-out/", "/privacy/", "/cookies/", "/accessibility/", "/something-wrong/"]


PUBLIC_PAGES = [
    "/sign-in/",
    "/signed-out/",
    "/privacy/",
    "/privacy/versions/",
    "/privacy/versions/1/",
    "/cookies/",
    "/accessibility/",
    "/report/",  # the front door; every page of it, in both languages: tests/browser/test_frontdoor.py
    "/report/professional/",
]
# A page shape (URL name) is scanned a few times, not once per user or school, to keep the crawl short.
VISITS_PER_URL_NAME = 2
# Links that download a file rather than show a page: nothing to scan, and the browser would not "load" them.
DOWNLOADS = {
    "web:privacy:ropa-csv",
    "web:privacy:ropa-xlsx",
    "web:privacy:audit-csv",
    "web:privacy:retention-certificate-pdf",
    "web:privacy:sar-download",
    "web:cases:document-download",
    "web:returns:template",
    "web:matching:template",
    "web:reports:dashboard-download",
    "web:reports:equalities-download",
    "web:reports:dfe-return-csv",
    "web:reports:extract-file",
    "web:cases:export",
    "web:referrals:export",
    "web:returns:inbox-export",
    "web:returns:at-risk-export",
    "web:cases:summary-pdf",
    "web:transfers:package",
    "web:transfers:receipt",
}


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base_url}/")


def reachable_pages(page, base_url: str) -> list[str]:
    """Breadth-first over same-site links from the home page, GET only (sign-out is a POST form, so never followed)."""
    seen_names: dict[str, int] = {}
    queue, visited = deque(["/"]), []
    while queue:
        path = queue.popleft()
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            name = path
        if name in DOWNLOADS or path in visited or seen_names.get(name, 0) >= VISITS_PER_URL_NAME:
            continue
        if path.startswith(("/api/", "/static/")):
            continue
        seen_names[name] = seen_names.get(name, 0) + 1
        visited.append(path)
        page.goto(base_url + path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urldefrag(href)[0]
            if target.startswith("/") and target not in visited:
                queue.append(target)
    return visited


def violations_on(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]


def test_public_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        found[path] = violations_on(page)
    assert found == {key: [] for key in PUBLIC_PAGES}


@pytest.mark.parametrize("username", [user.username for user in DEMO_USERS])
def test_every_page_a_role_can_reach_has_no_accessibility_violations(page, live_server, demo_borough, username):
    listen_for_refusals(page)
    sign_in(page, live_server.url, username)
    pages = reachable_pages(page, live_server.url)
    assert "/account/" in pages and len(pages) >= 3
    if username in ("officer", "manager"):  # the task pages and the printable summary are scanned too
        assert "/tasks/" in pages and "/account/task-emails/" in pages
        assert any(path.endswith("/summary/") for path in pages)
    if username == "manager":
        assert "/tasks/team/" in pages
    found, refused = {}, {}
    for path in pages:
        page.goto(live_server.url + path)
        found[path] = violations_on(page)
        refused[path] = refused_on(page)  # the Content-Security-Policy refused nothing the page needs
    assert found == {key: [] for key in pages}
    assert refused == {key: [] for key in pages}
    # Only the strictly necessary cookies, whatever the role visited (the cookies page lists exactly these).
    assert {cookie["name"] for cookie in page.context.cookies()} <= {"cme_session", "cme_csrftoken"}


def test_the_service_works_with_javascript_off(browser, live_server, demo_borough):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "officer")
    page.click("text=Schools")
    page.fill("#q", "primary")
    page.click("button:has-text('Filter')")
    assert "q=primary" in page.url
    assert page.locator("table.govuk-table tbody tr").count() >= 1
    page.click("button:has-text('Sign out')")
    page.wait_for_url(f"{live_server.url}/signed-out/")
    context.close()


def test_a_form_error_is_summarised_and_linked_to_its_field(page, live_server, demo_borough):
    page.goto(live_server.url + "/sign-in/")
    page.click("button[type=submit], input[type=submit]")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    summary.locator("a", has_text="Enter your username").click()
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_the_retention_pages_have_no_accessibility_violations(page, live_server, demo_borough, settings, tmp_path):
    """The demo borough has nothing due: shortened periods make a disposed batch, and a batch with a record kept out."""
    from cme.accounts.models import User
    from cme.audit.services import audit_record_read
    from cme.cases.models import Case
    from cme.council.models import RetentionPeriod
    from cme.people.models import Child
    from cme.privacy.disposal import disposal_batch_dispose
    from cme.privacy.retention import (
        RULES,
        disposal_batch_approve,
        disposal_batch_propose,
        disposal_item_exclude,
        legal_hold_place,
    )

    settings.CME_DOCUMENT_ROOT = tmp_path
    dpo = User.objects.get(username="dpo")
    RetentionPeriod.objects.create(rule="child_record", months=0)  # every child without an open case is due
    disposed = disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None))
    disposal_batch_dispose(batch=disposed)
    RetentionPeriod.objects.update(months=RULES["child_record"].default_months)
    hold = legal_hold_place(actor=dpo, subject=Case.objects.first(), reason="Claim notified")
    for child in Child.objects.exclude(pk=hold.child_id)[:3]:
        audit_record_read(actor=dpo, target=child, fields=["given_name"])
    RetentionPeriod.objects.create(rule="audit_detail", months=0)  # every audit detail is due
    waiting = disposal_batch_propose(actor=None)
    disposal_item_exclude(actor=dpo, item=waiting.items.first(), reason="Complaint open")
    sign_in(page, live_server.url, "dpo")
    paths = [
        "/privacy/retention/",
        "/privacy/retention/periods/",
        "/privacy/retention/holds/",
        "/privacy/retention/holds/new/",
        f"/privacy/retention/batches/{waiting.pk}/",
        f"/privacy/retention/batches/{waiting.pk}/approve/",
        f"/privacy/retention/batches/{disposed.pk}/",
        f"/privacy/retention/batches/{disposed.pk}/certificate/",
    ]
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    assert found == {path: [] for path in paths}


def test_the_rights_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    """The DPO's request pages (a request of each kind naming a child), the restriction banner an officer sees, and
    the public form with its errors and confirmation."""
    from datetime import timedelta

    from django.utils import timezone

    from cme.accounts.models import User
    from cme.cases.models import Case
    from cme.privacy.restriction import restriction_place
    from cme.rights import services
    from cme.rights.enums import PauseReason, RequestKind

    dpo = User.objects.get(username="dpo")
    case = Case.objects.filter(officer__username="officer").first() or Case.objects.first()
    carer = case.child.carer_relationships.first()
    received = timezone.localdate() - timedelta(days=10)
    requests = {}
    for kind in RequestKind.values:
        request = services.request_record(
            actor=dpo, kind=kind, requester_name="Demo parent", details="Demo request", received_on=received
        )
        services.request_subject_add(actor=dpo, request=request, kind="child", number=case.child_id)
        if carer is not None:
            services.request_subject_add(actor=dpo, request=request, kind="carer", number=carer.carer_id)
        requests[kind] = request
    services.clock_pause(actor=dpo, request=requests["access"], reason=PauseReason.IDENTITY, started_on=received)
    restriction_place(actor=dpo, child=case.child, reason="Accuracy contested")
    sign_in(page, live_server.url, "dpo")
    base = "/privacy/requests/"
    rectification, erasure = requests["rectification"].pk, requests["erasure"].pk
    paths = [
        base,
        f"{base}new/",
        f"{base}restrictions/",
        *(f"{base}{request.pk}/" for request in requests.values()),
        f"{base}{rectification}/people/",
        f"{base}{rectification}/identity/",
        f"{base}{rectification}/stop-clock/",
        f"{base}{requests['access'].pk}/restart-clock/",
        f"{base}{rectification}/extend/",
        f"{base}{rectification}/close/",
        f"{base}{requests['complaint'].pk}/acknowledge/",
        f"{base}{requests['complaint'].pk}/ico/",
        f"{base}{rectification}/children/{case.child_id}/correct/",
        f"{base}{erasure}/children/{case.child_id}/erasure/",
        f"{base}{requests['objection'].pk}/children/{case.child_id}/objection/",
    ]
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    submit = "#main-content button[type=submit], #main-content input[type=submit]"
    page.goto(live_server.url + f"{base}new/")
    page.click(submit)
    assert page.locator(".govuk-error-summary").is_visible()
    found["new, with errors"] = violations_on(page)
    page.click("button:has-text('Sign out')")
    sign_in(page, live_server.url, case.officer.username)
    page.goto(live_server.url + f"/cases/{case.pk}/")
    assert page.locator("#restriction-title").is_visible()
    found["restricted case"] = violations_on(page)
    page.click("button:has-text('Sign out')")
    page.goto(live_server.url + "/something-wrong/")
    page.click(submit)
    found["public form, with errors"] = violations_on(page)
    page.fill("#id_name", "Sam Parent")
    page.fill("#id_contact", "sam@example.org")
    page.fill("#id_details", "Her surname is spelt wrongly")
    page.click(submit)
    assert "Your reference" in page.content()
    found["public form, sent"] = violations_on(page)
    assert found == {key: [] for key in found}


def test_adding_a_child_already_held_shows_them_side_by_side_and_stays_accessible(page, live_server, demo_borough):
    """The duplicate check's page (issue 11): the demo officer adds a child the borough already holds."""
    from cme.people.models import Child

    known = Child.objects.order_by("pk").first()
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/children/new/")
    page.fill("#id_given_name", known.given_name)
    page.fill("#id_family_name", known.family_name)
    born = known.date_of_birth
    page.fill("#id_date_of_birth_0", str(born.day))
    page.fill("#id_date_of_birth_1", str(born.month))
    page.fill("#id_date_of_birth_2", str(born.year))
    page.get_by_role("button", name="Save child").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("table.govuk-table", has_text=f"{known.given_name} {known.family_name}").is_visible()
    assert violations_on(page) == []
    page.check("input[name=same_as][value=new]")
    page.fill("#id_duplicate_reason", "A different child: checked the birth certificate")
    page.get_by_role("button", name="Save child").click()
    assert Child.objects.filter(given_name=known.given_name, family_name=known.family_name).count() >= 2


def test_the_training_site_s_banner_and_exercises_have_no_accessibility_violations(
    page, live_server, demo_borough, settings
):
    """Issue 17's training site: a trainee's exercises (one done) and the trainer's overview, with the banner."""
    from cme.accounts.models import Team
    from cme.matching.models import MatchCandidate
    from cme.matching.services import candidate_confirm
    from cme.training.models import TraineeScenario, TrainingSite
    from cme.training.scenarios import candidate_template
    from cme.training.services import TRAINING_TEAM, trainee_add

    settings.CME_TRAINING = True
    TrainingSite.objects.create(pk=1, seed=7, children=200, templates={"candidate": candidate_template()})
    Team.objects.create(name=TRAINING_TEAM)
    trainee, password = trainee_add(username="tess", first_name="Tess", last_name="Trainee", email="t@example.org")
    candidate = MatchCandidate.objects.get(pk=TraineeScenario.objects.get(trainee=trainee).records["candidate"])
    candidate_confirm(candidate=candidate, actor=trainee, rationale="Records agree", confirmed_new=True)
    found = {}
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", "tess")
    page.fill("#id_password", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "no record here is real" in page.content()
    page.goto(f"{live_server.url}/training/")
    found["trainee"] = violations_on(page)
    page.context.clear_cookies()
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/training/")
    assert "How each trainee is getting on" in page.content()
    found["trainer"] = violations_on(page)
    assert found == {"trainee": [], "trainer": []}


def test_the_case_list_is_searched_and_filtered_with_javascript_off_and_stays_accessible(
    browser, page, live_server, demo_borough
):
    """Issue 11 point 8: the filters and the search are one GET form, so they work without JavaScript; the list, a
    bad filter value's error summary, a dashboard figure's list and the timetable pages pass axe."""
    from cme.cases.models import Case
    from cme.schools.models import RollReturn

    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    sign_in(plain, live_server.url, "manager")
    plain.goto(live_server.url + "/cases/")
    plain.select_option("#risk", "high")
    plain.check("#overdue")
    plain.get_by_role("button", name="Apply filters").click()
    assert "risk=high" in plain.url and "overdue=1" in plain.url
    case = Case.objects.exclude(status="closed").order_by("pk").first()
    plain.goto(live_server.url + "/cases/")
    plain.fill("#q", case.reference)
    plain.get_by_role("button", name="Search").click()
    assert plain.locator("table.govuk-table tbody tr").count() == 1
    context.close()

    sign_in(page, live_server.url, "manager")
    timetable = RollReturn.objects.filter(timetable__isnull=False).order_by("pk").first()
    paths = [
        "/cases/?q=a&officer=me&risk=high&overdue=1&status=all",
        "/cases/?risk=sky-high",
        "/cases/?overdue=1",
        "/cases/caseload/",
        "/returns/at-risk/?reason=part_time_timetable",
        f"/returns/inbox/{timetable.pk}/",
    ]
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    assert found == {path: [] for path in paths}


def test_merging_two_records_and_undoing_it_stays_accessible(page, live_server, demo_borough):
    """The merge pages (issue 11): the demo manager compares two records, merges them, and undoes the merge."""
    from cme.people.models import Child

    with_cases = Child.objects.filter(cases__isnull=False, merged_into__isnull=True).distinct().order_by("pk")
    survivor, merged = with_cases[0], with_cases[1]
    sign_in(page, live_server.url, "manager")
    found = {}
    page.goto(f"{live_server.url}/children/{survivor.pk}/merge/")
    found["choose"] = violations_on(page)
    page.fill("#id_other", str(merged.pk))
    page.get_by_role("button", name="Compare the records").click()
    assert page.locator("table.govuk-table", has_text="The two records side by side").is_visible()
    found["compare"] = violations_on(page)
    page.fill("#id_rationale", "The school confirmed they are one child")
    if page.locator("#id_warnings_confirmed").count():
        page.check("#id_warnings_confirmed")
    page.get_by_role("button", name="Merge the records").click()
    page.wait_for_url(f"{live_server.url}/children/{survivor.pk}/")
    found["survivor"] = violations_on(page)
    page.goto(f"{live_server.url}/children/{merged.pk}/")
    assert page.locator("h1", has_text="This record was merged into another").is_visible()
    found["merged"] = violations_on(page)
    page.goto(f"{live_server.url}/children/{survivor.pk}/merge/undo/")
    found["undo"] = violations_on(page)
    page.fill("#id_rationale", "Two children after all")
    page.get_by_role("button", name="Undo the merge").click()
    page.wait_for_url(f"{live_server.url}/children/{survivor.pk}/")
    assert Child.objects.get(pk=merged.pk).merged_into_id is None


def test_the_sign_off_and_closing_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    """Issue 12: the closing page (with its errors), the managers' sign-off queue, and signing off or sending back."""
    from cme.accounts.models import User
    from cme.cases.enums import CaseStatus, Outcome
    from cme.cases.models import Case
    from cme.cases.selectors import sign_offs_waiting
    from cme.cases.services import case_close_or_ask

    manager = User.objects.get(username="manager")
    waiting = sign_offs_waiting(user=manager).first()
    if waiting is None:
        case = Case.objects.exclude(status=CaseStatus.CLOSED).exclude(officer=manager).exclude(officer=None).first()
        waiting = case_close_or_ask(
            case=case, actor=case.officer, outcome=Outcome.DIED, rationale="Seen", expected_version=case.version
        ).sign_off
    case_id = waiting.case_id
    sign_in(page, live_server.url, "manager")
    paths = [
        "/cases/sign-offs/",
        f"/cases/{case_id}/sign-offs/{waiting.pk}/approve/",
        f"/cases/{case_id}/sign-offs/{waiting.pk}/send-back/",
        f"/cases/{case_id}/",
        f"/cases/{case_id}/close/",
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        found[path] = violations_on(page)
    page.check("input[value=on_roll_this_la]")
    page.click("[name=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    found["close with errors"] = violations_on(page)


def test_the_letter_and_attendance_order_pages_have_no_accessibility_violations(
    page, live_server, demo_borough, settings, tmp_path
):
    """Issue 12 points 4 and 5: the template editor (with a preview and with an error), producing a letter, recording
    it sent, and the school attendance order process with its step form."""
    from cme.accounts.models import User
    from cme.cases.enums import LetterKind
    from cme.cases.models import Case
    from cme.cases.services import attendance_order_start, letter_generate
    from tests.factories.people import CarerRelationshipFactory

    settings.CME_DOCUMENT_ROOT = tmp_path
    officer = User.objects.get(username="officer")
    case = Case.objects.filter(officer=officer, status__in=["open", "enquiries", "located"]).first()
    carer = CarerRelationshipFactory(child=case.child).carer
    letter = letter_generate(case=case, actor=officer, kind=LetterKind.FIND_CHILD, carer=carer)
    order = case.attendance_orders.filter(ended_on__isnull=True).first() or attendance_order_start(
        case=case, actor=officer, rationale="Parents refused every place", carer=carer
    )
    found = {}
    sign_in(page, live_server.url, "officer")
    for path in [
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/letters/new/",
        f"/cases/{case.pk}/letters/{letter.pk}/sent/",
        f"/cases/{case.pk}/school-attendance-order/{order.pk}/",
        f"/cases/{case.pk}/school-attendance-order/{order.pk}/step/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    page.click("button[type=submit], input[type=submit]")  # the step form, empty: its error summary
    found["step form with errors"] = violations_on(page)
    page.context.clear_cookies()
    sign_in(page, live_server.url, "manager")
    for path in ["/manage/letters/", "/manage/letters/find_child/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    page.click("#id_preview")
    assert page.locator("#preview").is_visible()
    found["template preview"] = violations_on(page)
    page.fill("#id_body", "Dear {{ child.nmae }}")
    page.click("#id_save")
    assert page.locator(".govuk-error-summary").is_visible()
    found["template with an unknown merge field"] = violations_on(page)
    assert found == {key: [] for key in found}
