"""Newsroom settings: one module, configured by environment variables.

See README.md "Configuration" for the variables and their defaults.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A development checkout's .env (written by `make install`, git-ignored) turns
# DEBUG on for manage.py commands run by hand. Real environment variables
# win over it, and a deployment has no .env, so production still needs
# SECRET_KEY.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

NEWSROOM_SITE_NAME = env("NEWSROOM_SITE_NAME", default="Newsroom")
NEWSROOM_SITE_URL = env("NEWSROOM_SITE_URL", default="")
# Benchmarks need a view that touches neither database nor templates.
NEWSROOM_BENCH_URLS = env.bool("NEWSROOM_BENCH_URLS", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "ckeditor",
    "imagekit",
    "simple_history",
    # people and media before articles: the articles post_migrate handler
    # assigns their permissions to the staff groups.
    "people",
    "media",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # One JSON log line per request, with an X-Request-ID (README "Deploy").
    "newsroom.middleware.RequestLogMiddleware",
    # Anonymous page hits are answered here, before sessions and the view.
    "articles.cache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "newsroom.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if env("CACHE_URL", default="") or env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_URL", default="") or env("REDIS_URL"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds an anonymous public page may be served from the cache; 0 disables.
NEWSROOM_PAGE_CACHE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_SECONDS", default=300)
# The object cache under it (articles.cache.cached): totals, stories with
# their credits and photos, related stories; 0 turns it off.
NEWSROOM_OBJECT_CACHE_SECONDS = env.int("NEWSROOM_OBJECT_CACHE_SECONDS", default=300)

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The project package is not an app: list its static folder (site.css).
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
MEDIA_URL = "/uploads/"
MEDIA_ROOT = Path(env("NEWSROOM_MEDIA_ROOT", default=str(VAR_DIR / "uploads")))
# Photos and their renditions go through the default storage only (README,
# "Photos and storage"): set NEWSROOM_S3_BUCKET to keep them on S3 through
# django-storages (install it; credentials come from boto3's usual AWS_* env).
NEWSROOM_S3_BUCKET = env("NEWSROOM_S3_BUCKET", default="")
if NEWSROOM_S3_BUCKET:
    _MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": NEWSROOM_S3_BUCKET,
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "location": env("AWS_LOCATION", default=""),
            # Public, stable URLs: pages with photos are cached.
            "querystring_auth": False,
            # Never replace a stored original: renditions are named after it.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
else:
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _MEDIA_STORAGE,
    # Hashed, compressed, cached-forever names once `collectstatic` has run;
    # until then (development, tests) plain names served through the finders.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and (STATIC_ROOT / "staticfiles.json").exists()
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
WHITENOISE_MANIFEST_STRICT = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

# Uploads: a byte limit and a pixel limit (decompression bombs), see media/.
NEWSROOM_MAX_UPLOAD_BYTES = env.int("NEWSROOM_MAX_UPLOAD_BYTES", default=20 * 2**20)
NEWSROOM_MAX_UPLOAD_PIXELS = env.int("NEWSROOM_MAX_UPLOAD_PIXELS", default=40_000_000)

CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["RemoveFormat", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        "height": 320,
        "width": "100%",
    }
}
# CKEditor 4 is end-of-life (README, "Security"): bodies are sanitised on save
# with nh3 on the server, so the editor is never what protects readers.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.middleware.JsonLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Request lines go to stdout, beside gunicorn's JSON access log.
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "loggers": {
        "newsroom.request": {
            "handlers": ["requests"],
            "level": env("REQUEST_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Security (README "Deploy") ---------------------------------------------
# Behind TLS by default in production; `make run`, tests and local gunicorn
# runs over plain http set NEWSROOM_HTTPS=0.
NEWSROOM_HTTPS = env.bool("NEWSROOM_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = NEWSROOM_HTTPS
SESSION_COOKIE_SECURE = NEWSROOM_HTTPS
CSRF_COOKIE_SECURE = NEWSROOM_HTTPS
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31536000 if NEWSROOM_HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=NEWSROOM_HTTPS)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (nginx).
if env.bool("NEWSROOM_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

NEWSROOM_ADMIN_URL = env("NEWSROOM_ADMIN_URL", default="admin/").strip("/") + "/"

# django-csp 4: a strict policy for public pages (no inline script at all)
# and, through newsroom/security.py, a looser one for the admin, where the
# CKEditor 4 widget needs inline handlers and styles.
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(1, "newsroom.security.NewsroomCSPMiddleware")
_IMG_SOURCES = ["'self'", "data:", *env.list("NEWSROOM_CSP_IMG_SRC", default=[])]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _IMG_SOURCES,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
NEWSROOM_ADMIN_CSP = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": [*_IMG_SOURCES, "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}

# django-axes: lock out an IP and username pair after repeated failures.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_VERBOSE = False
