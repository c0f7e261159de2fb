"""Deny by default: every URL in the project, what an anonymous visitor gets, and what each role gets.

The matrix below must name every URL pattern; adding a URL without deciding who may open it fails
`test_every_url_pattern_has_an_entry_in_the_matrix`.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cme.accounts.enums import Role
from cme.accounts.models import RoleGrant
from cme.cases.enums import DocumentKind
from cme.cases.models import SignOffRequest
from cme.cases.services import document_upload
from cme.webhooks.models import WebhookEndpoint
from tests.conftest import ROLE_FIXTURES
from tests.factories.people import CarerRelationshipFactory
from tests.factories.schools import EnrolmentFactory

# The roles, and one more column: "outsider", a CME officer of another team who has stated no purpose. The matrix
# case, child and carer are outside their caseload: a case answers "not found", a child's or carer's record asks why
# first (the pages send them to the purpose question, the API answers 403); intake the whole service triages
# (referrals, returns, match candidates) opens for them as for any officer.
OUTSIDER = "outsider"
ROLES = (*ROLE_FIXTURES, OUTSIDER)
COUNCIL_STAFF = ("officer", "manager", "dpo", "analyst", "sysadmin")
CASEWORKERS = ("officer", "manager")


def only(*allowed: str, granted: int = 200, refused: int = 403, outsider: int | None = None) -> dict[str, int]:
    """`granted` for the roles allowed, `refused` for the others; the outsider as the officer unless `outsider`."""
    statuses = {role: granted if role in allowed else refused for role in ROLE_FIXTURES}
    return {**statuses, OUTSIDER: statuses["officer"] if outsider is None else outsider}


def everyone(status: int = 200) -> dict[str, int]:  # the outsider included
    return dict.fromkeys(ROLES, status)


# url name -> (kind, {role: status for a signed-in, two-factor-verified user}).
# kind: "public" (anyone, 200 anonymous), "page" (anonymous -> sign-in), "api" (anonymous -> 401),
# "sso" (single sign-on's protocol endpoints: anyone may use them, and they are not found unless it is configured,
# as here; tests/accounts/test_single_sign_on.py drives them against a real provider).
MATRIX = {
    "web:home": ("page", everyone()),
    "web:privacy": ("public", everyone()),
    "web:privacy-versions": ("public", everyone()),
    "web:privacy-version": ("public", everyone()),
    "web:cookies": ("public", everyone()),
    "web:accessibility": ("public", everyone()),
    "web:health": ("public", everyone()),
    "web:sign-in": ("public", everyone(302)),  # a signed-in user is sent on to the home page
    "web:signed-out": ("public", everyone()),
    "web:sign-out": ("page", everyone(405)),  # sign-out is POST only
    "web:sso-start": ("sso", everyone(404)),
    "web:sso-callback": ("sso", everyone(404)),
    # The training site's exercises: not found on any other installation (tests/training covers CME_TRAINING=1).
    "web:training": ("page", everyone(404)),
    "web:sso-refused": ("public", everyone()),
    "web:account": ("page", everyone()),
    "web:account-token-revoke": ("page", everyone(405)),  # POST only
    "web:two-factor-setup": ("page", everyone(302)),  # already has an authenticator: sent to verify
    "web:two-factor-verify": ("page", everyone()),
    "web:schools:list": ("page", only(*COUNCIL_STAFF)),
    "web:schools:detail": ("page", only(*COUNCIL_STAFF)),
    "web:manage:user-list": ("page", only("sysadmin")),
    "web:manage:user-create": ("page", only("sysadmin")),
    "web:manage:user-update": ("page", only("sysadmin")),
    "web:manage:user-reset-two-factor": ("page", only("sysadmin")),
    "web:manage:user-unlock": ("page", only("sysadmin")),
    "web:manage:role-grant-list": ("page", only("manager", "dpo", "sysadmin")),
    "web:manage:role-grant-decide": ("page", only("manager", "dpo")),
    "web:manage:team-list": ("page", only("sysadmin")),
    "web:manage:team-create": ("page", only("sysadmin")),
    "web:manage:organisation-list": ("page", only("sysadmin")),
    "web:manage:organisation-create": ("page", only("sysadmin")),
    "web:manage:council-settings": ("page", only("sysadmin")),
    "web:letters:template-list": ("page", only("manager")),
    "web:letters:template-edit": ("page", only("manager")),
    "web:manage:term-dates": ("page", only("sysadmin")),
    "web:manage:term-create": ("page", only("sysadmin")),
    "web:manage:closure-create": ("page", only("sysadmin")),
    # Webhooks (issue 18, point 5): the system administrator's alone.
    **{
        f"web:manage:webhook-{page}": ("page", only("sysadmin"))
        for page in ("list", "create", "detail", "change", "secret")
    },
    "web:cases:list": ("page", only(*CASEWORKERS)),
    # Tasks and exports (issue 12, points 3 and 6): a caseworker's own tasks, a manager's view of the team's overdue
    # ones; lists as files for those who may see the lists; the printable summary and its PDF open the case first.
    "web:tasks:list": ("page", only(*CASEWORKERS, "dpo")),  # the DPO's: data rights requests due
    "web:tasks:team": ("page", only("manager")),
    "web:account-task-emails": ("page", only(*CASEWORKERS, "dpo")),
    "api:task-list": ("api", only(*CASEWORKERS, "dpo")),
    "web:cases:export": ("page", only(*CASEWORKERS)),
    "web:referrals:export": ("page", only(*CASEWORKERS)),
    "web:returns:inbox-export": ("page", only(*CASEWORKERS)),
    "web:returns:at-risk-export": ("page", only(*CASEWORKERS)),
    "web:cases:summary": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:summary-pdf": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:caseload": ("page", only("manager")),
    # Managers see the requests waiting for them; officers, theirs that a manager sent back.
    "web:cases:sign-offs": ("page", only(*CASEWORKERS)),
    # A request an officer made on the matrix case: only a manager signs it off or sends it back (as reallocation).
    "web:cases:sign-off-approve": ("page", {**only("manager", refused=404), "officer": 403}),  # outsider: 404
    "web:cases:sign-off-send-back": ("page", {**only("manager", refused=404), "officer": 403}),  # outsider: 404
    # The matrix case belongs to the officer's team, so both caseworkers may open and work it. Everyone else gets
    # 404 for a case or referral page: being refused a record must not reveal that it exists.
    "web:cases:detail": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:status": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:risk": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:details": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:history": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:reallocate": ("page", {**only("manager", refused=404), "officer": 403}),  # outsider: 404
    "web:cases:escalate": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:sao": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:close": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:reopen": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:enquiry-create": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:enquiry-response": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:note-create": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:note-correct": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:document-upload": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:sao-detail": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:sao-step": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:letter-create": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:letter-sent": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:cases:document-download": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:referrals:list": ("page", only(*CASEWORKERS)),
    "web:referrals:create": ("page", only(*CASEWORKERS, refused=404, outsider=302)),  # about a known child
    "web:children:search": ("page", only(*CASEWORKERS)),
    "web:children:create": ("page", only(*CASEWORKERS)),
    "web:children:detail": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:update": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:purpose": ("page", only(*CASEWORKERS, refused=404)),
    "web:children:carer-create": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:carer-update": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:enrolment-correct": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:history": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:address": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    # Merging two records of one child: an officer proposes, a manager merges and undoes (cme.people.merging).
    "web:children:merge": ("page", only(*CASEWORKERS, refused=404, outsider=302)),
    "web:children:merge-undo": ("page", {**only("manager", refused=404, outsider=302), "officer": 403}),
    "web:referrals:detail": ("page", only(*CASEWORKERS, refused=404)),
    "web:referrals:accept": ("page", only(*CASEWORKERS, refused=404)),
    "web:referrals:no-further-action": ("page", only(*CASEWORKERS, refused=404)),
    "web:privacy:ropa": ("page", only("dpo")),
    "web:privacy:ropa-csv": ("page", only("dpo")),
    "web:privacy:ropa-xlsx": ("page", only("dpo")),
    "web:privacy:disclosures": ("page", only("dpo")),
    "web:privacy:access-purposes": ("page", only("dpo")),
    "web:privacy:audit": ("page", only("dpo")),
    "web:privacy:audit-csv": ("page", only("dpo")),
    "web:privacy:audit-verify": ("page", only("dpo", granted=405)),  # POST only: a GET is refused
    # Retention: disposal batches, their approval and certificates, legal holds and the periods are the DPO's.
    "web:privacy:retention": ("page", only("dpo")),
    "web:privacy:retention-periods": ("page", only("dpo")),
    "web:privacy:retention-batch": ("page", only("dpo")),
    "web:privacy:retention-approve": ("page", only("dpo")),
    "web:privacy:retention-certificate": ("page", only("dpo")),
    "web:privacy:retention-certificate-pdf": ("page", only("dpo")),
    "web:privacy:retention-exclude": ("page", only("dpo")),
    "web:privacy:retention-holds": ("page", only("dpo")),
    "web:privacy:retention-hold-create": ("page", only("dpo")),
    "web:privacy:retention-hold-release": ("page", only("dpo")),
    "web:privacy:sar-list": ("page", only("dpo")),
    "web:privacy:sar-create": ("page", only("dpo")),
    "web:privacy:sar-pack": ("page", only("dpo")),
    "web:privacy:sar-withhold": ("page", only("dpo")),
    "web:privacy:sar-approve": ("page", only("dpo")),
    "web:privacy:sar-release": ("page", only("dpo")),
    "web:privacy:sar-download": ("page", only("dpo")),  # the draft, marked DRAFT
    "web:privacy:sar-lift": ("page", only("dpo")),
    "web:privacy:notice-versions": ("page", only("dpo")),
    "web:privacy:notice-publish": ("page", only("dpo")),
    # Data matching: caseworkers review candidates (404 for anyone else: a candidate names a child); the DPO and the
    # analyst see runs (settings, model, counts); the DPO also sees which sources are received; a manager registers
    # sources. School and partner users and the system administrator see nothing of it.
    "web:matching:queue": ("page", only(*CASEWORKERS)),
    "web:matching:candidate": ("page", only(*CASEWORKERS, refused=404)),
    "web:matching:confirm": ("page", only(*CASEWORKERS, refused=404)),
    "web:matching:dismiss": ("page", only(*CASEWORKERS, refused=404)),
    "web:matching:runs": ("page", only(*CASEWORKERS, "dpo", "analyst")),
    "web:matching:run-start": ("page", only(*CASEWORKERS)),
    "web:matching:run": ("page", only(*CASEWORKERS, "dpo", "analyst")),
    "web:matching:model-over-time": ("page", only(*CASEWORKERS)),
    "web:matching:sources": ("page", only(*CASEWORKERS, "dpo")),
    "web:matching:source-create": ("page", only("manager")),
    "web:matching:import-create": ("page", only(*CASEWORKERS)),
    "web:matching:import": ("page", only(*CASEWORKERS, "dpo")),
    "web:matching:rejected-rows": ("page", only(*CASEWORKERS)),
    "web:matching:templates": ("page", only(*CASEWORKERS, "dpo")),
    "web:matching:template": ("page", only(*CASEWORKERS, "dpo")),
    "api:schema": ("api", everyone()),
    "api:me": ("api", everyone()),
    "api:not-found": ("api", everyone(404)),  # any other path under /api/v1/: a JSON 404
    "api:school-list": ("api", only(*COUNCIL_STAFF)),
    "api:school-detail": ("api", only(*COUNCIL_STAFF)),
    # API endpoints refuse roles that do no casework with 403 before opening anything, so the answer is the same
    # for every id. The matrix GETs every URL: a caseworker gets 405 from an endpoint that only takes POST.
    "api:case-list": ("api", only(*CASEWORKERS)),
    "api:case-detail": ("api", only(*CASEWORKERS, outsider=404)),
    "api:case-status": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:case-risk": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:case-reallocate": ("api", only("manager", granted=405, outsider=404)),
    "api:case-escalate": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:case-sao": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:case-close": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:case-reopen": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:case-decision-list": ("api", only(*CASEWORKERS, outsider=404)),
    "api:enquiry-list": ("api", only(*CASEWORKERS, outsider=404)),
    "api:enquiry-create": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:enquiry-response": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:note-list": ("api", only(*CASEWORKERS, outsider=404)),
    "api:note-create": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:note-correct": ("api", only(*CASEWORKERS, granted=405, outsider=404)),  # the case opens first
    "api:referral-list": ("api", only(*CASEWORKERS)),
    "api:referral-create": ("api", only(*CASEWORKERS, granted=405)),
    "api:referral-detail": ("api", only(*CASEWORKERS)),
    "api:referral-accept": ("api", only(*CASEWORKERS, granted=405)),
    "api:referral-no-further-action": ("api", only(*CASEWORKERS, granted=405)),
    "api:child-search": ("api", only(*CASEWORKERS, granted=400)),  # a search for nothing is refused, saying why
    "api:child-create": ("api", only(*CASEWORKERS, granted=405)),
    "api:child-detail": ("api", only(*CASEWORKERS, outsider=403)),
    "api:child-update": ("api", only(*CASEWORKERS, granted=405)),
    "api:child-purpose": ("api", only(*CASEWORKERS, granted=405)),
    "api:carer-create": ("api", only(*CASEWORKERS, granted=405)),
    "api:carer-detail": ("api", only(*CASEWORKERS, outsider=403)),
    "api:carer-link": ("api", only(*CASEWORKERS, granted=405)),
    "api:carer-purpose": ("api", only(*CASEWORKERS, granted=405)),
    # Schools' returns: a school user sends and follows their own school's; a return, or timetable, of another
    # school is "not found" (the matrix return is at the school user's school). Caseworkers triage them.
    "web:returns:school-list": ("page", only("school_user")),
    "web:returns:kind": ("page", only("school_user")),
    "web:returns:create": ("page", only("school_user")),
    "web:returns:school-detail": ("page", only("school_user", refused=404)),
    "web:returns:timetable-review": ("page", only("school_user", refused=404)),
    "web:returns:timetable-end": ("page", only("school_user", refused=404)),
    "web:returns:upload": ("page", only("school_user", *CASEWORKERS)),
    "web:returns:template": ("page", only("school_user", *CASEWORKERS)),
    "web:returns:inbox": ("page", only(*CASEWORKERS)),
    "web:returns:detail": ("page", only(*CASEWORKERS, refused=404)),
    "web:returns:match": ("page", only(*CASEWORKERS, refused=404)),
    "web:returns:refer": ("page", only(*CASEWORKERS, refused=404)),
    "web:returns:no-further-action": ("page", only(*CASEWORKERS, refused=404)),
    "web:returns:at-risk": ("page", only(*CASEWORKERS)),
    "api:return-list": ("api", only("school_user", *CASEWORKERS)),
    "api:return-create": ("api", only("school_user", granted=405)),
    "api:return-detail": ("api", only("school_user", *CASEWORKERS)),
    "api:return-suggestions": ("api", only(*CASEWORKERS)),
    "api:return-match": ("api", only(*CASEWORKERS, granted=405)),
    "api:return-refer": ("api", only(*CASEWORKERS, granted=405)),
    "api:return-no-further-action": ("api", only(*CASEWORKERS, granted=405)),
    "api:match-candidate-list": ("api", only(*CASEWORKERS)),
    "api:match-candidate-detail": ("api", only(*CASEWORKERS)),
    "api:match-candidate-confirm": ("api", only(*CASEWORKERS, granted=405)),
    "api:match-candidate-dismiss": ("api", only(*CASEWORKERS, granted=405)),
    "api:match-run-list": ("api", only(*CASEWORKERS, "dpo", "analyst")),
    "api:match-run-start": ("api", only(*CASEWORKERS, granted=405)),
    "api:match-run-detail": ("api", only(*CASEWORKERS, "dpo", "analyst")),
    # Reports: managers see exact figures; the analyst the same pages through disclosure control; the DfE return
    # (which lists records lacking a field) is the managers'; the DPO approves extracts, the analyst uses them.
    "web:reports:dashboard": ("page", only("manager", "analyst")),
    "web:reports:dashboard-download": ("page", only("manager", "analyst")),
    "web:reports:equalities": ("page", only("manager", "analyst", "dpo")),
    "web:reports:equalities-download": ("page", only("manager", "analyst", "dpo")),
    "web:reports:dfe-return": ("page", only("manager")),
    "web:reports:dfe-return-csv": ("page", only("manager", granted=302)),  # no census date given: back to the form
    "web:reports:extracts": ("page", only("analyst", "dpo")),
    "web:reports:extract-create": ("page", only("dpo")),
    "web:reports:extract-file": ("page", only("analyst", "dpo")),
    # Rights requests and complaints: the DPO's alone; the "tell us something is wrong" form is public.
    "web:rights:list": ("page", only("dpo")),
    "web:rights:create": ("page", only("dpo")),
    "web:rights:restrictions": ("page", only("dpo")),
    "web:rights:restriction-lift": ("page", only("dpo")),
    "web:rights:detail": ("page", only("dpo")),
    "web:rights:subject-add": ("page", only("dpo")),
    "web:rights:identity": ("page", only("dpo")),
    "web:rights:pause": ("page", only("dpo")),
    "web:rights:resume": ("page", only("dpo")),
    "web:rights:extend": ("page", only("dpo")),
    "web:rights:close": ("page", only("dpo")),
    "web:rights:acknowledge": ("page", only("dpo")),
    "web:rights:ico": ("page", only("dpo")),
    "web:rights:rectify-child": ("page", only("dpo")),
    "web:rights:rectify-carer": ("page", only("dpo")),
    "web:rights:restrict": ("page", only("dpo")),
    "web:rights:erasure": ("page", only("dpo")),
    "web:rights:objection": ("page", only("dpo")),
    # Partner agencies in cme (issue 18 point 3): a partner agency user opens their organisation's inbox, and the
    # enquiry and referral sent to it (the matrix partner's); nobody else does (403 before any record is opened).
    # Caseworkers see what waits on partners; marking a partner's answer as read is POST only, on the case.
    "web:partners:inbox": ("page", only("partner_user")),
    "web:partners:enquiry": ("page", only("partner_user")),
    "web:partners:referral": ("page", only("partner_user")),
    "web:partners:waiting": ("page", only(*CASEWORKERS)),
    "web:partners:answer-read": ("page", only(*CASEWORKERS, granted=405, refused=404, outsider=404)),
    "web:something-wrong": ("public", everyone()),
    "web:something-wrong-sent": ("public", everyone()),
    # Moving a case to another council (cme.transfers): the case's officers make and download transfers; every
    # caseworker takes in what arrives (the matrix's waiting package cannot be opened without keys: the child page
    # says so and sends them back to the list); the system administrator keeps the register of councils.
    "web:transfers:make": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:transfers:sent": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:transfers:package": ("page", only(*CASEWORKERS, refused=404, outsider=404)),
    "web:transfers:received": ("page", only(*CASEWORKERS)),
    "web:transfers:import": ("page", only(*CASEWORKERS)),
    "web:transfers:received-detail": ("page", only(*CASEWORKERS)),
    "web:transfers:child": ("page", only(*CASEWORKERS, granted=302)),
    "web:transfers:receipt": ("page", only(*CASEWORKERS)),
    "web:transfers:councils": ("page", only("sysadmin")),
    "web:transfers:council-add": ("page", only("sysadmin")),
    # The front door (issue 18): the public's and professionals' reports need no sign-in; the check page sends a
    # visitor who has answered nothing to the first question. Officers decide what each report is about.
    "web:frontdoor:start": ("public", everyone()),
    "web:frontdoor:step": ("public", everyone()),
    "web:frontdoor:check": ("public-step", everyone(302)),
    "web:frontdoor:sent": ("public", everyone()),
    "web:frontdoor-staff:list": ("page", only(*CASEWORKERS)),
    "web:frontdoor-staff:decide": ("page", only(*CASEWORKERS, refused=404)),
    "web:frontdoor-staff:nfa": ("page", only(*CASEWORKERS, refused=404)),
}


def all_url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL pattern in the project, with its namespace (e.g. `web:manage:user-list`)."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name, so it cannot be in the matrix"
            names.add(f"{namespace}{pattern.name}")
    return names


@dataclass
class World:
    """One of everything a URL can name: a school, a user to manage, and a case with its records."""

    school: object
    subject: object
    team: object
    case: object
    enquiry: object
    note: object
    document: object
    referral: object
    carer: object
    roll_return: object
    candidate: object
    run: object
    source_import: object
    grant: object
    extract: object
    batch: object  # a disposal batch waiting for approval, with one item
    disposed_batch: object  # a disposed batch, which has a certificate
    hold: object
    enrolment: object = None
    rights: dict | None = None  # a request of each kind naming the matrix child (and carer), and a restriction
    sign_off: object = None
    pack: object = None  # a draft subject access pack about the matrix child, with a redaction
    notice_version: object = None  # a published version of the privacy notice

    letter: object = None
    attendance_order: object = None
    transfers: dict | None = None  # a transfer made from the matrix case, one received and one waiting
    partner_enquiry: object = None  # an enquiry sent to the matrix partner user's organisation
    partner_referral: object = None  # an escalation sent to the same organisation (children's social care)
    webhook: object = None  # a webhook endpoint (no personal data)


@pytest.fixture
def world(
    school_factory,
    user_factory,
    team_factory,
    case_factory,
    enquiry_factory,
    note_factory,
    referral_factory,
    roll_return_factory,
    school_user,
    partner_user,
    match_candidate_factory,
    source_import_factory,
    settings,
    tmp_path,
) -> World:
    settings.CME_DOCUMENT_ROOT = tmp_path
    team = team_factory(name="Matrix team")
    case = case_factory(officer=user_factory(role=Role.CME_OFFICER, team=team), team=team)
    document = document_upload(
        case=case,
        actor=case.officer,
        kind=DocumentKind.LETTER,
        title="Letter",
        uploaded_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return World(
        school=school_factory(),
        subject=user_factory(),
        team=team,
        case=case,
        enquiry=enquiry_factory(case=case),
        note=note_factory(case=case),
        document=document,
        referral=referral_factory(child=case.child),
        carer=CarerRelationshipFactory(child=case.child).carer,  # a carer of a child in the officer's caseload
        roll_return=roll_return_factory(school=school_user.school, timetable_started=True),
        candidate=(candidate := match_candidate_factory()),
        run=candidate.first_run,
        source_import=source_import_factory(),
        grant=RoleGrant.objects.create(
            user=user_factory(role=Role.ANALYST),
            role=Role.CME_MANAGER,
            requested_by=user_factory(role=Role.SYSADMIN),
        ),
        extract=_extract(user_factory, tmp_path),
        **_retention_world(case),
        enrolment=EnrolmentFactory(child=case.child),
        rights=_rights_world(case),
        sign_off=SignOffRequest.objects.create(
            case=case, outcome="died", rationale="Matrix request", requested_by=case.officer
        ),
        **_letters_world(case, enquiry_factory),
        webhook=WebhookEndpoint.objects.create(
            name="Matrix system", url="https://systems.example.org/cme", events=["case.opened"], secret="whsec_x"
        ),
        **_privacy_world(case),
        transfers=_transfers_world(case),
        **_partners_world(case, partner_user),
    )


def _transfers_world(case) -> dict:
    from cme.transfers.models import Council, IncomingTransfer, OutgoingTransfer

    council = Council.objects.create(
        name="Matrix Council", code="999", signing_key="x", encryption_key="x",
        signing_key_fingerprint="0" * 64, encryption_key_fingerprint="0" * 64,
    )  # fmt: skip
    sent = OutgoingTransfer.objects.create(
        case=case, council=council, package_id="sent", package_sha256="0" * 64, package=b"{}",
        rationale="Matrix transfer", made_by=case.officer,
    )  # fmt: skip
    received = IncomingTransfer.objects.create(
        package_id="received", package_sha256="0" * 64, council=council, state="received", receipt=b"{}",
        imported_by=case.officer,
    )  # fmt: skip
    waiting = IncomingTransfer.objects.create(
        package_id="waiting", package_sha256="0" * 64, council=council, package=b"{}", imported_by=case.officer
    )
    return {"sent": sent, "received": received, "waiting": waiting}


def _transfer_id(name: str, world: World) -> int | None:
    if world.transfers is None:
        return None
    if name in ("web:transfers:sent", "web:transfers:package"):
        return world.transfers["sent"].pk
    return world.transfers["waiting" if name == "web:transfers:child" else "received"].pk


def _partners_world(case, partner_user) -> dict:
    """An enquiry and a referral sent to the matrix partner user's organisation (children's social care)."""
    from cme.cases.enums import DecisionKind, EnquiryAgency
    from cme.cases.services import case_escalate, enquiry_request

    enquiry = enquiry_request(
        case=case,
        actor=case.officer,
        agency=EnquiryAgency.CHILDRENS_SOCIAL_CARE,
        requested_on=datetime.date.today(),
        organisation=partner_user.organisation,
    )
    decision = case_escalate(
        case=case,
        actor=case.officer,
        kind=DecisionKind.ESCALATE_SOCIAL_CARE,
        recipient="",
        rationale="Matrix referral",
        organisation=partner_user.organisation,
    )
    return {"partner_enquiry": enquiry, "partner_referral": decision.partner_referral}


def _letters_world(case, enquiry_factory) -> dict:
    """A letter produced on the matrix case (an enquiry to an agency) and a school attendance order process on it."""
    from cme.cases.enums import LetterKind
    from cme.cases.services import attendance_order_start, letter_generate

    letter = letter_generate(
        case=case, actor=case.officer, kind=LetterKind.AGENCY_ENQUIRY, enquiry=enquiry_factory(case=case)
    )
    order = attendance_order_start(case=case, actor=case.officer, rationale="Matrix process")
    return {"letter": letter, "attendance_order": order}


def _extract(user_factory, tmp_path):
    from cme.reports.models import StudyExtract

    dpo = user_factory(role=Role.DPO)
    (tmp_path / "extract").mkdir()
    (tmp_path / "extract" / "children.csv").write_text("child_pseudonym\n")
    return StudyExtract.objects.create(
        study="Matrix study",
        recipient="Research team",
        purpose="Testing",
        approved_by=dpo,
        created_by=dpo,
        directory=str(tmp_path / "extract"),
        files={"children.csv": "0" * 64},
        key_id="00000000",
    )


def _retention_world(case) -> dict:
    from cme.privacy.models import BatchState, DisposalBatch, DisposalItem, LegalHold
    from cme.privacy.retention import legal_hold_place

    batch = DisposalBatch.objects.create(as_of="2026-12-01", counts={"child_record": 1})
    DisposalItem.objects.create(batch=batch, rule="child_record", record_type="people.child", record_id=999999)
    disposed = DisposalBatch.objects.create(as_of="2026-11-01", state=BatchState.DISPOSED, approved_by=case.officer)
    hold = legal_hold_place(actor=case.officer, subject=case, reason="Matrix hold")
    assert isinstance(hold, LegalHold)
    return {"batch": batch, "disposed_batch": disposed, "hold": hold}


def _rights_world(case) -> dict:
    from datetime import date

    from cme.privacy.restriction import restriction_place
    from cme.rights.enums import RequestKind
    from cme.rights.services import request_record, request_subject_add
    from tests.factories.accounts import UserFactory
    from tests.factories.people import ChildFactory

    dpo = UserFactory(role=Role.DPO, username="matrix-dpo")
    carer = CarerRelationshipFactory(child=case.child).carer
    requests = {}
    for kind in (RequestKind.RECTIFICATION, RequestKind.ERASURE, RequestKind.OBJECTION):
        request = request_record(
            actor=dpo, kind=kind, requester_name="Matrix parent", details="Matrix", received_on=date(2026, 11, 2)
        )
        request_subject_add(actor=dpo, request=request, kind="child", number=case.child_id)
        request_subject_add(actor=dpo, request=request, kind="carer", number=carer.pk)
        requests[kind] = request
    restriction = restriction_place(actor=dpo, child=ChildFactory(), reason="Matrix restriction")
    return {"requests": requests, "restriction": restriction, "carer": carer}


def _rights_request_id(name: str, world: World) -> int | None:
    if world.rights is None:
        return None
    kind = "erasure" if name.endswith("erasure") else "objection" if name.endswith("objection") else "rectification"
    return world.rights["requests"][kind].pk


def _privacy_world(case) -> dict:
    from cme.privacy.models import Redaction
    from cme.privacy.sar.services import pack_create
    from cme.privacy.versions import notice_version_publish

    pack = pack_create(child=case.child, requester_name="Matrix requester", actor=case.officer)
    Redaction.objects.create(pack=pack, item=f"people.Child:{case.child_id}", reason="reviewer", origin="reviewer")
    version = notice_version_publish(
        actor=case.officer, review_due_on=datetime.date.today() + datetime.timedelta(days=300)
    )
    return {"pack": pack, "notice_version": version}


def url_for(name: str, world: World) -> str:
    """The URL for `name`, filling each of its parameters from `world`."""
    values = {
        "urn": world.school.urn,
        "user_id": world.subject.pk,
        "case_id": world.case.pk,
        "enquiry_id": world.enquiry.pk,
        "partner_enquiry_id": world.partner_enquiry.pk if world.partner_enquiry else None,
        "partner_referral_id": world.partner_referral.pk if world.partner_referral else None,
        "note_id": world.note.pk,
        "document_id": world.document.pk,
        "referral_id": world.referral.pk,
        "child_id": world.case.child_id,
        "carer_id": world.rights["carer"].pk if name.startswith("web:rights:") else world.carer.pk,
        "enrolment_id": world.enrolment.pk,
        "return_id": world.roll_return.pk,
        "timetable_id": world.roll_return.timetable_id,
        "candidate_id": world.candidate.pk,
        "run_id": world.run.pk,
        "source_id": world.source_import.source_id,
        "import_id": world.source_import.pk,
        "grant_id": world.grant.pk,
        "file_format": "csv",
        "extract_id": world.extract.pk,
        "file_name": "children.csv",
        "batch_id": world.disposed_batch.pk if "certificate" in name else world.batch.pk,
        "item_id": world.batch.items.get().pk,
        "hold_id": world.hold.pk,
        "request_id": _rights_request_id(name, world),
        "restriction_id": world.rights["restriction"].pk if world.rights else None,
        "sign_off_id": world.sign_off.pk,
        "letter_id": world.letter.pk,
        "order_id": world.attendance_order.pk,
        "letter_kind": "find_child",
        "pack_id": world.pack.pk,
        "redaction_id": world.pack.redactions.first().pk,
        "number": world.notice_version.number,
        "transfer_id": _transfer_id(name, world),
        "incoming_id": _transfer_id(name, world),
        "endpoint_id": world.webhook.pk,
        # `kind` names a kind of return on the returns pages and a kind of extract on the matching pages.
        "kind": "council_tax"
        if name.startswith("web:matching:")
        else "draft"
        if "sar" in name
        else "public"
        if name.startswith("web:frontdoor:")
        else "deletion",
        "step": "child-name",
        "report_id": _front_door_report_id() if name.startswith("web:frontdoor-staff:") else None,
    }
    parameters = _parameters(name)[0]  # a name used twice (the front door's public and professional pages) alike
    return reverse(name, kwargs={key: values[key] for key in parameters})


def _front_door_report_id() -> int:
    """A report from the public, waiting for an officer (made once, through the front door's service)."""
    from cme.frontdoor.models import FrontDoorReport
    from cme.frontdoor.services import report_submit

    report = FrontDoorReport.objects.first() or report_submit(
        kind="public", answers={"child_address": "Hill Road", "concerns": "Not at school", "is_anonymous": True}
    )
    return report.pk


def _parameters(name: str) -> list[list[str]]:
    """The parameter names of the URL pattern `name` (namespaced), found by walking the resolver."""
    found = []

    def walk(resolver, prefix: str, converters: list[str]):
        for pattern in resolver.url_patterns:
            names = converters + list(pattern.pattern.converters)
            if isinstance(pattern, URLResolver):
                walk(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix, names)
            elif f"{prefix}{pattern.name}" == name:
                found.append(names)

    walk(get_resolver(), "", [])
    return found


def test_every_url_pattern_has_an_entry_in_the_matrix():
    names = all_url_names()
    assert names - MATRIX.keys() == set(), "new URLs need a row in MATRIX: who may open them?"
    assert MATRIX.keys() - names == set(), "MATRIX names URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(client, name, world):
    kind, _ = MATRIX[name]
    url = url_for(name, world)
    response = client.get(url)
    if kind == "public":
        assert response.status_code == 200
    elif kind == "public-step":
        assert response.status_code == 302
        assert response["Location"].startswith("/report/")
    elif kind == "sso":
        assert response.status_code == 404
    elif kind == "page":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:sign-in"))
    else:
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")


@pytest.fixture
def outsider(db, user_factory, team_factory):
    """A CME officer of another team, who has stated no purpose for anything."""
    return user_factory(role=Role.CME_OFFICER, team=team_factory(name="Another team"), username="test-outsider")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_pages_its_purpose_needs(request, sign_in, role, world):
    user = request.getfixturevalue(role)
    if role == "officer":
        user.team = world.team  # an officer of the case's team; other teams' officers see nothing (test_policies)
        user.save()
    client = sign_in(user)
    api_client = _api_client_for(user)
    observed, expected = {}, {}
    for name, (kind, statuses) in MATRIX.items():
        url = url_for(name, world)
        response = api_client.get(url) if kind == "api" else client.get(url)
        observed[name], expected[name] = response.status_code, statuses[role]
    assert observed == expected


def _api_client_for(user):
    from rest_framework.test import APIClient

    from cme.accounts.services import api_token_create

    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(actor=None, username=user.username)}")
    return api_client
