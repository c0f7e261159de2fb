"""View mixins: every page either names the permission it needs or says outright that it is public."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin


class PermissionRequiredMixin(RulesPermissionRequiredMixin):
    """Refuses the request unless the user holds `permission_required` (a `rules` permission name).

    Signed-in users without it get 403; anonymous visitors never get this far (SignInRequiredMiddleware).
    A view that forgets to name a permission fails loudly instead of being open.
    """

    raise_exception = True

    def get_permission_required(self):
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} must name permission_required.")
        return super().get_permission_required()


class PublicPageMixin:
    """Marks a page anyone may read without signing in (privacy notice, cookies, accessibility, sign-in)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


class TwoFactorExemptMixin:
    """Lets a signed-in user who has not yet passed two-factor sign-in reach this view (the 2FA pages, sign-out)."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.two_factor_exempt = True
        return view
