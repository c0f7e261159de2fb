"""TOTP two-factor sign-in: required for every role, set up at first sign-in, skipped only in demo mode."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import ROLE_FIXTURES

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("role", sorted(ROLE_FIXTURES))
def test_every_role_must_set_up_two_factor_before_reaching_any_page(request, sign_in, role):
    client = sign_in(request.getfixturevalue(role), two_factor=False)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:two-factor-setup") + "?next=%2F"


def test_setting_up_an_authenticator_with_its_current_code_lets_the_user_in(sign_in, officer):
    client = sign_in(officer, two_factor=False)
    page = client.get(reverse("web:two-factor-setup"))
    assert "<svg" in page.content.decode()  # the QR code, drawn inline: no external image service
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    response = client.post(reverse("web:two-factor-setup") + "?next=/account/", {"token": current_code(device)})

    assert response["Location"] == "/account/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code == 200


def test_a_wrong_code_is_refused_with_an_error_summary(sign_in, officer):
    client = sign_in(officer, two_factor=False)
    client.get(reverse("web:two-factor-setup"))
    device = TOTPDevice.objects.get(user=officer)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("web:two-factor-setup"), {"token": wrong})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("web:home")).status_code == 302


def test_a_user_with_an_authenticator_is_asked_for_a_code_and_cannot_replace_it(sign_in, officer, totp_device_factory):
    device = totp_device_factory(user=officer)
    client = sign_in(officer, two_factor=False)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:two-factor-verify"))
    # Knowing only the password must not be enough to enrol a second, attacker-held authenticator.
    assert client.get(reverse("web:two-factor-setup"))["Location"] == reverse("web:two-factor-verify")

    response = client.post(reverse("web:two-factor-verify"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_demo_mode_skips_two_factor(sign_in, officer, settings):
    settings.CME_DEMO = True
    client = sign_in(officer, two_factor=False)
    assert client.get(reverse("web:home")).status_code == 200


def test_resetting_two_factor_removes_the_users_authenticators(sign_in, sysadmin, officer, totp_device_factory):
    totp_device_factory(user=officer)
    sign_in(sysadmin).post(reverse("web:manage:user-reset-two-factor", args=[officer.pk]))
    assert not TOTPDevice.objects.filter(user=officer).exists()
