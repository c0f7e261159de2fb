"""A child with everything a child can have in cme, for the retention tests (and the kill test's subprocess)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record, audit_record_read
from cme.cases.enums import CaseStatus, CmeReason, DocumentKind, Outcome, ReferralSource
from cme.cases.models import Case, Enquiry, Note, Referral
from cme.cases.services import document_upload
from cme.people.models import Address, Carer, CarerRelationship, ContactPoint, FormerUpn, PersonName, Residence
from cme.people.names import search_keys_fill
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.models import AccessPurpose
from cme.privacy.services import disclosure_record

OLD_BIRTH = datetime.date(1999, 5, 1)  # 25 on 1 May 2024


def officer() -> User:
    user = User.objects.filter(username="retention-officer").first()
    return user or User.objects.create_user(username="retention-officer", password="x", role=Role.CME_OFFICER)


def child_with_casework(n: int, *, date_of_birth=OLD_BIRTH, status=CaseStatus.CLOSED, shared_carer=None):
    """A child with a closed case, notes, an enquiry, a document, a referral, a carer, addresses and audit entries."""
    from cme.people.models import Child
    from cme.schools.models import Enrolment, School

    actor = officer()
    child = search_keys_fill(
        Child(given_name=f"Zephyrine{n}", family_name="Quillfeather", date_of_birth=date_of_birth, upn="")
    )
    child.save()
    FormerUpn.objects.create(child=child, upn="B801200005001")
    search_keys_fill(PersonName(child=child, kind="former", family_name=f"Oldquill{n}")).save()
    ContactPoint.objects.create(child=child, kind="phone", label="mobile", value="+447700900123")
    carer = shared_carer or search_keys_fill(Carer(given_name=f"Marisol{n}", family_name="Quillfeather"))
    if shared_carer is None:
        carer.save()
        ContactPoint.objects.create(carer=carer, kind="email", label="home", value=f"carer{n}@example.org")
    CarerRelationship.objects.create(carer=carer, child=child, kind="mother")
    address = Address.objects.create(line1=f"{n} Fennick Road", town="Wyndley", postcode="ZY1 2AB")
    Residence.objects.create(address=address, child=child, valid_from=datetime.date(2010, 1, 1))
    Residence.objects.create(address=address, carer=carer, valid_from=datetime.date(2010, 1, 1))
    school = School.objects.first()
    if school is not None:
        Enrolment.objects.create(child=child, school=school, start_date=datetime.date(2010, 9, 1))
    case = Case.objects.create(
        child=child,
        status=status,
        officer=actor,
        primary_reason=CmeReason.WHEREABOUTS_UNKNOWN,
        became_cme_on=datetime.date(2012, 1, 1),
        opened_by=actor,
        opened_on=datetime.date(2012, 1, 2),
        **(
            {"closed_on": datetime.date(2013, 1, 1), "outcome": Outcome.values[0]}
            if status == CaseStatus.CLOSED
            else {}
        ),
    )
    Referral.objects.create(
        child=child,
        source=ReferralSource.SCHOOL,
        received_on=datetime.date(2012, 1, 1),
        concerns="Not seen since half-term",
        recorded_by=actor,
        case=case,
    )
    Enquiry.objects.create(case=case, agency="housing", requested_on=datetime.date(2012, 1, 3), recorded_by=actor)
    first = Note.objects.create(case=case, author=actor, text="Home visit: no answer.")
    Note.objects.create(case=case, author=actor, text="Home visit: family moved.", corrects=first)
    document_upload(
        case=case,
        actor=actor,
        kind=DocumentKind.LETTER,
        title="Letter",
        uploaded_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    disclosure_record(
        actor=actor,
        direction=Direction.SHARED_OUT,
        organisation="Children's social care",
        data_categories=[DataCategory.IDENTITY],
        purpose=Purpose.SAFEGUARDING,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        subject=child,
    )
    AccessPurpose.objects.create(
        user=actor,
        subject_type_id=_child_type(),
        subject_id=child.pk,
        purpose=Purpose.LOCATE,
        reason="Covering for a colleague",
        session_key="s",
    )
    audit_record_read(actor=actor, target=child, fields=["given_name", "family_name"], purpose="locate")
    audit_record(actor=actor, event=AuditEvent.CARER_CHANGED, target=carer, fields=["given_name"])
    audit_record(actor=actor, event=AuditEvent.NOTE_ADDED, target=first, fields=["text"])  # names no child
    return child


def _child_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_by_natural_key("people", "child").pk
