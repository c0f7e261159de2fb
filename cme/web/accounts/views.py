"""Signing in and out, two-factor sign-in, the user's own account page, and the lockout page."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView, View
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from cme.accounts.lockout import Lock
from cme.accounts.selectors import api_token_list
from cme.accounts.services import api_token_revoke, totp_device_confirm, totp_device_start
from cme.common.errors import ApplicationError
from cme.web.mixins import PermissionRequiredMixin, PublicPageMixin, TwoFactorExemptMixin

from .forms import SignInForm, TokenForm

ERROR_WRONG_CODE = "The code is not correct. Check the time on your phone is right, then enter the newest code."


class SignInView(PublicPageMixin, auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso_enabled=settings.CME_OIDC_ENABLED,
            sso_provider_name=settings.CME_OIDC_PROVIDER_NAME,
            password_sign_in=settings.CME_PASSWORD_SIGN_IN,
            **kwargs,
        )


class SignOutView(TwoFactorExemptMixin, auth_views.LogoutView):
    pass


class SignedOutView(PublicPageMixin, TemplateView):
    template_name = "accounts/signed_out.html"


class AccountView(PermissionRequiredMixin, TemplateView):
    permission_required = "accounts.view_own_account"
    template_name = "accounts/account.html"
    nav_section = "account"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            has_authenticator=user_has_device(user, confirmed=True),
            tokens=api_token_list(user=user),
            now=timezone.now(),
            **kwargs,
        )


class AccountTokenRevokeView(PermissionRequiredMixin, View):
    """POST only: the signed-in person revokes one of their own API tokens (named by `token_id`)."""

    permission_required = "accounts.view_own_account"
    http_method_names = ["post"]

    def post(self, request):
        token_id = request.POST.get("token_id", "").replace("\x00", "")[:40]
        try:
            api_token_revoke(actor=request.user, token_id=token_id, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"API token {token_id} revoked. Anything using it can no longer use the API.")
        return redirect("web:account")


class _TwoFactorStepView(PermissionRequiredMixin, FormView):
    """Shared by set-up and verify: a code form, then back to where the user was going."""

    permission_required = "accounts.view_own_account"
    form_class = TokenForm

    def next_url(self) -> str:
        target = self.request.GET.get("next") or self.request.POST.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return settings.LOGIN_REDIRECT_URL

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)


class TwoFactorSetupView(TwoFactorExemptMixin, _TwoFactorStepView):
    """First sign-in: show a QR code and key for an authenticator app, then confirm with its first code."""

    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        # Someone who knows only the password must not be able to swap in their own authenticator.
        if request.user.is_authenticated and user_has_device(request.user, confirmed=True):
            return redirect("web:two-factor-verify")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = totp_device_start(user=self.request.user)
        return super().get_context_data(
            qr_svg=segno.make(device.config_url, error="m").svg_inline(
                scale=5, title="QR code for your authenticator app"
            ),
            secret=base64.b32encode(device.bin_key).decode(),
            **kwargs,
        )

    def form_valid(self, form):
        device = totp_device_start(user=self.request.user)
        if not totp_device_confirm(user=self.request.user, device=device, token=form.cleaned_data["token"]):
            form.add_error("token", ERROR_WRONG_CODE)
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, "Two-factor sign-in is set up.")
        return redirect(self.next_url())


class TwoFactorVerifyView(TwoFactorExemptMixin, _TwoFactorStepView):
    template_name = "accounts/two_factor_verify.html"

    def form_valid(self, form):
        device = match_token(self.request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", ERROR_WRONG_CODE)
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(self.next_url())


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when sign-in is locked (AXES_LOCKOUT_CALLABLE); the page says which lock applies."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    lock = getattr(request, "cme_lock", None) or Lock.ACCOUNT_FROM_ADDRESS
    return render(request, "accounts/locked_out.html", {"minutes": minutes, "lock": str(lock)}, status=429)
