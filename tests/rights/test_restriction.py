"""Restriction of processing (UK GDPR Art. 18): while a child's records are restricted, every write path about the
child, their carers and their cases is refused, and each refusal is audited; lifting it lets them through again."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import DocumentKind, EnquiryAgency, Outcome
from cme.cases.services import case_close, case_reallocate, document_upload, note_add
from cme.cases.services.cases import case_status_change
from cme.cases.services.enquiries import enquiry_record_response, enquiry_request
from cme.cases.services.notes import note_correct
from cme.people.services import address_record, carer_link, carer_update, child_update, contact_add
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.restriction import RestrictedError, restriction_lift, restriction_place
from cme.privacy.services import disclosure_record
from tests.factories.people import CarerFactory, CarerRelationshipFactory


@pytest.fixture
def restricted(case_factory, enquiry_factory, note_factory, dpo, user_factory, team_factory):
    team = team_factory(name="Restricted team")
    case = case_factory(officer=user_factory(role=Role.CME_OFFICER, team=team), team=team)
    carer = CarerRelationshipFactory(child=case.child).carer
    restriction = restriction_place(actor=dpo, child=case.child, reason="Accuracy contested by the mother")
    return {
        "case": case,
        "child": case.child,
        "carer": carer,
        "enquiry": enquiry_factory(case=case),
        "note": note_factory(case=case),
        "officer": case.officer,
        "other_officer": user_factory(role=Role.CME_OFFICER, team=team),
        "restriction": restriction,
    }


def write_paths(w):
    """Every service that changes or shares something about the child: (what, call)."""
    officer, case, child = w["officer"], w["case"], w["child"]
    return {
        "child_update": lambda: child_update(
            actor=officer, child=child, expected_version=child.version, reason="New name", given_name="Changed"
        ),
        "carer_update": lambda: carer_update(
            actor=officer, carer=w["carer"], expected_version=w["carer"].version, reason="Fix", given_name="Changed"
        ),
        "carer_link": lambda: carer_link(actor=officer, carer=CarerFactory(), child=child, kind="mother"),
        "contact_add": lambda: contact_add(actor=officer, person=child, kind="phone", value="07700 900123"),
        "address_record": lambda: address_record(
            actor=officer,
            person=w["carer"],
            line1="1 High Street",
            town="Townley",
            postcode="SW1A 1AA",
            valid_from=date(2026, 11, 1),
        ),
        "note_add": lambda: note_add(case=case, actor=officer, text="Visited"),
        "note_correct": lambda: note_correct(note=w["note"], actor=officer, text="Visited twice", reason="Typo"),
        "enquiry_request": lambda: enquiry_request(
            case=case, actor=officer, agency=EnquiryAgency.HOUSING, requested_on=date(2026, 11, 20)
        ),
        "enquiry_record_response": lambda: enquiry_record_response(
            enquiry=w["enquiry"],
            actor=officer,
            responded_on=date(2026, 11, 21),
            result="no_trace",
            expected_version=w["enquiry"].version,
        ),
        "document_upload": lambda: document_upload(
            case=case,
            actor=officer,
            kind=DocumentKind.LETTER,
            title="Letter",
            uploaded_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
        ),
        "disclosure_record": lambda: disclosure_record(
            actor=officer,
            direction=Direction.SHARED_OUT,
            organisation="Children's social care",
            data_categories=[DataCategory.IDENTITY],
            purpose=Purpose.SAFEGUARDING,
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            subject=child,
        ),
        "case_reallocate": lambda: case_reallocate(
            case=case, actor=officer, officer=w["other_officer"], rationale="Leave", expected_version=case.version
        ),
        "case_status_change": lambda: case_status_change(
            case=case, actor=officer, status="enquiries", rationale="Checks", expected_version=case.version
        ),
        "case_close": lambda: case_close(
            case=case, actor=officer, outcome=Outcome.ON_ROLL_THIS_LA, rationale="Found", expected_version=case.version
        ),
    }


@pytest.mark.django_db
def test_every_write_path_about_a_restricted_child_is_refused_and_audited(restricted, settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path
    refused = []
    for what, call in write_paths(restricted).items():
        before = AuditEntry.objects.count()
        with pytest.raises(RestrictedError):
            call()
        entries = list(AuditEntry.objects.order_by("sequence")[before:])
        assert [e.event for e in entries] == [AuditEvent.RESTRICTION_REFUSED], what
        assert entries[0].subject_child_id == restricted["child"].pk
        assert f'"action":"{what}"' in entries[0].payload.replace(" ", ""), what
        refused.append(what)
    assert len(refused) == len(write_paths(restricted))
    restricted["child"].refresh_from_db()
    assert restricted["child"].given_name != "Changed"


@pytest.mark.django_db
def test_once_lifted_the_same_changes_go_through(restricted, dpo):
    restriction_lift(actor=dpo, restriction=restricted["restriction"], reason="Checked: the record was right")
    child = restricted["child"]
    child_update(
        actor=restricted["officer"], child=child, expected_version=child.version, reason="New", given_name="Changed"
    )
    note_add(case=restricted["case"], actor=restricted["officer"], text="Visited")
    child.refresh_from_db()
    assert child.given_name == "Changed"
    assert AuditEntry.objects.filter(event=AuditEvent.RESTRICTION_LIFTED).count() == 1


@pytest.mark.django_db
def test_another_childs_records_are_not_affected(restricted, case_factory):
    other = case_factory()
    note_add(case=other, actor=other.officer, text="Visited")  # no error


@pytest.mark.django_db
def test_every_guarded_service_says_so():
    """A guard forgotten on one of these would let a change through: the decorator marks each one."""
    from cme.cases.services import cases, documents, enquiries, notes
    from cme.people import merging
    from cme.people import services as people

    guarded = [
        people.child_update,
        people.carer_update,
        people.carer_link,
        people.carer_link_change,
        people.person_name_add,
        people.contact_add,
        people.address_record,
        people.enrolment_correct,
        people.child_former_upn_add,
        merging.child_merge,
        merging.child_merge_undo,
        cases.case_status_change,
        cases.case_set_risk,
        cases.case_reallocate,
        cases.case_escalate,
        cases.case_start_sao,
        cases.case_close,
        cases.case_reopen,
        cases.case_details_correct,
        notes.note_add,
        notes.note_correct,
        enquiries.enquiry_request,
        enquiries.enquiry_record_response,
        documents.document_upload,
    ]
    assert all(getattr(service, "restriction_guarded", None) for service in guarded)
