"""No input ever answers 500: every filter of every page, and every date box of every form, fed nonsense.

The pages are found, not listed: every page in the URL matrix is opened as a role that may see it, and its own
forms and filter links say which parameters it takes. A new list filter or a new date input is covered without a
line here.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import resolve, reverse

from cme.schools.enums import FORM_KINDS
from tests.web.test_url_permissions import (  # noqa: F401 - `world` is a fixture
    MATRIX,
    _api_client_for,
    _parameters,
    url_for,
    world,
)

# Values that once answered 500: a superscript digit passes str.isdigit() but not int(); a number too large for
# the database; a negative id; a NUL, which PostgreSQL refuses in any text.
JUNK = ["²", "99999999999999999999999", "-1", "a\x00b", "<script>x</script>"]
# Day, month, year: a year that overflows Python's date, an impossible day, month 13, non-digits, a 2-digit year.
BAD_DATES = [
    ("1", "1", "99999999999"),
    ("31", "2", "2026"),
    ("1", "13", "2026"),
    ("²", "1", "2026"),
    ("1", "1", "26"),
]
# Python's own words, and Django's generic ones: a person sees neither.
PYTHON_MESSAGES = (
    "out of range",
    "must be in 1..",
    "year ",
    "invalid literal",
    "Enter a valid",
    "Enter a whole number.",
    "This field is required",
    "Select a valid choice",
    "Ensure this value",
)
# Prefer the roles that can see most; an officer is put in the matrix case's team.
ROLE_ORDER = ("manager", "officer", "school_user", "dpo", "sysadmin", "analyst", "partner_user")


class Forms(HTMLParser):
    """The forms on a page (method, action, fields with their first value) and the query names of its links."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.link_params: set[str] = set()
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
                "dates": set(),
                "files": set(),
            }
            self.forms.append(self._form)
        elif tag == "a" and (href := attrs.get("href") or "").startswith("?"):
            self.link_params |= {name for name, _ in parse_qsl(href[1:], keep_blank_values=True)}
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            name, kind = attrs["name"], attrs.get("type", "text")
            fields = self._form["fields"]
            if "govuk-date-input__input" in (attrs.get("class") or ""):
                self._form["dates"].add(name.rsplit("_", 1)[0])
            if kind == "file":
                self._form["files"].add(name)
            elif kind in ("radio", "checkbox"):
                if "checked" in attrs or name not in fields:
                    fields[name] = attrs.get("value", "on")
            elif kind != "submit":
                fields.setdefault(name, attrs.get("value") or "")
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and self._form is not None:
            fields = self._form["fields"]
            if "selected" in attrs or not fields.get(self._select):
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _parse(response) -> Forms:
    """The forms and links of an HTML page; none for a download."""
    parser = Forms()
    if response["Content-Type"].startswith("text/html"):
        parser.feed(response.content.decode())
    return parser


def _role_for(name: str) -> str | None:
    kind, statuses = MATRIX[name]
    if kind not in ("page", "public"):
        return None
    return next((role for role in ROLE_ORDER if statuses.get(role) == 200), None)


PAGES = sorted(name for name in MATRIX if _role_for(name))


@pytest.fixture
def client_as(request, client, sign_in, world):  # noqa: F811 - the fixture imported above
    def _client_as(role: str):
        user = request.getfixturevalue(role)
        if role == "officer":
            user.team = world.team
            user.save()
        sign_in(user)
        return client

    return _client_as


def _assert_no_python_message(html: str) -> None:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    text = summary.group(0) if summary else ""
    assert not any(message in text for message in PYTHON_MESSAGES), text


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_no_filter_value_makes_a_page_fail(name, client_as, world):  # noqa: F811
    client = client_as(_role_for(name))
    url = url_for(name, world)
    first = client.get(url)
    assert first.status_code == 200
    page = _parse(first)
    names = set(page.link_params)
    for form in page.forms:
        if form["method"] == "get":
            names |= set(form["fields"])
    names |= {"page"}  # every paginated list takes ?page=
    # A download has no filters of its own: two values are enough to show a stray parameter does it no harm.
    values = JUNK if first["Content-Type"].startswith("text/html") else JUNK[:2]
    for param in sorted(names):
        for value in values:
            response = client.get(url, {param: value})
            assert response.status_code in (200, 302, 404), (param, value, response.status_code)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                _assert_no_python_message(response.content.decode())


