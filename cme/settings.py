"""Settings for cme: one module, configured by environment variables, safe by default.

Production is the default posture: DEBUG off, a secret key required, HTTPS-only cookies and HSTS.
`make run` writes var/cme.env (CME_DEMO=1 and a secret key), which the `cme` command reads when present, for a
local demonstration on http://127.0.0.1:8000. Demo mode is a local posture (plain HTTP on this machine, development
keys) but not Django's DEBUG: it shows the council's own error pages, never Django's technical ones.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CME_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    CME_DEMO=(bool, False),
    ALLOWED_HOSTS=(list, []),
    CSRF_TRUSTED_ORIGINS=(list, []),
    CME_SECURE_SSL_REDIRECT=(bool, True),
    CME_HSTS_SECONDS=(int, 31_536_000),
    CME_HSTS_PRELOAD=(bool, True),
    CME_BEHIND_TLS_PROXY=(bool, False),
    CME_SESSION_IDLE_SECONDS=(int, 30 * 60),
    CME_LOCKOUT_FAILURES=(int, 5),
    CME_LOCKOUT_MINUTES=(int, 30),
    CME_LOCKOUT_ACCOUNT_FAILURES=(int, 20),
    CME_LOCKOUT_ADDRESS_FAILURES=(int, 50),
)

DEBUG = env("DEBUG")

# Demo mode switches off two-factor sign-in and allows the demo users with a shared password.
# It exists for `make run` on a laptop: it answers on this machine's own addresses only, and refuses any other host
# (a deployment names its host in ALLOWED_HOSTS) or a TLS proxy in front.
CME_DEMO = env("CME_DEMO")
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# The local posture (plain HTTP, development keys, static files from source): development (DEBUG) or the demo.
LOCAL = DEBUG or CME_DEMO

# The training site (docs/operating.md, "A training site"): production security on a database of made-up children,
# made by `cme training setup`; it refuses to start on any other database (cme.training.guard).
CME_TRAINING = env.bool("CME_TRAINING", default=False)
if CME_TRAINING and LOCAL:
    raise ImproperlyConfigured(
        "CME_TRAINING=1 runs the training site with production security (two-factor sign-in, no debug pages): "
        "unset DEBUG and CME_DEMO."
    )

ALLOWED_HOSTS = env("ALLOWED_HOSTS") or (LOOPBACK_HOSTS if LOCAL else [])
if CME_DEMO and (set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS) or env("CME_BEHIND_TLS_PROXY")):
    raise ImproperlyConfigured(
        "CME_DEMO=1 is for local demonstration only (no two-factor sign-in, shared demo passwords), on "
        "127.0.0.1 or localhost. Production settings (a host in ALLOWED_HOSTS, a TLS proxy) refuse it: unset CME_DEMO."
    )

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured("SECRET_KEY must be set: cme refuses to start in production without one.")
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40

CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

# --- The council this installation serves (shown in the header, footer and public pages) ---
CME_COUNCIL_NAME = env.str("CME_COUNCIL_NAME", default="Wyndley Borough Council")
CME_SERVICE_NAME = env.str("CME_SERVICE_NAME", default="Children missing education")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rules",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_forms_gds",
    "rest_framework",
    "knox",
    "drf_spectacular",
    # Before django_tasks_db, so that cme's `db_worker` (the same worker, with the daily scheduler beside it) wins.
    "cme.cli",
    "django_tasks",
    "django_tasks_db",
    # cme's own apps, domain first; web and api are adapters over them.
    "cme.common",
    "cme.council",
    "cme.accounts",
    "cme.schools",
    "cme.people",
    "cme.cases",
    "cme.matching",
    "cme.privacy",
    "cme.rights",
    "cme.frontdoor",
    "cme.audit",
    "cme.reports",
    "cme.training",
    "cme.transfers",
    "cme.webhooks",
    "cme.web",
    "cme.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cme.common.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cme.accounts.middleware.SessionIdleRenewalMiddleware",
    "cme.accounts.middleware.SignInRequiredMiddleware",
    "cme.accounts.middleware.TwoFactorRequiredMiddleware",
    "cme.web.middleware.AccessRefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cme.urls"
WSGI_APPLICATION = "cme.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cme.web.context_processors.service",
                "cme.web.context_processors.restriction",
            ],
        },
    }
]

# --- Database: SQLite under var/ by default; PostgreSQL through DATABASE_URL ---
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cme.sqlite3'}")}
# Keep connections between requests (bench/: a new PostgreSQL connection per request cost ~15-20 ms of CPU).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CME_DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the task worker share the file: wait for locks, and take the write lock
    # at the start of a transaction so two writers never deadlock on an upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, sign-in, lockout, sessions ---
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:signed-out"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: refuses locked-out sign-ins
    "rules.permissions.ObjectPermissionBackend",
    "cme.accounts.backends.PasswordBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env("CME_LOCKOUT_FAILURES")
AXES_COOLOFF_TIME = timedelta(minutes=env("CME_LOCKOUT_MINUTES"))
# Failures count per username and address together (cme/accounts/lockout.py): an account is locked from one address
# after AXES_FAILURE_LIMIT, everywhere after CME_LOCKOUT_ACCOUNT_FAILURES from several addresses, and an address after
# CME_LOCKOUT_ADDRESS_FAILURES over many usernames. Behind a proxy, set AXES_IPWARE_PROXY_COUNT (docs/operating.md).
AXES_HANDLER = "cme.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # what a successful sign-in clears
CME_LOCKOUT_ACCOUNT_FAILURES = env("CME_LOCKOUT_ACCOUNT_FAILURES")
CME_LOCKOUT_ADDRESS_FAILURES = env("CME_LOCKOUT_ADDRESS_FAILURES")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cme.web.accounts.views.locked_out"
AXES_VERBOSE = False

# --- Single sign-on with the council's identity provider over OpenID Connect (mozilla-django-oidc) ---
# Off unless CME_OIDC_CLIENT_ID is set; docs/operating.md says how to register cme with Microsoft Entra ID.
# Accounts are matched by email and must already exist in cme; roles stay in cme (cme.accounts.oidc).
CME_OIDC_ENABLED = bool(env.str("CME_OIDC_CLIENT_ID", default=""))
CME_OIDC_PROVIDER_NAME = env.str("CME_OIDC_PROVIDER_NAME", default="your council account")
# The claim holding the work email address cme matches accounts by (Entra ID: "email", or "preferred_username").
CME_OIDC_EMAIL_CLAIM = env.str("CME_OIDC_EMAIL_CLAIM", default="email")
# The identity provider's MFA stands in for cme's own TOTP step only when the ID token's `amr` claim names one of
# these methods (Entra ID sends "mfa"); otherwise the user is asked for a TOTP code as after a password.
CME_OIDC_MFA_AMR = env.list("CME_OIDC_MFA_AMR", default=["mfa"])
# CME_PASSWORD_SIGN_IN=0 (with single sign-on on) removes the username-and-password form.
CME_PASSWORD_SIGN_IN = env.bool("CME_PASSWORD_SIGN_IN", default=True) or not CME_OIDC_ENABLED
OIDC_RP_CLIENT_ID = env.str("CME_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("CME_OIDC_CLIENT_SECRET", default="")
CME_OIDC_ISSUER = env.str("CME_OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("CME_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("CME_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("CME_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("CME_OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # no self-provisioning: an unknown email is refused
OIDC_AUTHENTICATION_CALLBACK_URL = "web:sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "web:sso-refused"
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = 10
if CME_OIDC_ENABLED:
    _oidc_missing = [
        name
        for name, value in {
            "CME_OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
            "CME_OIDC_ISSUER": CME_OIDC_ISSUER,
            "CME_OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
            "CME_OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
            "CME_OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
            "CME_OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
        }.items()
        if not value
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            f"CME_OIDC_CLIENT_ID is set, so single sign-on also needs: {', '.join(_oidc_missing)}"
        )
    # Last, and only when configured: Django makes every backend afresh for each permission check.
    AUTHENTICATION_BACKENDS.append("cme.accounts.oidc.CouncilOIDCBackend")
    if not LOCAL and any(
        not url.startswith("https://")
        for url in (
            OIDC_OP_AUTHORIZATION_ENDPOINT,
            OIDC_OP_TOKEN_ENDPOINT,
            OIDC_OP_USER_ENDPOINT,
            OIDC_OP_JWKS_ENDPOINT,
        )
    ):
        raise ImproperlyConfigured("The single sign-on endpoints (CME_OIDC_*_ENDPOINT) must be https:// addresses.")

# Idle timeout: every request renews the session; 30 minutes without one ends it.
SESSION_COOKIE_AGE = env("CME_SESSION_IDLE_SECONDS")
# The idle expiry is renewed by cme.accounts.middleware.SessionIdleRenewalMiddleware at most once a minute, not by a
# write on every request.
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "cme_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "cme_csrftoken"
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = CME_COUNCIL_NAME

# --- HTTPS and browser security (production posture unless local) ---
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
SECURE_SSL_REDIRECT = not LOCAL and env("CME_SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = 0 if LOCAL else env("CME_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_HSTS_PRELOAD = not LOCAL and env("CME_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts, styles, images and fonts from this service only,
# no inline style and no inline script but the ones a page's nonce names (GOV.UK Frontend's js-enabled snippet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF, csp_constants.NONCE],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.NONE],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}
if env("CME_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Static files: GOV.UK Frontend compiled into cme/web/static/cme/build by `make assets` ---
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "files"}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = LOCAL

# --- Field encryption for special-category and criminal-offence data (UK GDPR Art. 9 and 10) ---
# Comma-separated keys, newest first: new values are sealed with the first; any listed key opens old ones, until
# `cme keys rotate` has re-sealed everything under the first. Production must set it; the local posture has a dev key.
CME_FIELD_KEYS = env.list("CME_FIELD_KEYS", default=[])
if not CME_FIELD_KEYS:
    if not LOCAL:
        raise ImproperlyConfigured("CME_FIELD_KEYS must be set: special-category data is encrypted at rest.")
    CME_FIELD_KEYS = ["ZGV2LW9ubHktZmllbGQta2V5LW5vdC1zZWNyZXQtMDA="]  # base64 of 32 bytes; local posture only

# --- Audit trail keys, held outside the database (docs/operating.md) ---
# HMAC keys for the audit chain, newest first (or CME_AUDIT_KEYS_FILE, one a line): a database administrator without
# them cannot re-hash an altered chain. Production must set one; local (DEBUG or the demo) has a fixed dev key.
CME_AUDIT_KEYS = env.list("CME_AUDIT_KEYS", default=[])
if not CME_AUDIT_KEYS and env.str("CME_AUDIT_KEYS_FILE", default=""):
    from cme.audit.keys import keys_from_file

    CME_AUDIT_KEYS = keys_from_file(env.str("CME_AUDIT_KEYS_FILE"))
if not CME_AUDIT_KEYS:
    if not LOCAL:
        raise ImproperlyConfigured(
            "CME_AUDIT_KEYS (or CME_AUDIT_KEYS_FILE) must be set: the audit trail is keyed with a key held outside "
            "the database (make one with `cme audit generate-key`)."
        )
    CME_AUDIT_KEYS = ["ZGV2LW9ubHktYXVkaXQta2V5LW5vdC1zZWNyZXQtMDA="]  # base64 of 32 bytes; local only
# The Ed25519 key that signs checkpoints of the chain head (`cme audit checkpoint`), and where the daily task
# writes them (nothing is written while either is unset).
CME_AUDIT_SIGNING_KEY_FILE = env.str("CME_AUDIT_SIGNING_KEY_FILE", default="")
CME_AUDIT_CHECKPOINT_DIR = env.str("CME_AUDIT_CHECKPOINT_DIR", default="")

# --- Case documents: outside the web root, never served as static files ---
CME_DOCUMENT_ROOT = Path(env.str("CME_DOCUMENT_ROOT", default=str(VAR_DIR / "documents")))
CME_DOCUMENT_MAX_BYTES = env.int("CME_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# --- Reports (cme.reports): the DfE return names the council; pseudonymised extracts need the DPO's key ---
CME_LA_NAME = env.str("CME_LA_NAME", default=CME_COUNCIL_NAME)
CME_NEW_LA_CODE = env.str("CME_NEW_LA_CODE", default="")  # the nine-character ONS code, e.g. E08000035
CME_OLD_LA_CODE = env.str("CME_OLD_LA_CODE", default="")  # the three-digit DfE LA number
CME_PSEUDONYM_KEY = env.str("CME_PSEUDONYM_KEY", default="")  # or a file holding it:
CME_PSEUDONYM_KEY_FILE = env.str("CME_PSEUDONYM_KEY_FILE", default="")
CME_EXTRACT_ROOT = Path(env.str("CME_EXTRACT_ROOT", default=str(VAR_DIR / "extracts")))
# --- Moving a case to another council (cme.transfers, docs/transfers.md): this council's code in the register of
# councils (the DfE LA number by default) and its two private keys, in files outside the database and every backup
# (`cme transfer keys generate DIR` makes them).
CME_TRANSFER_COUNCIL_CODE = env.str("CME_TRANSFER_COUNCIL_CODE", default=CME_OLD_LA_CODE)
CME_TRANSFER_SIGNING_KEY_FILE = env.str("CME_TRANSFER_SIGNING_KEY_FILE", default="")
CME_TRANSFER_ENCRYPTION_KEY_FILE = env.str("CME_TRANSFER_ENCRYPTION_KEY_FILE", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
if LOCAL:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up when it is missing


# --- Forms ---
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["cme.api.authentication.AuditedTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["cme.api.permissions.HasNamedPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "cme.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "cme.api.exceptions.api_exception_handler",
}
REST_KNOX = {"TOKEN_TTL": timedelta(days=90), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "cme API",
    "DESCRIPTION": "Children missing education casework. Token authentication: `Authorization: Token <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["cme.api.permissions.HasNamedPermission"],
    "SERVE_AUTHENTICATION": ["cme.api.authentication.AuditedTokenAuthentication"],
}

# --- Background tasks: database-backed queue, worked by `cme run` / `manage.py db_worker` ---
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Tasks the worker enqueues once a day (cme.common.scheduler): dotted paths to django-tasks task objects.
CME_DAILY_TASKS = [
    "cme.audit.tasks.audit_checkpoint_daily",
    "cme.reports.tasks.population_baseline_daily",
    "cme.privacy.tasks.retention_sweep_task",  # housekeeping, and a disposal batch for the DPO to approve
    "cme.tasks.jobs.task_digest_daily",  # each caseworker who asked for it: a summary of their tasks (no child named)
    "cme.privacy.tasks.notice_check_task",  # a draft privacy notice when the catalogue has changed what it says
    "cme.cases.partner_jobs.enquiry_chasers_daily",  # reminders to partner agencies (a link, never a child's details)
    "cme.webhooks.tasks.webhook_deliveries_due_task",  # webhook retries a restarted worker never queued
]

# --- Emails about officers' tasks (cme.tasks.email; docs/operating.md "Task emails") ---
# CME_EMAIL_SERVICE: "smtp" (Django's email backend, settings below) or "notify" (GOV.UK Notify's Python client).
CME_EMAIL_SERVICE = env.str("CME_EMAIL_SERVICE", default="smtp")
if CME_EMAIL_SERVICE not in ("smtp", "notify"):
    raise ImproperlyConfigured('CME_EMAIL_SERVICE must be "smtp" or "notify".')
# The address the links in emails start with (the address staff use to reach cme), without a trailing slash.
CME_SITE_URL = env.str("CME_SITE_URL", default="http://127.0.0.1:8000" if LOCAL else "").rstrip("/")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if CME_DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cme@localhost")
# GOV.UK Notify: an API key (a "team and guest list" or "live" key), and an email template whose subject is
# ((subject)) and body ((body)). CME_NOTIFY_BASE_URL is Notify's API address; change it only for a stand-in.
CME_NOTIFY_API_KEY = env.str("CME_NOTIFY_API_KEY", default="")
CME_NOTIFY_TEMPLATE_ID = env.str("CME_NOTIFY_TEMPLATE_ID", default="")
CME_NOTIFY_BASE_URL = env.str("CME_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
if CME_EMAIL_SERVICE == "notify" and not (CME_NOTIFY_API_KEY and CME_NOTIFY_TEMPLATE_ID):
    raise ImproperlyConfigured("CME_EMAIL_SERVICE=notify needs CME_NOTIFY_API_KEY and CME_NOTIFY_TEMPLATE_ID.")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Translations are for the public front door only (cme.web.frontdoor: /report/ reads ?lang= or the browser's
# Accept-Language among LANGUAGES); staff pages stay in English. A council adds a language by adding it here and a
# locale/<code>/LC_MESSAGES/django.po (docs/operating.md, "Languages of the front door").
USE_I18N = True
LANGUAGES = [("en-gb", "English"), ("pl", "Polski")]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Cache: what the public forms' flood limits count in (cme.frontdoor.flood) ---
# Local memory (one count per worker process) unless CME_CACHE_URL names a shared cache, e.g.
# "dbcache://cme_cache" (after `manage.py createcachetable`) or "rediscache://127.0.0.1:6379/1" (needs `redis`).
CACHES = {"default": env.cache("CME_CACHE_URL", default="locmemcache://")}
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("CME_LOG_LEVEL", default="INFO")},
    # Request bodies and query strings can carry personal data: keep Django's request logger quiet.
    # WeasyPrint logs every page it lays out at INFO: a subject access pack of hundreds of pages would flood the log.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Daily background jobs (dotted paths to django-tasks tasks; the scheduler enqueues each once a day) ---
