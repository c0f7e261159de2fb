"""The production smoke test: cme put live as docs/operating.md ("Putting cme live") says, step by step, and used.

Production settings (no DEBUG, no demo, generated keys), its own PostgreSQL database, `cme migrate`,
`cme collectstatic`, `cme check --deploy`, the school register imported, the first account made with the services
in `cme shell` and every other through the system administrator's Users page, gunicorn and the task worker as real
processes, every role signing in with a code computed from the key its setup page shows (as an authenticator app
does), and every main page of every role answering 200. Run by CI (`.ci/run`) with `pytest -m production`;
`make test` leaves it out. Needs PostgreSQL at CME_SMOKE_SERVER (default postgres://postgres@127.0.0.1:5432/).
"""

import base64
import contextlib
import html
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from django_otp.oath import totp
from psycopg import sql

from cme.demo.generator import generate_borough
from cme.demo.gias import write_gias_csv

pytestmark = pytest.mark.production

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SERVER = os.environ.get("CME_SMOKE_SERVER", "postgres://postgres@127.0.0.1:5432/")
DATABASE = "cme_smoke"
HOST = "127.0.0.1"
# What a developer's or CI's shell may hold that a production server would not.
NOT_PRODUCTION = {"DEBUG", "CME_DEMO", "SECRET_KEY", "CME_FIELD_KEYS", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
NOT_PRODUCTION |= {"CME_VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE", "CME_AUDIT_KEYS", "CME_AUDIT_SIGNING_KEY_FILE"}
# Docs step 7, word for word but the port.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms'

# The accounts the system administrator makes on the Users page: (username, role, binding).
ACCOUNTS = [
    ("o.officer", "cme_officer", "team"),
    ("m.manager", "cme_manager", "team"),
    ("s.school", "school_user", "school"),
    ("p.partner", "partner_user", "organisation"),
    ("d.dpo", "dpo", None),
    ("a.analyst", "analyst", None),
]
# Roles that open children's records: the administrator's request waits for a CME manager's or the DPO's approval.
CASEWORKER_ACCOUNTS = ("o.officer", "m.manager")
FIRST_ACCOUNT = """
from cme.accounts.services import user_create; from cme.accounts.enums import Role
user_create(actor=None, username="s.admin", first_name="Sam", last_name="Admin", email="s.admin@example.org",
            role=Role.SYSADMIN, password={password!r})
"""


def admin_connection() -> psycopg.Connection:
    parts = urlsplit(SERVER)
    return psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True)


