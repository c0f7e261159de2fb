"""Checked reads: the one door a view, endpoint or command uses to open a case. Forbidden looks like missing."""

from django.http import Http404

from cme.accounts.models import User
from cme.audit.services import audit_record_read

from .models import Case, Referral
from .selectors import case_detail, case_list_for_user, referral_list_for_user


def access_case(*, user: User, case_id: int, detail: bool = False) -> Case:
    """The case if `user` may see it (with its page's related rows when `detail`); otherwise 404, as if absent.

    Every page and API call that opens a case goes through here, so this is where the read is audited: a case shows
    who the child is and what is known about them.
    """
    case = (
        case_detail(case_id=case_id, user=user) if detail else case_list_for_user(user=user).filter(pk=case_id).first()
    )
    if case is None:
        raise Http404
    audit_record_read(actor=user, target=case, subject_child_id=case.child_id)
    return case


def access_referral(*, user: User, referral_id: int) -> Referral:
    referral = referral_list_for_user(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    audit_record_read(actor=user, target=referral)
    return referral


def child_in_caseload(*, user: User, child_id: int) -> bool:
    """Whether the child has a case `user` works: their own or their team's (a manager's: any case in the service).

    Outside it, opening the child's record needs a stated purpose (privacy notice: access only for a purpose).
    """
    return case_list_for_user(user=user).filter(child_id=child_id).exists()
