"""Checked reads: the one door a view, endpoint or command uses to open a case or a referral.

A case opens only inside the user's caseload (their own cases, their team's; every case for a manager). A referral
is intake the whole service triages, so every caseworker may open one. Each read is audited here; a refusal is
audited and raised as RecordNotFound, which the pages and the API answer as "not found".
"""

from cme.accounts.models import User
from cme.audit.services import audit_record_read
from cme.common.access import refuse_not_found

from .models import Case, Referral
from .selectors import case_detail, case_list_for_user, referral_list_for_user


def access_case(*, user: User, case_id: int, detail: bool = False) -> Case:
    """The case if `user` may see it (with its page's related rows when `detail`); otherwise RecordNotFound.

    Every page and API call that opens a case goes through here, so this is where the read is audited: a case shows
    who the child is and what is known about them.
    """
    case = (
        case_detail(case_id=case_id, user=user) if detail else case_list_for_user(user=user).filter(pk=case_id).first()
    )
    if case is None:
        raise refuse_not_found(user=user, target_type="cases.case", target_id=case_id)
    audit_record_read(actor=user, target=case, subject_child_id=case.child_id)
    return case


def access_referral(*, user: User, referral_id: int) -> Referral:
    """The referral if `user` triages referrals (every caseworker does); otherwise RecordNotFound. Audited."""
    referral = referral_list_for_user(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise refuse_not_found(user=user, target_type="cases.referral", target_id=referral_id)
    audit_record_read(actor=user, target=referral)
    return referral