def database_recreate(drop_only: bool = False) -> None:
    with admin_connection() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        if not drop_only:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Installation:
    env: dict[str, str]
    port: int
    var_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    log: Path | None = None
    admin_password: str = ""
    browsers: dict[str, "Browser"] = field(default_factory=dict)
    outputs: list = field(default_factory=list)

    def cme(self, *arguments: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [str(BIN / "cme"), *arguments], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, f"cme {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, *command: str) -> None:
        handle = self.log.open("a")
        self.outputs.append(handle)
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for handle in self.outputs:
            handle.close()

    def running(self) -> bool:
        return all(process.poll() is None for process in self.processes)


def production_settings(tmp_path: Path) -> dict[str, str]:
    """Docs step 3: every key generated by the command the docs give for it."""
    signing_key = tmp_path / "audit-signing.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(signing_key)], check=True)
    signing_key.chmod(0o600)
    keys = [
        subprocess.run(
            [str(BIN / "cme"), "keys", "generate"], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    env = {name: value for name, value in os.environ.items() if name not in NOT_PRODUCTION}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        CME_FIELD_KEYS=keys[0],
        CME_AUDIT_KEYS=keys[1],
        CME_AUDIT_SIGNING_KEY_FILE=str(signing_key),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=urlunsplit((*urlsplit(SERVER)[:2], f"/{DATABASE}", "", "")),
        CME_VAR_DIR=str(tmp_path / "var"),
        CME_BEHIND_TLS_PROXY="1",
    )
    return env


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    database_recreate()  # step 1
    live = Installation(env=production_settings(tmp_path), port=free_port(), var_dir=tmp_path / "var")
    live.log = tmp_path / "processes.log"
    try:
        live.cme("migrate", "--noinput")  # step 4
        live.cme("collectstatic", "--noinput")
        assert "no issues" in live.cme("check", "--deploy", "--fail-level", "WARNING")
        register = tmp_path / "edubasealldata.csv"  # step 5: a synthetic GIAS extract
        write_gias_csv(generate_borough(children=0).schools, register)
        assert "0 rejected" in live.cme("import", "schools", str(register))
        live.admin_password = secrets.token_urlsafe(18)  # step 6: the first account
        live.cme("shell", "-v", "0", "-c", FIRST_ACCOUNT.format(password=live.admin_password))
        live.start(  # step 7
            str(BIN / "gunicorn"), "cme.wsgi", "--bind", f"{HOST}:{live.port}", "--workers", "2",
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
        )  # fmt: skip
        live.start(str(BIN / "cme"), "db_worker", "--queue-name", "*")
        wait_for_health(live)  # step 8
        yield live
    finally:
        live.stop()
        database_recreate(drop_only=True)
        if live.log and live.log.exists():
            sys.stdout.write(live.log.read_text()[-3000:])  # shown by pytest if a test failed


def wait_for_health(live: Installation) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert live.running(), live.log.read_text()
        try:
            if Browser(live.port).get("/health/").body == "ok":
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("gunicorn never answered /health/:\n" + live.log.read_text())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    path: str


class Browser:
    """A person's browser behind the council's TLS proxy: cookies kept, X-Forwarded-Proto: https on every request."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, referer: str | None = None) -> Answer:
        headers = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https", "User-Agent": "cme smoke test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
            headers["Referer"] = self.origin + (referer or path)
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        if morsel["max-age"] == "0" or not morsel.value:
                            self.cookies.pop(morsel.key, None)
                        else:
                            self.cookies[morsel.key] = morsel.value
            return Answer(response.status, dict(response.getheaders()), response.read().decode(), path)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        answer = self.request("GET", path)
        for _ in range(10):
            if answer.status not in (301, 302, 303):
                return answer
            answer = self.request("GET", urlsplit(answer.headers["Location"])._replace(scheme="", netloc="").geturl())
        raise AssertionError(f"too many redirects from {path}")

    def post(self, path: str, form: dict, follow: bool = True) -> Answer:
        """Submit the form on `path` as a person would: the page first, for its CSRF token, then the form."""
        token = csrf_token(self.get(path))
        answer = self.request("POST", path, {"csrfmiddlewaretoken": token, **form}, referer=path)
        if follow and answer.status in (301, 302, 303):
            return self.get(urlsplit(answer.headers["Location"])._replace(scheme="", netloc="").geturl())
        return answer


def csrf_token(answer: Answer) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body)
    assert found, f"{answer.path}: no form to submit"
    return found.group(1)


def option_value(answer: Answer, label: str) -> str:
    found = re.search(r'<option value="([^"]+)"[^>]*>\s*' + re.escape(html.escape(label)), answer.body)
    assert found, f"{answer.path}: no option {label!r}"
    return found.group(1)


def first_option(answer: Answer, name: str) -> str:
    """The value of the first real choice (not the empty one) in the select named `name`."""
    select = re.search(r'<select[^>]*name="' + name + r'"[^>]*>(.*?)</select>', answer.body, re.S)
    assert select, f"{answer.path}: no select {name}"
    return re.findall(r'<option value="([^"]+)"', select.group(1))[0]


def authenticator_code(secret: str, *, not_before: int | None = None) -> str:
    """What an authenticator app shows for `secret` (the base32 key on the setup page), in a time step after
    `not_before` if given (a code is good once)."""
    key = base64.b32decode(secret.replace(" ", ""))
    while not_before is not None and int(time.time()) // 30 <= not_before:
        time.sleep(1)
    return f"{totp(key, step=30, digits=6):06d}"


def sign_in_first_time(live: Installation, username: str, password: str) -> tuple[Browser, str]:
    """Password, then the authenticator set up from the key the page shows, confirmed with its first code."""
    browser = Browser(live.port)
    answer = browser.post("/sign-in/", {"username": username, "password": password})
    assert answer.path.startswith("/account/two-factor/set-up/"), f"{username}: {answer.path} {answer.status}"
    secret = html.unescape(re.search(r'<code class="cme-secret">([^<]+)</code>', answer.body).group(1))
    answer = browser.post(answer.path, {"token": authenticator_code(secret)})
    assert answer.status == 200 and "Two-factor sign-in is set up" in answer.body, answer.body[-2000:]
    return browser, secret


def main_pages(browser: Browser) -> dict[str, int]:
    """Every page the role's navigation offers, with "Your account", and the status each answers."""
    home = browser.get("/")
    assert home.status == 200
    links = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', home.body)
    assert links, home.body[-2000:]
    return {path: browser.get(html.unescape(path)).status for path in dict.fromkeys(["/", *links, "/account/"])}


def test_every_role_signs_in_with_an_authenticator_code_and_opens_every_main_page(installation):
    live = installation
    admin, _ = sign_in_first_time(live, "s.admin", live.admin_password)
    assert main_pages(admin) == dict.fromkeys(main_pages(admin), 200)

    # Docs step 6: the administrator makes a team, a partner organisation and the other accounts on the web pages.
    assert admin.post("/manage/teams/new/", {"name": "North team"}).status == 200
    answer = admin.post(
        "/manage/organisations/new/",
        {"name": "Children's social care", "kind": "childrens_social_care", "email": "csc@example.org"},
    )
    assert answer.status == 200
    form = admin.get("/manage/users/new/")
    bindings = {
        "team": ("team", option_value(form, "North team")),
        "school": ("school", first_option(form, "school")),
        "organisation": ("organisation", option_value(form, "Children's social care")),
    }
    passwords = {}
    for username, role, binding in ACCOUNTS:
        passwords[username] = secrets.token_urlsafe(18)
        fields = {
            "username": username, "first_name": username[2:].title(), "last_name": "Smoke",
            "email": f"{username}@example.org", "role": role, "password": passwords[username],
        }  # fmt: skip
        if binding:
            fields[bindings[binding][0]] = bindings[binding][1]
        answer = admin.post("/manage/users/new/", fields)
        assert answer.status == 200 and f"User {username} added." in answer.body, answer.body[-3000:]

    # A role that opens children's records waits for a second person: the DPO signs in and approves both.
    dpo, _ = sign_in_first_time(live, "d.dpo", passwords["d.dpo"])
    live.browsers["d.dpo"] = dpo
    pending = dpo.get("/manage/role-grants/")
    assert pending.status == 200, pending.body[-2000:]
    decide = sorted(set(re.findall(r'href="(/manage/role-grants/\d+/)"', pending.body)))
    assert len(decide) == len(CASEWORKER_ACCOUNTS), pending.body[-3000:]
    for path in decide:
        answer = dpo.post(path, {"decision": "approve"})
        assert answer.status == 200 and "is approved" in answer.body, answer.body[-3000:]

    opened = {"d.dpo": main_pages(dpo)}
    for username, _role, _binding in ACCOUNTS:
        if username == "d.dpo":
            continue
        browser, secret = sign_in_first_time(live, username, passwords[username])
        live.browsers[username] = browser
        opened[username] = main_pages(browser)
        assert len(opened[username]) >= 2, (username, opened[username])
        if username == "o.officer":
            officer_secret, officer_step = secret, int(time.time()) // 30
    assert opened == {name: dict.fromkeys(pages, 200) for name, pages in opened.items()}

    # A later day's sign-in, on another browser: password, then the next code from the same authenticator.
    browser = Browser(live.port)
    answer = browser.post("/sign-in/", {"username": "o.officer", "password": passwords["o.officer"]})
    assert answer.path.startswith("/account/two-factor/"), answer.path
    answer = browser.post(answer.path, {"token": authenticator_code(officer_secret, not_before=officer_step)})
    assert answer.status == 200 and answer.path == "/", answer.path
    assert live.running()


def test_pages_carry_the_production_headers(installation):
    answer = Browser(installation.port).get("/sign-in/")
    assert answer.status == 200
    headers = {name.lower(): value for name, value in answer.headers.items()}
    assert "strict-transport-security" in headers
    assert "no-store" in headers["cache-control"]
    assert "script-src 'self' 'nonce-" in headers["content-security-policy"]
    stylesheet = re.search(r'href="(/static/cme/build/application\.[0-9a-f]{12}\.css)"', answer.body)
    assert stylesheet, "the page does not name the fingerprinted stylesheet collectstatic made"
    assert Browser(installation.port).get(stylesheet.group(1)).status == 200


def test_the_task_worker_runs_a_match_run_started_from_the_web(installation):
    """The worker, a process of its own, takes a run the manager starts on the web page and reports its end there."""
    manager = installation.browsers["m.manager"]
    answer = manager.post("/matching/runs/new/", {})  # on today, with the models as they are
    assert answer.status == 200 and answer.path.startswith("/matching/runs/"), answer.path
    deadline = time.monotonic() + 240
    while "Waiting to start" in answer.body or "Running" in answer.body:
        assert time.monotonic() < deadline, "the worker did not finish the run:\n" + installation.log.read_text()
        assert installation.running()
        time.sleep(2)
        answer = manager.get(answer.path)
    state = re.search(r'State</dt><dd class="govuk-summary-list__value">([^<]+)', answer.body).group(1)
    assert state.startswith("Finished"), state


# --- The operator's guide, followed as written (docs/operating.md) ----------------------------------------------

GUIDE = (ROOT / "docs" / "operating.md").read_text()


def documented(live: Installation, command: str, *more: str, timeout: float = 300) -> str:
    """Run `command` (and `more`: paths the guide leaves to the operator) only if the guide says it word for word."""
    assert command in GUIDE, f"docs/operating.md does not say `{command}`: the guide and what CI does have parted"
    return live.cme(*command.split()[1:], *more, timeout=timeout)


def services_restart(live: Installation) -> None:
    """ "Stop the two services" and start them again, with the installation's settings as they now are."""
    live.stop()
    live.processes, live.outputs = [], []
    live.start(
        str(BIN / "gunicorn"), "cme.wsgi", "--bind", f"{HOST}:{live.port}", "--workers", "2",
        "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
    )  # fmt: skip
    live.start(str(BIN / "cme"), "db_worker", "--queue-name", "*")
    wait_for_health(live)


def count_rows(env: dict[str, str]) -> str:
    script = (
        "from django.apps import apps; "
        "print(sorted((m._meta.label, m.objects.count()) for m in apps.get_models() if m._meta.app_label in "
        "('people', 'cases', 'schools', 'accounts', 'matching', 'privacy')))"
    )
    done = subprocess.run([str(BIN / "cme"), "shell", "-v", "0", "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    return done.stdout


def test_the_operators_guide_upgrade_keys_audit_backup_restore_and_logs(installation, tmp_path):
    """After the others (accounts made, the service used): each task of the operator's guide, in its words."""
    live = installation
    officer = live.browsers["o.officer"]

    # Upgrading. The release before had no training app: take the schema back to it, then upgrade as the guide says.
    live.cme("migrate", "training", "zero", "--noinput")
    live.stop()
    documented(live, "cme backup --output", str(tmp_path / "before-upgrade"))
    assert "training" in documented(live, "cme migrate --plan")
    documented(live, "cme migrate --noinput")
    documented(live, "cme collectstatic --noinput")
    assert "no issues" in documented(live, "cme check --deploy --fail-level WARNING")
    services_restart(live)
    assert officer.get("/").status == 200  # still signed in: sessions live in the database

    # Rotating the field-encryption key: a new key first, the old one after it, restart, re-seal, check.
    new_key = documented(live, "cme keys generate").strip()
    live.env["CME_FIELD_KEYS"] = f"{new_key},{live.env['CME_FIELD_KEYS']}"
    services_restart(live)
    documented(live, "cme keys rotate")
    check = documented(live, "cme keys rotate --check")
    assert "under older keys" not in check, check
    # Rotating the audit key the same way: entries made after it verify under the new key, older ones under the old.
    live.env["CME_AUDIT_KEYS"] = f"{documented(live, 'cme audit generate-key').strip()},{live.env['CME_AUDIT_KEYS']}"
    services_restart(live)
    assert officer.get("/").status == 200

    # Verifying the audit chain, against a signed checkpoint too.
    documented(live, "cme audit verify")
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    documented(live, "cme audit checkpoint", "--output", str(checkpoints))
    documented(live, "cme audit verify --checkpoints", str(checkpoints))

    # Backing up, and restoring into an empty database with the disposal log replayed.
    backup = tmp_path / "backup"
    documented(live, "cme backup --output", str(backup))
    disposal_log = tmp_path / "disposal-log.csv"
    disposal_log.write_text(documented(live, "cme retention log"))
    restored = {**live.env, "DATABASE_URL": live.env["DATABASE_URL"] + "_restored"}
    restored["CME_VAR_DIR"] = str(tmp_path / "restored-var")
    with admin_connection() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE + "_restored")))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE + "_restored")))
    try:
        assert "--disposal-log" in GUIDE
        into = Installation(env=restored, port=live.port, var_dir=tmp_path / "restored-var")
        documented(into, "cme restore", str(backup), "--disposal-log", str(disposal_log))
        documented(into, "cme audit verify --checkpoints", str(backup / "checkpoints"))
        assert count_rows(restored) == count_rows(live.env)
    finally:
        with admin_connection() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE + "_restored"))
            )

    # Logs: gunicorn's access log on standard output, paths without their query strings.
    assert officer.get("/children/?q=Zebediah-Quartermaine").status == 200
    time.sleep(1)
    log = live.log.read_text()
    assert '"GET /children/" 200' in log and "Zebediah" not in log
    assert live.running()
