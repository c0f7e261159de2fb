"""The staff a council's CME service has at work, for locust: officers, schools and managers (issue 17, point 3).

Not run by hand: bench/load.py writes the scenario (who signs in as whom, which cases each may open, which searches
to make) to a JSON file and starts locust with this file, `--host` and LOAD_SCENARIO=<that file>. The smoke test
tests/bench/test_load_scenario.py runs it for a few seconds against the test server.

Every request is named by the page it stands for (the `name` locust reports), never by a child's name or an id.
Sign-in is a session the scenario made for the user (a password and a confirmed authenticator, as
casework_data.bench_sessions writes it); the cookie is sent in the Cookie header, as the session cookie is Secure
and requests would not send it over the loopback's plain HTTP. Think time: LOAD_THINK_SECONDS (default 5) on
average, between half and one and a half of it.
"""

import itertools
import json
import os
import random
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from locust import HttpUser, between, task

SCENARIO = json.loads(open(os.environ["LOAD_SCENARIO"]).read())  # noqa: SIM115 - read once at start
THINK = float(os.environ.get("LOAD_THINK_SECONDS", "5"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GIVEN = ("Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Ivy", "Arthur", "Zara", "Musa", "Hana")
FAMILY = ("Smith", "Jones", "Khan", "Taylor", "Brown", "Patel", "Nowak", "Evans", "Ahmed", "Walker", "Okafor")

# Each simulated person takes the next account of their kind (cycling when there are more people than accounts)
# and the next of that account's sessions.
_next = {kind: itertools.count() for kind in ("officers", "managers", "schools")}


def _identity(kind: str) -> tuple[dict, str]:
    number = next(_next[kind])
    accounts = SCENARIO[kind]
    account = accounts[number % len(accounts)]
    sessions = account["sessions"]
    return account, sessions[(number // len(accounts)) % len(sessions)]


class Staff(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(THINK * 0.5, THINK * 1.5)

    def on_start(self) -> None:
        self.account, session = _identity(self.kind)
        self.cookies = {SCENARIO["cookie_name"]: session}
        self.rng = random.Random()  # noqa: S311 - which page next, not security

    # --- requests, with the cookies sent by hand and every answer checked ------------------------------------------

    def _headers(self, extra: dict | None = None) -> dict:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"Cookie": cookie, **(extra or {})}

    def _keep_cookies(self, response) -> None:
        for name, value in response.cookies.items():
            if name in (SCENARIO["cookie_name"], SCENARIO["csrf_cookie_name"]) and value:
                self.cookies[name] = value

    def page(self, path: str, name: str, expect: str = "") -> str:
        """GET a page as a signed-in person: a 200 with `expect` in it, or a failure."""
        with self.client.get(
            path, name=name, headers=self._headers(), allow_redirects=False, catch_response=True
        ) as response:
            self._keep_cookies(response)
            if response.status_code != 200:
                why = response.headers.get("Location", "") or (type(response.error).__name__ if response.error else "")
                response.failure(f"status {response.status_code} {why}")
                return ""
            if expect and expect not in response.text:
                response.failure("expected content missing")
                return ""
            return response.text

    def submit(self, path: str, name: str, form: dict) -> bool:
        """Open the form (its CSRF token), then post it: a redirect back is success, anything else a failure."""
        body = self.page(path, f"{name} (form)", expect="csrfmiddlewaretoken")
        token = CSRF.search(body)
        if not token:
            return False
        headers = self._headers({"Referer": f"{self.host}{path}"})
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": token.group(1), **form},
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep_cookies(response)
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")
                return False
        return True


class Officer(Staff):
    """A CME officer: searches for children, opens cases, writes notes, records enquiries, checks the task list."""

    kind = "officers"
    weight = 32

    @task(5)
    def search(self) -> None:
        query = self.rng.choice(SCENARIO["searches"])
        body = self.page(f"/children/?{query}", "GET /children/?… (name search)", expect="govuk-")
        match = re.search(r'href="/children/(\d+)/"', body)
        if match and self.rng.random() < 0.4:
            self.open_child(match.group(1))

    def open_child(self, child: str) -> None:
        """A child's page; a child with no case of theirs asks first why they are opening it (the purpose step)."""
        path = f"/children/{child}/"
        with self.client.get(
            path, name="GET /children/<id>/ (child page)", headers=self._headers(), allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            self._keep_cookies(response)
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "/purpose/" in location:
                response.success()
            elif response.status_code != 200:
                response.failure(f"status {response.status_code} {location}")
                return
            else:
                return
        form = {"purpose": "identify_cme", "reason": "Checking whether we already know this child."}
        purpose = urlsplit(location)
        target = f"{purpose.path}?{purpose.query}" if purpose.query else purpose.path
        if self.submit(target, "POST /children/<id>/purpose/ (why open the record)", form):
            self.page(path, "GET /children/<id>/ (child page)", expect="govuk-")

    @task(5)
    def open_case(self) -> None:
        case = self.rng.choice(self.account["cases"])
        self.page(f"/cases/{case}/", "GET /cases/<id>/ (case page)", expect="govuk-")

    @task(2)
    def home(self) -> None:
        self.page("/", "GET / (dashboard)", expect="govuk-")

    @task(1)
    def task_list(self) -> None:
        self.page("/tasks/", "GET /tasks/ (task list)", expect="govuk-")

    @task(2)
    def write_note(self) -> None:
        case = self.rng.choice(self.account["open_cases"])
        text = self.rng.choice(
            (
                "Telephoned the family; no answer. Will try again tomorrow.",
                "Home visit: nobody in. Left a calling card.",
                "Checked with the school's attendance lead: still not attending.",
            )
        )
        if self.submit(f"/cases/{case}/notes/new/", "POST /cases/<id>/notes/new/ (add a note)", {"text": text}):
            self.page(f"/cases/{case}/", "GET /cases/<id>/ (case page)", expect="govuk-")

    @task(1)
    def record_enquiry(self) -> None:
        case = self.rng.choice(self.account["open_cases"])
        day = date.fromisoformat(SCENARIO["today"]) - timedelta(days=self.rng.randint(0, 5))
        form = {
            "agency": self.rng.choice(("housing", "council_tax", "gp_health", "admissions", "benefits")),
            "requested_on_0": str(day.day),
            "requested_on_1": str(day.month),
            "requested_on_2": str(day.year),
            "contact_name": "Duty officer",
            "contact_details": "Team inbox",
        }
        self.submit(f"/cases/{case}/enquiries/new/", "POST /cases/<id>/enquiries/new/ (record an enquiry)", form)


class Manager(Staff):
    """A team manager on the dashboards: the home page, the reports dashboard, the team's tasks and the caseload."""

    kind = "managers"
    weight = 3

    @task(3)
    def home(self) -> None:
        self.page("/", "GET / (dashboard)", expect="govuk-")

    @task(2)
    def reports(self) -> None:
        self.page("/reports/", "GET /reports/ (reports dashboard)", expect="govuk-")

    @task(1)
    def team_tasks(self) -> None:
        self.page("/tasks/team/", "GET /tasks/team/ (team tasks)", expect="govuk-")

    @task(1)
    def caseload(self) -> None:
        self.page("/cases/caseload/", "GET /cases/caseload/ (caseloads)", expect="govuk-")

    @task(1)
    def open_case(self) -> None:
        case = self.rng.choice(self.account["cases"])
        self.page(f"/cases/{case}/", "GET /cases/<id>/ (case page)", expect="govuk-")


class School(Staff):
    """A school's attendance lead: sends returns through the API (as a school's MIS would) and reads what it sent."""

    kind = "schools"
    weight = 15

    @task(2)
    def send_return(self) -> None:
        today = date.fromisoformat(SCENARIO["today"])
        born = today - timedelta(days=self.rng.randint(6 * 365, 15 * 365))
        kind = self.rng.choice(("sickness", "unauthorised_absence"))
        payload = {
            "kind": kind,
            "given_name": self.rng.choice(GIVEN),
            "family_name": self.rng.choice(FAMILY),
            "date_of_birth": born.isoformat(),
            "event_date": (today - timedelta(days=self.rng.randint(20, 40))).isoformat(),
            "school_days_absent": self.rng.randint(15, 25) if kind == "sickness" else self.rng.randint(10, 19),
            "address_postcode": f"ZY{self.rng.randint(1, 9)} {self.rng.randint(1, 9)}AB",
        }
        with self.client.post(
            "/api/v1/returns/create/",
            json=payload,
            name="POST /api/v1/returns/create/ (a school's return)",
            headers={"Authorization": f"Token {self.account['token']}"},
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}: {response.text[:200]}")

    @task(1)
    def sent_returns(self) -> None:
        self.page("/returns/", "GET /returns/ (the school's returns)", expect="govuk-")
