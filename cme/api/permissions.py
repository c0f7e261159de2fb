"""The one DRF permission class: the view names a `rules` permission; no name, no access."""

from rest_framework.permissions import BasePermission

from cme.common.access import audit_refused_request


class HasNamedPermission(BasePermission):
    """Grants access only to an authenticated user holding the view's `permission_required`.

    Anonymous requests are refused before the permission is asked, so DRF answers 401 with a
    `WWW-Authenticate: Token` header; a view without `permission_required` refuses everyone. A refusal on a URL
    naming a protected record (a case, a child …) is audited.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        permission = getattr(view, "permission_required", None)
        if bool(permission) and user.has_perm(permission):
            return True
        match = request.resolver_match
        audit_refused_request(user=user, status=403, route=match.view_name if match else "", url_kwargs=view.kwargs)
        return False

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm(view.permission_required, obj)
