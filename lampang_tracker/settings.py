"""Settings for Lampang Tracker: every value comes from the environment.

The typed helpers below fail loudly on a value they cannot read, so a typo in
production configuration stops the process instead of silently falling back.
"""

import datetime
import json
import os
import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# pythainlp must never reach the network (tokeniser dictionaries ship in the wheel).
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "csp",
    "axes",
    "lampang_tracker",
    "agencies",
    "meetings",
    "directives",
    "minutes",
    "imports",
    "notifications",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "people",
    "dashboards",
    "opendata",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lampang_tracker.headers.ContentSecurityPolicyMiddleware",  # django-csp, PDFs apart
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lampang_tracker.auth.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lampang_tracker.headers.PrivateCacheMiddleware",  # Cache-Control: private, no-store when signed in
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in user with two-factor on (or required for their role) goes to the
    # code page (or its set-up) before anything else.
    "people.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lampang_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.role",
                "notifications.context_processors.notify",
            ],
            "builtins": ["lampang_tracker.templatetags.thai"],
        },
    },
]

WSGI_APPLICATION = "lampang_tracker.wsgi.application"

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
# The database file and uploads live here; git ignores the folder, so a fresh clone
# does not have it and SQLite cannot create its file inside a missing folder.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; IMMEDIATE transactions and a
    # busy timeout make concurrent writers wait instead of failing with
    # "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_TIMEOUT", 20),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TEST_RUNNER = "lampang_tracker.test_runner.TestRunner"

# Django's rules with their messages and help in Thai (people/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "people.passwords.ThaiUserAttributeSimilarityValidator"},
    {"NAME": "people.passwords.ThaiMinimumLengthValidator"},
    {"NAME": "people.passwords.ThaiCommonPasswordValidator"},
    {"NAME": "people.passwords.ThaiNumericPasswordValidator"},
]
# An invitation's set-password link and a "forgot password" link stay valid this
# many days (Django's token machinery; a link stops working once it has been used).
PASSWORD_RESET_TIMEOUT = envint("INVITATION_DAYS", 3) * 24 * 60 * 60
# Roles that must sign in with a second factor (TOTP app), e.g. "secretariat,executive";
# empty: two-factor is optional for those roles (agency users never need it).
REQUIRE_2FA_ROLES = envlist("REQUIRE_2FA_ROLES", "")
if unknown_roles := set(REQUIRE_2FA_ROLES) - {"secretariat", "executive", "agency"}:
    raise ImproperlyConfigured(f"REQUIRE_2FA_ROLES: unknown role(s) {sorted(unknown_roles)}")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Lampang Tracker")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair may not try again for LOGIN_COOLOFF_MINUTES;
# other users and other addresses are not affected, and a success clears the count.
# Axes' backend goes first and needs the request (the login view passes it).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lampang_tracker.auth.login_locked_out"
# Behind a reverse proxy every request comes from the proxy's address: with
# TRUSTED_PROXY_COUNT proxies in front, the client is the address that many entries
# from the right of X-Forwarded-For (the nginx site appends the address it saw).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "lampang_tracker.auth.client_ip"

# A login ends after SESSION_IDLE_MINUTES without a request (default a working day):
# lampang_tracker.auth.IdleSessionMiddleware saves the session, and so moves its
# expiry forward, at most every SESSION_REFRESH_SECONDS rather than on every request.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 8 * 60) * 60
SESSION_REFRESH_SECONDS = min(300, SESSION_COOKIE_AGE // 10)

LANGUAGE_CODE = "th"
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
# Thai for the messages Django and the libraries leave in English (validation errors).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    # Uploaded evidence lives outside the static tree and is served only through a
    # view that checks permission (directives.views.attachment_download).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not envbool("STATIC_MANIFEST", not DEBUG)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads on object storage (docs/scaling.md): any django-storages backend, e.g.
# STORAGE_BACKEND=storages.backends.s3.S3Storage with STORAGE_OPTIONS as a JSON object
# ({"bucket_name": "…", "endpoint_url": "…"}); boto3 is installed only where it is used.
if os.environ.get("STORAGE_BACKEND"):
    try:
        storage_options = json.loads(os.environ.get("STORAGE_OPTIONS") or "{}")
    except ValueError as exc:
        raise ImproperlyConfigured(f"STORAGE_OPTIONS must be a JSON object: {exc}") from exc
    if not isinstance(storage_options, dict):
        raise ImproperlyConfigured("STORAGE_OPTIONS must be a JSON object")
    STORAGES["default"] = {"BACKEND": os.environ["STORAGE_BACKEND"], "OPTIONS": storage_options}
# Tests and `runserver` serve static files from the app folders; only a deployment
# runs collectstatic, so a missing STATIC_ROOT is expected elsewhere.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
MEDIA_ROOT = VAR_DIR / "uploads"
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The attendance table of a meeting of every head of agency (150 people, 9 fields a
# row) and the bulk directive table post more than Django's 1,000 fields; the body
# stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")

SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp 4): everything from our own origin, no inline
# script or style (scripts live in static/js, styles in static/css), no plugins, and
# no page of ours inside another site's frame. PDFs and uploaded files get stricter
# policies of their own (lampang_tracker.headers, directives.views.UPLOAD_POLICY).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# HTTPS (README "Running on a server": nginx terminates TLS). Safe defaults when DEBUG is off; the test
# runner (lampang_tracker.test_runner) turns the redirect off for the plain-HTTP test client.
# A reverse proxy names the scheme in a header: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    proxy_header = envlist("SECURE_PROXY_SSL_HEADER", "")
    if len(proxy_header) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be HEADER,value (e.g. HTTP_X_FORWARDED_PROTO,https)")
    SECURE_PROXY_SSL_HEADER = tuple(proxy_header)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes the app server directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Days ahead that count as "due soon" in the agency inbox.
DUE_SOON_DAYS = envint("DUE_SOON_DAYS", 7)

# The office line printed at the foot of documents that belong to no meeting series
# (the summary of a หนังสือสั่งการ); a series prints its own.
OFFICE_LINE = os.environ.get("OFFICE_LINE", "กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง โทร. ๐๕๔-๒๖๕๐๑๔")

# Processes that lay out one long PDF (the yearly follow-up report) side by side; 0:
# one per CPU (lampang_tracker/pdf.py). 1 prints every PDF in the worker alone.
PDF_PROCESSES = envint("PDF_PROCESSES", 0)

# Notifications (notifications/): links in messages start with SITE_URL; reminders go
# REMINDER_DAYS before a due date; a failed message is tried NOTIFY_MAX_ATTEMPTS times
# with backoff. LINE Messaging API: the official account's channel access token and
# secret; LINE_API_BASE_URL is changed only by tests (a fake server on 127.0.0.1).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
REMINDER_DAYS = [int(d) for d in envlist("REMINDER_DAYS", "7,3,1")]
REMINDER_CATCH_UP_DAYS = envint("REMINDER_CATCH_UP_DAYS", 3)
NOTIFY_MAX_ATTEMPTS = envint("NOTIFY_MAX_ATTEMPTS", 5)
LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
LINE_API_BASE_URL = os.environ.get("LINE_API_BASE_URL", "https://api.line.me")
LINE_TIMEOUT_SECONDS = envint("LINE_TIMEOUT_SECONDS", 10)
LINE_LINK_CODE_MINUTES = envint("LINE_LINK_CODE_MINUTES", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
