"""Checked reads of schools' returns: the one door every page and endpoint opens a return by.

A return is intake the whole service triages (like a referral), so every caseworker may open any return; a school
user opens only their own school's, in summary. Every read is audited as a return viewed, about the child it was
matched to; every refusal is audited and raised as RecordNotFound ("not found" on the pages and the API).
"""

from cme.audit.services import audit_record_read
from cme.common.access import refuse_not_found
from cme.people.access import access_child_search

from .models import RollReturn
from .returns.selectors import MatchSuggestion, return_match_suggestions, returns_for_school

RETURN_TYPE = "schools.rollreturn"


def access_return(*, user, return_id: int) -> RollReturn:
    """The return for a caseworker to read and triage; RecordNotFound for anyone else or no such return."""
    roll_return = None
    if user.has_perm("schools.view_return_inbox"):
        roll_return = (
            RollReturn.objects.select_related("school", "child", "timetable", "referral", "referral__case")
            .filter(pk=return_id)
            .first()
        )
    if roll_return is None:
        raise refuse_not_found(user=user, target_type=RETURN_TYPE, target_id=return_id)
    audit_record_read(actor=user, target=roll_return, subject_child_id=roll_return.child_id)
    return roll_return


def access_school_return(*, user, return_id: int) -> RollReturn:
    """A return the school user's own school sent; RecordNotFound for another school's, or for anyone else."""
    roll_return = None
    if user.has_perm("schools.view_own_returns") and user.school_id is not None:
        roll_return = returns_for_school(school_id=user.school_id).filter(pk=return_id).first()
    if roll_return is None:
        raise refuse_not_found(user=user, target_type=RETURN_TYPE, target_id=return_id)
    audit_record_read(actor=user, target=roll_return, subject_child_id=roll_return.child_id)
    return roll_return


def access_return_suggestions(*, user, roll_return: RollReturn) -> list[MatchSuggestion]:
    """Children the return may be about, found by the audited child search (what was searched for is kept in the
    entry's erasable detail, the return named as what it was for)."""

    def search(**criteria):
        return access_child_search(user=user, related=roll_return, **criteria)

    return return_match_suggestions(roll_return=roll_return, search=search)
