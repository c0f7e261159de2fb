"""The page shell: council branding, navigation by role, the public pages, cookies, and error pages."""

import re

import pytest
from django.urls import reverse

from cme.council.services import council_settings_update
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_header_shows_the_councils_name_and_never_the_crown(client, sysadmin):
    council_settings_update(actor=sysadmin, council_name="Borough of Testham")
    html = client.get(reverse("web:privacy")).content.decode()
    assert 'class="govuk-generic-header__homepage-link">Borough of Testham</a>' in html
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()
    assert "GDS Transport" not in html


def test_a_change_to_the_councils_name_shows_at_once_though_the_settings_are_cached(client, sysadmin):
    client.get(reverse("web:privacy"))  # reads the settings into the cache
    council_settings_update(actor=sysadmin, council_name="Testham Council")
    assert "Testham Council</a>" in client.get(reverse("web:privacy")).content.decode()


def test_every_page_has_a_skip_link_phase_banner_and_footer_links(client):
    html = client.get(reverse("web:sign-in")).content.decode()
    assert '<a href="#main-content" class="govuk-skip-link"' in html and 'id="main-content"' in html
    assert "govuk-phase-banner" in html
    for name in ("web:privacy", "web:cookies", "web:accessibility"):
        assert f'href="{reverse(name)}"' in html


def test_navigation_offers_each_role_only_what_it_may_open(sign_in, officer, sysadmin):
    officer_nav = sign_in(officer).get(reverse("web:home")).content.decode()
    assert ">Schools<" in officer_nav and ">Users<" not in officer_nav
    admin_nav = sign_in(sysadmin).get(reverse("web:home")).content.decode()
    assert ">Users<" in admin_nav and ">Settings<" in admin_nav


def test_the_current_section_is_marked_in_the_navigation(sign_in, officer, school):
    html = sign_in(officer).get(reverse("web:schools:detail", args=[school.urn])).content.decode()
    assert re.search(r'aria-current="page"><strong[^>]*>Schools</strong>', html)


def test_a_refused_page_says_so_without_saying_what_is_there(sign_in, officer):
    response = sign_in(officer).get(reverse("web:manage:user-list"))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_only_strictly_necessary_cookies_are_set(client, officer, settings):
    client.get(reverse("web:sign-in"))
    client.post(reverse("web:sign-in"), {"username": officer.username, "password": PASSWORD})
    client.get(reverse("web:privacy"))
    assert set(client.cookies) <= {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    cookies_page = client.get(reverse("web:cookies")).content.decode()
    for name in client.cookies:
        assert name in cookies_page


def test_the_health_check_answers_without_sign_in(client):
    response = client.get(reverse("web:health"))
    assert response.status_code == 200 and response.content == b"ok"


def test_council_settings_form_redisplays_errors(sign_in, sysadmin):
    response = sign_in(sysadmin).post(
        reverse("web:manage:council-settings"), {"council_name": "", "dpo_email": "not-an-email"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the council&#x27;s name" in html or "Enter the council's name" in html
    assert "Enter an email address in the correct format" in html


def test_the_school_register_lists_and_filters_schools(sign_in, analyst, school_factory):
    school_factory(name="Larkfield Academy", phase_name="Secondary")
    school_factory(name="Meadow Primary School", phase_name="Primary")
    client = sign_in(analyst)
    html = client.get(reverse("web:schools:list"), {"phase": "Secondary"}).content.decode()
    assert "Larkfield Academy" in html and "Meadow Primary School" not in html
    assert client.get(reverse("web:schools:detail", args=[999999])).status_code == 404
