"""Checked reads of a child's record: the one door views, endpoints and commands use. Forbidden looks like missing."""

from django.http import Http404

from .models import Child


def access_child(*, user, child_id: int) -> Child:
    """The child if `user` may see children's records; otherwise 404, as if there were no such child.

    Auditing every read, and asking for a purpose outside the user's caseload, arrive with the privacy issue here.
    """
    if not user.has_perm("people.view_child"):
        raise Http404
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child
