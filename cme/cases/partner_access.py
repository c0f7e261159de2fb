"""Checked reads for partner agency users: the one door to an enquiry or a referral sent to their organisation.

A partner opens only what was sent to their own organisation. Anything else (another organisation's enquiry, an
enquiry recorded by hand, an id that names nothing) is refused as "not found", and the refusal audited, so that a
partner cannot learn that a record exists. Every read is audited with the child it is about.
"""

from cme.accounts.models import User
from cme.audit.services import audit_record_read
from cme.common.access import refuse_not_found

from .models import Enquiry, PartnerReferral
from .partner_selectors import partner_enquiries_for_user, partner_referrals_for_user
from .services.partners import enquiry_first_opened, partner_referral_first_opened


def access_partner_enquiry(*, user: User, enquiry_id: int) -> Enquiry:
    """The enquiry if it was sent to `user`'s organisation; otherwise RecordNotFound. Audited either way."""
    enquiry = partner_enquiries_for_user(user=user).filter(pk=enquiry_id).first()
    if enquiry is None:
        raise refuse_not_found(user=user, target_type="cases.enquiry", target_id=enquiry_id, door="partner")
    audit_record_read(
        actor=user,
        target=enquiry,
        subject_child_id=_child_id(enquiry),
        fields=sorted(enquiry.shared),
    )
    enquiry_first_opened(enquiry=enquiry)
    return enquiry


def access_partner_referral(*, user: User, referral_id: int) -> PartnerReferral:
    """The referral if it was sent to `user`'s organisation; otherwise RecordNotFound. Audited either way."""
    referral = partner_referrals_for_user(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise refuse_not_found(user=user, target_type="cases.partnerreferral", target_id=referral_id, door="partner")
    audit_record_read(actor=user, target=referral, subject_child_id=_child_id(referral), fields=sorted(referral.shared))
    partner_referral_first_opened(referral=referral)
    return referral


def _child_id(row) -> int:
    """The child the row is about, without loading the case into the row the partner's page holds."""
    from .models import Case

    return Case.objects.filter(pk=row.case_id).values_list("child_id", flat=True).get()
