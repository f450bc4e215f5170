"""Settings of Accompaniment CRM: one module, driven by the environment.

The embedded default needs no services: SQLite under ``var/``, Celery tasks run eagerly
in-process, e-mails are written as files to ``var/outbox/``. Setting ``DATABASE_URL`` and
``REDIS_URL`` switches to PostgreSQL and real Celery workers over Redis. ``DEBUG`` is off unless
the environment turns it on (``make run`` does; the tests read ``settings_test``); with it off
the settings are hardened for production and ``SECRET_KEY`` becomes mandatory. Every variable
read here is listed, with its default, in ``.env.example``.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env file is optional and never committed; the real environment wins over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------
# Off unless turned on: a server started without it is never in development mode.
DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # manage.py's code-only commands (makemigrations, catalogues) sign nothing: no key needed
    if not DEBUG and not env.bool("ACCOMPANIMENT_CODE_ONLY", default=False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, Accompaniment CRM refuses to start without "
            "a secret key: set the SECRET_KEY environment variable to a long random string, e.g. "
            "the output of `python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------
DJANGO_APPS = [
    "accompaniment.apps.ClubAdminConfig",  # django.contrib.admin with the club's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "phonenumber_field",
    "django_filters",
    "import_export",
    "simple_history",
    "accompaniment.apps.LoginProtectionConfig",  # django-axes, named in the club's languages
    "csp",
]
# In dependency order: core <- clients <- staff <- programs <- sales; accompaniment composes them.
LOCAL_APPS = [
    "core",
    "clients",
    "staff",
    "programs",
    "sales",
    "accompaniment",
]
# The demo club and the bench (``manage.py seed_demo``, ``manage.py bench``): development tools,
# installed only when asked for (on by default with DEBUG). A production install has neither.
DEV_TOOLS = env.bool("DEV_TOOLS", default=DEBUG)
DEV_APPS = ["accompaniment.devtools"] if DEV_TOOLS else []
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS + DEV_APPS

MIDDLEWARE = [
    # First: the load balancer's probe of /health/ by address over plain HTTP is answered as is.
    "accompaniment.security.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accompaniment.security.RefuseNulInAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clients.languages.UserLanguageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "accompaniment.urls"
WSGI_APPLICATION = "accompaniment.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accompaniment.context_processors.club",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------
# Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL.
# ---------------------------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation pays off for hour-long analytics, not for a page's short aggregates: it
    # added seconds to the dashboard's statements at 50,000 clients. PG_JIT=true turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=" + ("on" if env.bool("PG_JIT", default=False) else "off")
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web process read while a Celery task or a management command writes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------
# Cache: Redis when REDIS_URL is set (shared by every web and worker process), else local memory.
# ---------------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "accompaniment",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username from the same address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The change history (django-simple-history) is read, never used to put an old version back.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Login protection (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES; a good login resets the count.
# By the pair, not the address alone: a whole club behind one NAT address is not locked out by
# one person's typos, and nobody can lock a colleague out from elsewhere. Password spraying (many
# usernames from one address) meets its own, higher limit: LOGIN_ADDRESS_FAILURE_LIMIT failures
# from one address in that time, each username counting at most LOGIN_FAILURE_LIMIT of them,
# pause every login from there (accompaniment.security.PairAndAddressLockoutHandler).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_HANDLER = "accompaniment.security.PairAndAddressLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accompaniment.security.client_ip"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True

# ---------------------------------------------------------------------------------------------
# Languages, time and money
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
]
# The project's catalogues, then the third-party apps' messages their own catalogues lack
# (accompaniment/catalogues.py; makemessages writes only to the first).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third_party"]
# Dates written and typed the club's way in each language, the admin site's included.
FORMAT_MODULE_PATH = "core.formats"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Kyiv")
USE_I18N = True
USE_TZ = True
CURRENCY = env.str("CURRENCY", default="UAH")
CLUB_NAME = env.str("CLUB_NAME", default="Accompaniment CRM")
PHONENUMBER_DEFAULT_REGION = env.str("PHONE_REGION", default="UA")
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# ---------------------------------------------------------------------------------------------
# Static files: Bootstrap and Chart.js are copied into static/vendor/ by the Makefile.
# ---------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------------------------
# E-mail: files under var/outbox/ by default; EMAIL_URL (smtp://user:pass@host:587/?tls=True).
# ---------------------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "outbox"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="club@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# ---------------------------------------------------------------------------------------------
# Celery: eager in-process without REDIS_URL; Redis broker and result backend with it.
# ---------------------------------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=10 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=9 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# ---------------------------------------------------------------------------------------------
# Production hardening: everything `manage.py check --deploy` asks for when DEBUG is off.
# ---------------------------------------------------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Content security policy (django-csp) on every page: scripts, styles, fonts and images from this
# site only (Bootstrap and Chart.js are served from static/), no inline script or style, no
# plugins, no framing, forms post only here. Report-only first with CSP_REPORT_ONLY=true.
_CSP = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# ---------------------------------------------------------------------------------------------
# Logging: to the console, where gunicorn, Celery and systemd collect it.
# ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------------
# Reminders and the outbox (all thresholds in days, counted in the club's local date)
# ---------------------------------------------------------------------------------------------
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
REMINDER_EXPIRY_DAYS = env.list("REMINDER_EXPIRY_DAYS", cast=int, default=[14, 7, 1])
REMINDER_RENEWAL_CALL_DAYS = env.int("REMINDER_RENEWAL_CALL_DAYS", default=7)
REMINDER_RENEWAL_OFFER_AFTER_DAYS = env.int("REMINDER_RENEWAL_OFFER_AFTER_DAYS", default=3)
REMINDER_VISITS_LEFT = env.int("REMINDER_VISITS_LEFT", default=2)
REMINDER_ONBOARDING_DAYS = env.list("REMINDER_ONBOARDING_DAYS", cast=int, default=[3, 14, 30])
REMINDER_LAPSED_DAYS = env.int("REMINDER_LAPSED_DAYS", default=14)
# A session cancelled less than this many hours before it starts is a late cancel (the client's
# plan decides whether it uses up a visit: programs.scheduling.attendance).
LATE_CANCEL_HOURS = env.int("LATE_CANCEL_HOURS", default=12)
# Hours before a session when its reminder goes to the client (by the daily pipeline: the
# sessions starting within a day from this many hours after the run's day begins).
SESSION_REMINDER_HOURS = env.int("SESSION_REMINDER_HOURS", default=24)
# Booking into a group class closes this many minutes before it starts, unless the class says
# otherwise; the timetable is generated this many weeks ahead (programs.classes).
CLASS_BOOKING_CLOSES_MINUTES = env.int("CLASS_BOOKING_CLOSES_MINUTES", default=120)
CLASS_TIMETABLE_WEEKS = env.int("CLASS_TIMETABLE_WEEKS", default=8)


def _time_of_day(name: str, value: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time of day like 08:30, not {value!r}") from None


# When the periodic tasks run, in the club's local time; `manage.py setup_periodic_tasks`
# writes them to the schedule (accompaniment/periodic_tasks.py).
DAILY_REMINDERS_AT = _time_of_day("DAILY_REMINDERS_AT", env.str("DAILY_REMINDERS_AT", default="08:30"))
STAGE_REFRESH_AT = _time_of_day("STAGE_REFRESH_AT", env.str("STAGE_REFRESH_AT", default="01:00"))
CLASS_TIMETABLE_AT = _time_of_day("CLASS_TIMETABLE_AT", env.str("CLASS_TIMETABLE_AT", default="02:00"))
# No messages to clients between these local hours; delivery waits until the morning.
QUIET_HOURS_START = env.int("QUIET_HOURS_START", default=21)
QUIET_HOURS_END = env.int("QUIET_HOURS_END", default=9)
# When the preferred channel fails for good, the next consented one in this order is tried.
MESSAGE_CHANNEL_ORDER = env.list("MESSAGE_CHANNEL_ORDER", default=["email", "telegram", "sms"])
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=3)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_CHUNK_SIZE = env.int("OUTBOX_CHUNK_SIZE", default=200)
# A message still "being sent" this long after its hand-off began was left by a worker that
# stopped: it becomes "unconfirmed" (never re-sent by itself). Longer than any hand-off can
# take, and than CELERY_TASK_TIME_LIMIT, after which a stuck task is killed.
OUTBOX_SENDING_LEASE_SECONDS = env.int("OUTBOX_SENDING_LEASE_SECONDS", default=15 * 60)
# SMS and Telegram backends in the style of EMAIL_BACKEND: files by default.
SMS_BACKEND = env.str("SMS_BACKEND", default="clients.messaging.backends.FileSmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="CLUB")
TELEGRAM_BACKEND = env.str(
    "TELEGRAM_BACKEND", default="clients.messaging.backends.FileTelegramBackend"
)
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_LINK_MINUTES = env.int("TELEGRAM_LINK_MINUTES", default=24 * 60)
PERSONAL_PAGE_DAYS = env.int("PERSONAL_PAGE_DAYS", default=30)
# A client's message waits this many minutes of working time before it is overdue.
MESSAGE_ANSWER_MINUTES = env.int("MESSAGE_ANSWER_MINUTES", default=60)
WORKING_HOURS_START = env.int("WORKING_HOURS_START", default=9)
WORKING_HOURS_END = env.int("WORKING_HOURS_END", default=21)
MESSAGES_FILE_PATH = VAR_DIR / "messages"

# ---------------------------------------------------------------------------------------------
# Feedback and quality surveys
# ---------------------------------------------------------------------------------------------
COMPLAINT_OVERDUE_HOURS = env.int("COMPLAINT_OVERDUE_HOURS", default=48)
SURVEY_MIN_DAYS_BETWEEN = env.int("SURVEY_MIN_DAYS_BETWEEN", default=30)
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=14)
# The quarterly survey spread over the quarter, each client on a stable day of their own.
SURVEY_SPREAD_OVER_QUARTER = env.bool("SURVEY_SPREAD_OVER_QUARTER", default=True)

# ---------------------------------------------------------------------------------------------
# The director's dashboard: its figures are kept this many seconds in the cache (0: never).
# ---------------------------------------------------------------------------------------------
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
# A closed period's figures (the one the dashboard compares with) stay cached until a backdated
# write touches them (accompaniment/dashboard/closed.py); this bounds how long (0: not kept).
DASHBOARD_CLOSED_CACHE_SECONDS = env.int("DASHBOARD_CLOSED_CACHE_SECONDS", default=24 * 60 * 60)
# Connections one page may read through at once on PostgreSQL (core/parallel.py: the dashboard's
# and Today's at-risk set beside their other figures); 1 reads everything one after another.
PARALLEL_READS = env.int("PARALLEL_READS", default=2)

# ---------------------------------------------------------------------------------------------
# Importing spreadsheets in the admin site: larger files are refused before any row is parsed.
# ---------------------------------------------------------------------------------------------
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
