"""BinnenBuiten settings: one module, configured from the environment.

Without ``DJANGO_DEBUG`` the settings are strict, as on a production site: a secret key
is required and the security headers and cookies are those of a production site, so a
production start that forgot the variable never runs in debug mode. ``make run`` and the
test settings (``[tool.pytest.ini_options] env`` in pyproject.toml) turn debug on
explicitly; local use then needs nothing else (SQLite file, tasks in-process).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    env_bool,
    env_choice,
    env_css_classes,
    env_int,
    env_list,
    env_str,
    env_stylesheet,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only-" + "x" * 20  # noqa: S105
# Without debug and without a key, commands that sign nothing (makemigrations, check) still
# run; the web server and the worker refuse to start (config.env.require_secret_key, called
# by wsgi.py, asgi.py and a boot step of the worker in celery.py).

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "axes",
    # The second factor: TOTP apps, and recovery codes as single-use static tokens.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The audit trail (web/history.py): triggers and the event tables of every tracked model.
    "pgtrigger",
    "pghistory",
    "governance",
    "stakeholders",
    "projects",
    # People and how they sign in: the User admin, the organisation's login, the second factor.
    "accounts",
    # Demo data and `seed_demo` (demo/__init__.py): not part of the product.
    "demo",
    # The shared web plumbing (web/__init__.py): security log, audit context, theme.
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise, which also serves the organisation's theme file from disk (web/theme.py).
    "web.theme.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after auth: no browser or proxy keeps a copy of what a signed-in person was sent.
    "web.security.NoStoreForSignedInMiddleware",
    # request.user.is_verified(): the session gave a code of one of the user's devices.
    "django_otp.middleware.OTPMiddleware",
    # After auth: every change a request makes carries its user and URL in the audit trail.
    "web.history.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After auth, messages and htmx: it logs out, leaves a message, answers htmx with HX-Redirect.
    "web.security.SessionLifetimeMiddleware",
    # After the session lifetime: a session that must still give its second factor (or set
    # one up) reaches only those pages (accounts/middleware.py).
    "accounts.middleware.SecondFactorMiddleware",
    "web.security.RefusedAccessMiddleware",
    # A signed-in person without a role reaches only the "no role" page (accounts/no_role.py).
    "accounts.no_role.RoleRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.theme.theme",
            ],
        },
    },
]

# --- data ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache; a Redis that is down is a cache miss (web/cache.py).
            "BACKEND": "web.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- auth and sessions ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: django-axes refuses a locked-out username and address before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Local accounts stay, also when the organisation's identity provider is switched on.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A signed-in session ends after this many minutes without a request, and this many hours
# after login whatever happens (web/security.py: Django's cookie age alone restarts at
# every save of the session).
BB_SESSION_IDLE_MINUTES = env_int("BB_SESSION_IDLE_MINUTES", 30, minimum=1)
BB_SESSION_MAX_HOURS = env_int("BB_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = BB_SESSION_MAX_HOURS * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# htmx sends the token from the page (hx-headers on <body>); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Reverse proxies in front of the app that each append the address they saw to
# X-Forwarded-For. 0: the header is ignored (a client could write anything in it).
BB_TRUSTED_PROXY_COUNT = env_int("BB_TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- the second factor (django-otp) -----------------------------------------------------------
# Who must use a second factor at login: "beheerder" (Beheerders and superusers), "all", or
# "none" (only the demo: a system check warns when DEBUG is off). The admin asks a verified
# session of everyone unless "none"; whoever set one up gives a code at every login anyway.
BB_2FA_REQUIRED_FOR = env_choice("BB_2FA_REQUIRED_FOR", "beheerder", ("beheerder", "all", "none"))
OTP_TOTP_ISSUER = "BinnenBuiten"
# Wrong codes make the next try wait 1, 2, 4, 8 ... seconds (per device, from any address).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin of devices never shows a secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- login throttling (django-axes) ---------------------------------------------------------
AXES_FAILURE_LIMIT = env_int("BB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BB_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Username and address together: one attacker cannot lock out a whole office behind one
# address, nor lock a colleague out everywhere by guessing at their username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout; tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "web.audit_log.client_ip"
AXES_LOCKOUT_CALLABLE = "web.security.lockout_response"
# Logins are recorded in the security log (web/audit_log.py), not in a table without end.
AXES_DISABLE_ACCESS_LOG = True

# --- password reset by e-mail (accounts/password_reset.py) ----------------------------------
# Off: the reset pages answer 404 and the login page offers no link. There is no switch for
# local login: with BB_OIDC_ENABLED the local accounts stay, so an organisation that signs in
# through its identity provider only sets this to false (accounts made by that login have no
# password and never get a reset e-mail anyway).
BB_PASSWORD_RESET_ENABLED = env_bool("BB_PASSWORD_RESET_ENABLED", True)
# Requests per hour for one e-mail address and from one client address; beyond that the
# page looks the same but no e-mail goes out.
BB_PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("BB_PASSWORD_RESET_LIMIT_PER_ADDRESS", 5, minimum=1)
BB_PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("BB_PASSWORD_RESET_LIMIT_PER_CLIENT", 20, minimum=1)

# --- login through the organisation's identity provider (OpenID Connect) --------------------
BB_OIDC_ENABLED = env_bool("BB_OIDC_ENABLED", False)
if BB_OIDC_ENABLED:
    _OIDC_SIGN_ALGORITHMS = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256"}
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID") or ""
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET") or ""
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT") or ""
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT") or ""
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT") or ""
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT") or None
    # The provider's issuer identifier, exactly as its ID tokens say ``iss``: accounts are
    # linked by (issuer, subject) (accounts/oidc.py).
    OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER") or ""
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO") or "RS256"
    if OIDC_RP_SIGN_ALGO not in _OIDC_SIGN_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO must be one of {', '.join(sorted(_OIDC_SIGN_ALGORITHMS))}, "
            f"not {OIDC_RP_SIGN_ALGO!r}"
        )
    _oidc_endpoints = {
        "OIDC_OP_ISSUER": OIDC_OP_ISSUER,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    }
    if OIDC_RP_SIGN_ALGO != "HS256":  # a public-key signature is checked against the JWKS
        _oidc_endpoints["OIDC_OP_JWKS_ENDPOINT"] = OIDC_OP_JWKS_ENDPOINT or ""
    _oidc_missing = [
        name
        for name, value in {
            "OIDC_RP_CLIENT_ID": OIDC_RP_CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
            **_oidc_endpoints,
        }.items()
        if not value
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            "BB_OIDC_ENABLED is on, but these settings are missing: " + ", ".join(_oidc_missing)
        )
    for _name, _url in _oidc_endpoints.items():
        if not _url.startswith("https://") and not (DEBUG and _url.startswith("http://")):
            raise ImproperlyConfigured(f"{_name} must be an https:// address, not {_url!r}")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
    AUTHENTICATION_BACKENDS.append("accounts.oidc.OrganisationOIDCBackend")
    INSTALLED_APPS.append("mozilla_django_oidc")

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/vendor is filled by the build step from the npm registry and never committed.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- the organisation's look (web/theme.py) ----------------------------------------------
# Unset: the NL Design System example theme. Otherwise the organisation's own token file: an
# https:// address (http:// only with DEBUG) or the path of a .css file on this machine.
BB_THEME_CSS = env_stylesheet("BB_THEME_CSS", base_dir=BASE_DIR, allow_http=DEBUG)
# The class on <html> that the token file's custom properties hang on.
BB_THEME_CLASS = env_css_classes("BB_THEME_CLASS", "voorbeeld-theme")

# --- e-mail ---------------------------------------------------------------------------------
_EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": (
            {
                "host": env_str("DJANGO_EMAIL_HOST", "localhost"),
                "port": env_int("DJANGO_EMAIL_PORT", 25, minimum=1),
                "username": env_str("DJANGO_EMAIL_HOST_USER", ""),
                "password": env_str("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
                "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10, minimum=1),
            }
            if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "BinnenBuiten <binnenbuiten@localhost>")

# --- security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
if "://" in BB_THEME_CSS:
    # Exactly the configured file (a CSP source with a path matches only that path).
    _theme = urlsplit(BB_THEME_CSS)
    SECURE_CSP["style-src"].append(f"{_theme.scheme}://{_theme.netloc}{_theme.path}")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # HSTS preload is a one-way commitment for the whole parent domain (e.g. a
    # municipality's gemeente.nl): that is the organisation's decision, not the app's.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # A __Host- cookie is bound to this one host: browsers take it only with Secure, Path=/
    # and no Domain, so no sibling site under the same domain can set or overwrite it.
    if env_bool("DJANGO_COOKIE_HOST_PREFIX", True):
        SESSION_COOKIE_NAME = "__Host-sessionid"
        CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in the calling process so `make run` needs no services.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the hard time limit, so an unacknowledged task is not redelivered mid-run.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
}

# --- BinnenBuiten ---------------------------------------------------------------------------
# Working days of slack below which a procedure that must still start is flagged "high".
BB_WARNING_MARGIN_DAYS = env_int("BB_WARNING_MARGIN_DAYS", 10, minimum=0)
# Working days a commissioner has to answer a support request before it is escalated.
BB_SUPPORT_ANSWER_DAYS = env_int("BB_SUPPORT_ANSWER_DAYS", 5, minimum=1)
# Working days without any update after which a person's open friction point is stale.
BB_STALE_DAYS = env_int("BB_STALE_DAYS", 20, minimum=1)
# Liberation Day (5 May) is a day off every year, or only every five years (2025, 2030...).
BB_LIBERATION_DAY_EVERY_YEAR = env_bool("BB_LIBERATION_DAY_EVERY_YEAR", False)
# Where the site is reached, for the links in e-mails (sent from a worker, without a request).
BB_SITE_URL = (env_str("BB_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# Months after a contact person's last project ended before their data is purged.
BB_CONTACT_RETENTION_MONTHS = env_int("BB_CONTACT_RETENTION_MONTHS", 24, minimum=1)
# One organisation import (admin page or command): files, data rows of all files
# together, and megabytes per file. Beyond any of them the run is refused whole.
# (More files than DATA_UPLOAD_MAX_NUMBER_FILES, 100, Django refuses before the import.)
BB_IMPORT_MAX_FILES = env_int("BB_IMPORT_MAX_FILES", 10, minimum=1, maximum=100)
BB_IMPORT_MAX_ROWS = env_int("BB_IMPORT_MAX_ROWS", 50_000, minimum=1)
BB_IMPORT_MAX_FILE_MB = env_int("BB_IMPORT_MAX_FILE_MB", 10, minimum=1)

# The audit trail (django-pghistory): reads change nothing, so only writes open a context.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Who signed in, failed, was locked out or refused: one JSON object a line, always on.
        "binnenbuiten.security": {"level": "INFO"},
    },
}
