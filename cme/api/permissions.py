"""The one DRF permission class: the view names a `rules` permission; no name, no access."""

from rest_framework.permissions import BasePermission


class HasNamedPermission(BasePermission):
    """Grants access only to an authenticated user holding the view's `permission_required`.

    Anonymous requests are refused before the permission is asked, so DRF answers 401 with a
    `WWW-Authenticate: Token` header; a view without `permission_required` refuses everyone.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        permission = getattr(view, "permission_required", None)
        return bool(permission) and user.has_perm(permission)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm(view.permission_required, obj)