def _check_every_date_input(client, url: str) -> set[str]:
    """Submit each date input of each form on `url` with each of BAD_DATES; return the date fields checked."""
    checked = set()
    for form in _parse(client.get(url)).forms:
        target = urlsplit(form["action"]).path or url
        for field in sorted(form["dates"]):
            for day, month, year in BAD_DATES:
                data = {**form["fields"], f"{field}_0": day, f"{field}_1": month, f"{field}_2": year}
                send = client.get if form["method"] == "get" else client.post
                response = send(target, data)
                html = response.content.decode()
                assert response.status_code == 200, (url, field, year, response.status_code)
                _assert_no_python_message(html)
                box = "_2" if len(year) != 4 else "_1" if month == "13" else "_0"  # the box the error is about
                assert f'href="#id_{field}{box}"' in html, (url, field, (day, month, year))
            checked.add(field)
    return checked


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_date_input_refuses_nonsense_in_govuk_words_and_links_to_the_box(name, client_as, world):  # noqa: F811
    _check_every_date_input(client_as(_role_for(name)), url_for(name, world))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [kind.value for kind in FORM_KINDS])
def test_every_kind_of_school_return_refuses_nonsense_dates(kind, client_as, world):  # noqa: F811
    checked = _check_every_date_input(client_as("school_user"), reverse("web:returns:create", args=[kind]))
    assert {"date_of_birth", "event_date"} <= checked


@pytest.mark.django_db
def test_the_discovery_finds_the_date_inputs_it_should(client_as, world):  # noqa: F811
    # A guard against the discovery above quietly finding nothing.
    expected = {
        "web:children:create": "date_of_birth",
        "web:children:search": "date_of_birth",
        "web:privacy:audit": "since",
        "web:returns:create": "event_date",
        "web:referrals:accept": "became_cme_on",
        "web:manage:term-create": "first_day",
    }
    for name, field in expected.items():
        page = _parse(client_as(_role_for(name)).get(url_for(name, world)))
        assert field in set().union(*(form["dates"] for form in page.forms)), name


@pytest.mark.django_db
def test_the_at_risk_list_answers_bad_filters_with_the_whole_list(client_as, world):  # noqa: F811
    client = client_as("officer")
    for params in ({"school": "²"}, {"year": "²"}, {"school": "99999999999999999999999"}, {"year": "-99999999999"}):
        response = client.get(reverse("web:returns:at-risk"), params)
        assert response.status_code == 200, params


# --- The API: every list's filters, and every id in every path, fed nonsense -------------------------------------

API_NAMES = sorted(name for name, (kind, _) in MATRIX.items() if kind == "api" and name != "api:not-found")


def _api_role_for(name: str) -> str:
    _, statuses = MATRIX[name]
    return next((role for role in ROLE_ORDER if statuses.get(role) in (200, 400)), "manager")


def _api_filters(url: str) -> set[str]:
    """The query parameters an API list reads: its FilterSerializer's fields, `q` and `page`."""
    view = resolve(urlsplit(url).path).func.view_class
    serializer = getattr(view, "FilterSerializer", None)
    return {"q", "page", *(serializer().fields if serializer else ())}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        name
        for name in API_NAMES
        if not _parameters(name)[0] and name != "api:schema" and {200, 400} & set(MATRIX[name][1].values())
    ],
)
def test_no_filter_value_makes_an_api_list_fail(request, name, world):  # noqa: F811
    client = _api_client_for(request.getfixturevalue(_api_role_for(name)))
    url = url_for(name, world)
    for param in sorted(_api_filters(url)):
        for value in JUNK:
            response = client.get(url, {param: value})
            assert response.status_code in (200, 400, 404, 405), (param, value, response.status_code)
            assert response["Content-Type"] == "application/json", (param, value)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in API_NAMES if _parameters(name)[0]])
def test_every_unknown_id_in_the_api_is_a_json_404(request, name, world):  # noqa: F811
    client = _api_client_for(request.getfixturevalue(_api_role_for(name)))
    url = url_for(name, world)
    kwargs = resolve(url).kwargs
    for good in kwargs.values():
        for bad in ("-1", "0", "99999999999999999999999", "²"):
            bad_url = url.replace(f"/{good}/", f"/{bad}/", 1)
            for send in (client.get, client.post):
                response = send(bad_url, {}, format="json")
                assert response["Content-Type"] == "application/json", (bad_url, response.status_code)
                assert response.status_code in (404, 405), (bad_url, send.__name__, response.status_code)
                if send is client.get and "GET" in response.get("Allow", "GET"):
                    assert response.json() == {"message": "Not found.", "errors": {}}, bad_url


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404_and_anonymous_callers_still_get_401(client, manager):
    assert client.get("/api/v1/children/-1/").status_code == 401
    response = _api_client_for(manager).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "errors": {}}


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["abc\x00def", "caf\xe9" + "0" * 60, "0" * 5000, "not a token"])
def test_a_malformed_api_token_is_a_401_not_a_500(token):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response.json()["message"] in (
        "Invalid token.",
        "Invalid token header. Token string should not contain spaces.",
    )
