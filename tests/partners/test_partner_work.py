"""Partner agencies working in cme (issue 18 point 3): enquiries and referrals reach the organisation's inbox with
only what was shared; the answer comes back onto the case with who and when; other organisations see nothing."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cme.accounts.enums import OrganisationKind, Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import DecisionKind, EnquiryAgency, EnquiryResult
from cme.cases.models import Enquiry, EnquiryChase, PartnerReferral
from cme.cases.services import case_escalate, enquiry_request
from cme.cases.services.partners import enquiry_chasers_send
from cme.common.errors import ApplicationError
from cme.people.models import Address, Residence
from cme.privacy.models import Disclosure
from cme.tasks.registry import task_list_for
from tests.factories.people import CarerRelationshipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


@pytest.fixture
def social_care(organisation_factory):
    return organisation_factory(name="Borough Children's Social Care", kind=OrganisationKind.CHILDRENS_SOCIAL_CARE)


@pytest.fixture
def police(organisation_factory):
    return organisation_factory(name="Borough Police", kind=OrganisationKind.POLICE, email="")


@pytest.fixture
def social_worker(user_factory, social_care):
    return user_factory(role=Role.PARTNER_USER, organisation=social_care, username="social-worker")


@pytest.fixture
def police_officer(user_factory, police):
    return user_factory(role=Role.PARTNER_USER, organisation=police, username="police-officer")


@pytest.fixture
def case(case_factory, user_factory, team_factory):
    team = team_factory(name="Partners team")
    case = case_factory(officer=user_factory(role=Role.CME_OFFICER, team=team), team=team)
    address = Address.objects.create(line1="1 Secret Street", town="Wyndley", postcode="WY1 1AA")
    Residence.objects.create(address=address, child=case.child)
    CarerRelationshipFactory(child=case.child)
    return case


def _send(case, organisation, **kwargs):
    return enquiry_request(
        case=case,
        actor=case.officer,
        agency=EnquiryAgency.CHILDRENS_SOCIAL_CARE,
        requested_on=kwargs.pop("requested_on", timezone.localdate()),
        organisation=organisation,
        **kwargs,
    )


def test_an_enquiry_shares_only_the_name_and_date_of_birth_unless_the_officer_chooses_more(case, social_worker):
    enquiry = _send(case, social_worker.organisation)
    assert set(enquiry.shared) == {"name", "date_of_birth"}
    assert enquiry.shared["date_of_birth"] == case.child.date_of_birth.isoformat()
    assert enquiry.reply_within_days == 10
    assert enquiry.response_due_on == enquiry.requested_on + datetime.timedelta(days=10)
    more = _send(case, social_worker.organisation, shared=["address", "carers"], reply_within_days=5)
    assert set(more.shared) == {"address", "carers"}
    assert "1 Secret Street" in more.shared["address"]
    assert len(more.shared["carers"]) == 1


def test_sending_an_enquiry_records_a_disclosure_naming_the_organisation_and_what_was_shared(case, social_worker):
    enquiry = _send(case, social_worker.organisation, shared=["name", "address"])
    disclosure = Disclosure.objects.get(cause_type__model="enquiry", cause_id=enquiry.pk)
    assert disclosure.organisation == "Borough Children's Social Care"
    assert set(disclosure.data_categories) == {"identity", "contact"}


def test_nothing_shared_or_a_silly_reply_period_is_refused_and_nothing_is_written(case, social_worker):
    with pytest.raises(ApplicationError, match="at least one detail"):
        _send(case, social_worker.organisation, shared=[])
    with pytest.raises(ApplicationError, match="from 1 to 90"):
        _send(case, social_worker.organisation, reply_within_days=0)
    assert not Enquiry.objects.exists()


def test_the_partner_sees_the_enquiry_in_the_inbox_and_only_the_shared_details(case, social_worker, sign_in):
    enquiry = _send(case, social_worker.organisation)
    client = sign_in(social_worker)
    inbox = client.get(reverse("web:partners:inbox"))
    assert inbox.status_code == 200
    assert enquiry.reference in inbox.content.decode()
    page = client.get(reverse("web:partners:enquiry", args=[enquiry.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert case.child.family_name in html
    assert "Secret Street" not in html  # the address was not shared
    assert case.reference not in html  # nor the case
    read = AuditEntry.objects.filter(event=AuditEvent.ENQUIRY_VIEWED, actor_id=social_worker.pk).get()
    assert read.target_id == str(enquiry.pk) and read.subject_child_id == case.child_id
    enquiry.refresh_from_db()
    assert enquiry.first_opened_at is not None


def test_the_partner_answers_and_the_answer_is_the_enquirys_result_with_who_and_when(case, social_worker, sign_in):
    enquiry = _send(case, social_worker.organisation)
    client = sign_in(social_worker)
    url = reverse("web:partners:enquiry", args=[enquiry.pk])
    refused = client.post(url, {"result": "child_located", "findings": "", "version": enquiry.version})
    assert refused.status_code == 200 and "Enter what your organisation knows" in refused.content.decode()
    answered = client.post(url, {"result": "child_located", "findings": "Living with aunt", "version": 1})
    assert answered.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.result == EnquiryResult.CHILD_LOCATED
    assert enquiry.findings == "Living with aunt"
    assert enquiry.answered_by == social_worker and enquiry.answered_at is not None
    assert enquiry.responded_on == timezone.localdate()
    assert AuditEntry.objects.filter(event=AuditEvent.ENQUIRY_ANSWERED, actor_id=social_worker.pk).count() == 1
    # The officer is told: a task until they read it.
    tasks = [t for t in task_list_for(user=case.officer, today=timezone.localdate()) if t.kind == "partner_answer"]
    assert len(tasks) == 1 and "Borough Children's Social Care" in tasks[0].label
    # Answering again is refused.
    again = client.post(url, {"result": "no_trace", "findings": "", "version": enquiry.version})
    assert again.status_code == 200 and "already been answered" in again.content.decode()
    assert Enquiry.objects.get(pk=enquiry.pk).result == EnquiryResult.CHILD_LOCATED


def test_the_officer_sees_the_answer_on_the_case_and_marks_it_read(case, social_worker, sign_in):
    enquiry = _send(case, social_worker.organisation)
    sign_in(social_worker).post(
        reverse("web:partners:enquiry", args=[enquiry.pk]), {"result": "no_trace", "findings": "", "version": 1}
    )
    client = sign_in(case.officer)
    html = client.get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert "Answered: not yet read" in html and "Answered in cme by" in html
    client.post(reverse("web:partners:answer-read", args=[case.pk, enquiry.pk]))
    enquiry.refresh_from_db()
    assert enquiry.answer_read_at is not None
    assert not [t for t in task_list_for(user=case.officer, today=timezone.localdate()) if t.kind == "partner_answer"]


def test_another_organisations_partner_gets_not_found_and_the_refusal_is_audited(
    case, social_worker, police_officer, sign_in
):
    enquiry = _send(case, social_worker.organisation)
    client = sign_in(police_officer)
    assert client.get(reverse("web:partners:enquiry", args=[enquiry.pk])).status_code == 404
    posted = client.post(
        reverse("web:partners:enquiry", args=[enquiry.pk]), {"result": "no_trace", "findings": "", "version": 1}
    )
    assert posted.status_code == 404
    refusals = AuditEntry.objects.filter(event=AuditEvent.ACCESS_REFUSED, actor_id=police_officer.pk)
    assert refusals.count() == 2 and {r.target_type for r in refusals} == {"cases.enquiry"}
    assert enquiry.reference not in client.get(reverse("web:partners:inbox")).content.decode()
    assert Enquiry.objects.get(pk=enquiry.pk).result == EnquiryResult.AWAITING


def test_an_enquiry_recorded_by_hand_is_in_no_inbox(case, social_worker, enquiry_factory, sign_in):
    by_hand = enquiry_factory(case=case, agency=EnquiryAgency.CHILDRENS_SOCIAL_CARE)
    client = sign_in(social_worker)
    assert client.get(reverse("web:partners:enquiry", args=[by_hand.pk])).status_code == 404


def test_partner_users_reach_nothing_else_of_casework(case, social_worker, sign_in):
    client = sign_in(social_worker)
    for url in (
        reverse("web:cases:detail", args=[case.pk]),
        reverse("web:cases:list"),
        reverse("web:partners:waiting"),
        reverse("web:children:search"),
    ):
        assert client.get(url).status_code in (403, 404), url


def test_the_officer_sees_what_waits_on_which_partner(case, social_worker, police_officer, sign_in):
    _send(case, social_worker.organisation)
    to_police = _send(case, police_officer.organisation)
    client = sign_in(case.officer)
    page = client.get(reverse("web:partners:waiting"))
    html = page.content.decode()
    assert "Borough Children&#x27;s Social Care</a>: 1 waiting" in html and "Borough Police</a>: 1 waiting" in html
    only_police = client.get(reverse("web:partners:waiting"), {"organisation": police_officer.organisation_id})
    assert [row[0].pk for row in only_police.context["rows"]] == [to_police.pk]
    assert AuditEntry.objects.filter(event=AuditEvent.LIST_VIEWED, actor_id=case.officer.pk).exists()


def test_unanswered_enquiries_are_chased_once_per_period_with_a_link_and_no_child_details(
    case, social_worker, police_officer
):
    sent_on = TODAY - datetime.timedelta(days=12)
    enquiry = _send(case, social_worker.organisation, requested_on=sent_on, reply_within_days=5)
    to_police = _send(case, police_officer.organisation, requested_on=sent_on, reply_within_days=20)
    assert enquiry_chasers_send(today=TODAY) == 1  # 12 days in: the second 5-day period has run out
    assert enquiry_chasers_send(today=TODAY) == 0  # not twice for the same period
    (message,) = mail.outbox
    assert message.to == ["team@example.org"]  # the organisation's shared mailbox
    assert reverse("web:partners:enquiry", args=[enquiry.pk]) in message.body
    for detail in (case.child.given_name, case.child.family_name, str(case.child.date_of_birth.year), case.reference):
        assert detail not in message.body and detail not in message.subject
    assert list(EnquiryChase.objects.values_list("enquiry_id", "interval")) == [(enquiry.pk, 2)]
    assert AuditEntry.objects.filter(event=AuditEvent.ENQUIRY_CHASED).count() == 1
    # The next period brings the next chase; the police's (20 days, mailbox empty: its users) comes later.
    assert enquiry_chasers_send(today=TODAY + datetime.timedelta(days=3)) == 1
    assert enquiry_chasers_send(today=sent_on + datetime.timedelta(days=20)) == 2  # social care's 4th, police's 1st
    assert [police_officer.email] in [m.to for m in mail.outbox]
    assert EnquiryChase.objects.filter(enquiry=to_police).count() == 1


def test_an_answered_enquiry_is_not_chased(case, social_worker):
    enquiry = _send(case, social_worker.organisation, requested_on=TODAY - datetime.timedelta(days=30))
    Enquiry.objects.filter(pk=enquiry.pk).update(result=EnquiryResult.NO_TRACE, responded_on=TODAY)
    assert enquiry_chasers_send(today=TODAY) == 0


def test_the_chase_command_runs_the_chasers(case, social_worker, capsys):
    from django.core.management import call_command

    _send(case, social_worker.organisation, requested_on=TODAY - datetime.timedelta(days=11))
    call_command("partners", "chase", "--on", TODAY.isoformat())
    assert "Reminders sent about 1 enquiry" in capsys.readouterr().out


def test_an_escalation_to_social_care_arrives_in_its_inbox_and_is_accepted(case, social_worker, sign_in):
    decision = case_escalate(
        case=case,
        actor=case.officer,
        kind=DecisionKind.ESCALATE_SOCIAL_CARE,
        recipient="",
        rationale="Not seen for six weeks; neighbours worried",
        organisation=social_worker.organisation,
        shared=["name", "date_of_birth", "address"],
    )
    referral = PartnerReferral.objects.get(decision=decision)
    assert decision.details["recipient"] == "Borough Children's Social Care"
    disclosure = Disclosure.objects.get(cause_type__model="partnerreferral", cause_id=referral.pk)
    assert set(disclosure.data_categories) == {"identity", "contact", "casework"}
    client = sign_in(social_worker)
    assert referral.reference in client.get(reverse("web:partners:inbox")).content.decode()
    page = client.get(reverse("web:partners:referral", args=[referral.pk])).content.decode()
    assert "neighbours worried" in page and "Secret Street" in page
    client.post(reverse("web:partners:referral", args=[referral.pk]), {"response": "Allocated to the MASH"})
    referral.refresh_from_db()
    assert referral.accepted_by == social_worker and referral.accepted_at is not None
    assert AuditEntry.objects.filter(event=AuditEvent.PARTNER_REFERRAL_ACCEPTED, actor_id=social_worker.pk).exists()
    officer_page = sign_in(case.officer).get(reverse("web:cases:detail", args=[case.pk])).content.decode()
    assert "accepted by" in officer_page and "Allocated to the MASH" in officer_page


def test_only_social_care_receives_an_escalation_in_cme(case, police_officer):
    with pytest.raises(ApplicationError):
        case_escalate(
            case=case,
            actor=case.officer,
            kind=DecisionKind.ESCALATE_SOCIAL_CARE,
            recipient="",
            rationale="Worried",
            organisation=police_officer.organisation,
        )
    assert not PartnerReferral.objects.exists()


def test_another_organisation_cannot_open_or_accept_a_referral(case, social_worker, police_officer, sign_in):
    decision = case_escalate(
        case=case,
        actor=case.officer,
        kind=DecisionKind.ESCALATE_SOCIAL_CARE,
        recipient="",
        rationale="Worried",
        organisation=social_worker.organisation,
    )
    referral = decision.partner_referral
    client = sign_in(police_officer)
    assert client.get(reverse("web:partners:referral", args=[referral.pk])).status_code == 404
    assert client.post(reverse("web:partners:referral", args=[referral.pk]), {"response": ""}).status_code == 404
    referral.refresh_from_db()
    assert referral.accepted_at is None
    assert AuditEntry.objects.filter(
        event=AuditEvent.ACCESS_REFUSED, actor_id=police_officer.pk, target_type="cases.partnerreferral"
    ).exists()


def test_the_officer_sends_an_enquiry_to_a_partner_from_the_case_page(case, social_worker, sign_in):
    client = sign_in(case.officer)
    url = reverse("web:cases:enquiry-create", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Borough Children&#x27;s Social Care" in form
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "agency": "childrens_social_care",
            "requested_on_0": today.day,
            "requested_on_1": today.month,
            "requested_on_2": today.year,
            "organisation": social_worker.organisation_id,
            "shared": ["name"],
            "reply_within_days": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()
    enquiry = Enquiry.objects.get()
    assert enquiry.organisation == social_worker.organisation and list(enquiry.shared) == ["name"]
    assert enquiry.reply_within_days == 7
