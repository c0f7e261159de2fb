"""Reads for the DPO and for the purpose check: pure queries."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AccessPurpose, Disclosure, SubjectAccessPack


def access_purpose_current(*, user, subject: models.Model, session_key: str) -> AccessPurpose | None:
    """What `user` last said, in this sign-in session, about why they are opening `subject`'s record; or None."""
    if not session_key:
        return None
    return AccessPurpose.objects.filter(
        user=user,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        session_key=session_key,
    ).first()


def access_purpose_stated(*, user, subject: models.Model, session_key: str) -> bool:
    """Whether `user` has already said, in this sign-in session, why they are opening `subject`'s record."""
    return access_purpose_current(user=user, subject=subject, session_key=session_key) is not None


def access_purpose_list(*, user_id: int | None = None, subject_id: int | None = None) -> QuerySet[AccessPurpose]:
    """Stated purposes, newest first, for the DPO's review."""
    statements = AccessPurpose.objects.select_related("user", "subject_type")
    if user_id:
        statements = statements.filter(user_id=user_id)
    if subject_id:
        statements = statements.filter(subject_id=subject_id)
    return statements


def disclosure_list(*, direction: str = "", organisation: str = "", since=None, until=None) -> QuerySet[Disclosure]:
    """The disclosure log, newest first, filtered for the DPO."""
    disclosures = Disclosure.objects.select_related("recorded_by").prefetch_related("subjects__subject_type")
    if direction:
        disclosures = disclosures.filter(direction=direction)
    if organisation:
        disclosures = disclosures.filter(organisation__icontains=organisation)
    if since:
        disclosures = disclosures.filter(occurred_at__date__gte=since)
    if until:
        disclosures = disclosures.filter(occurred_at__date__lte=until)
    return disclosures


def disclosure_list_for_subject(*, subject: models.Model) -> QuerySet[Disclosure]:
    """Every disclosure naming `subject` (a child, a carer, the pupil in a return …), newest first: subject access."""
    return Disclosure.objects.filter(
        subjects__subject_type=ContentType.objects.get_for_model(subject), subjects__subject_id=subject.pk
    ).select_related("recorded_by")


def subject_access_packs_for_request(*, reference: str) -> QuerySet[SubjectAccessPack]:
    """The subject access packs gathered for a rights request (named by its reference), oldest first."""
    return SubjectAccessPack.objects.filter(request_reference=reference).order_by("pk")
