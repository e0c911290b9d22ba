"""The public site's two caches, both invalidated by a generation number.

- The page cache: whole pages for anonymous readers (``PageCacheMiddleware``,
  ``cache_public_page``).
- The object cache under it: what every reader's page needs but costs
  queries to find (``cached()``: totals, stories, related stories), plus
  per-process copies of the sections (``sections()``).

Any change to a story, credit, person, photo or section bumps the generation
(``invalidate``), so everything cached becomes unreachable at once (no stale
page after publish or unpublish). Scheduled stories change nothing in the
database when their time comes, so nothing is cached past the next
scheduled publication.
"""

import contextvars
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe, quote_etag

GENERATION_KEY = "newsroom:public:generation"
NEXT_SCHEDULED_KEY = "newsroom:public:next-scheduled:%s"


# Within a request the generation is read from the cache once: the page
# cache, the counts, the sections and the related stories all ask for it.
# None outside a request (commands, the shell): then every call reads it.
_request_memo = contextvars.ContextVar("newsroom_request_memo", default=None)


def generation():
    memo = _request_memo.get()
    if memo is not None and "generation" in memo:
        return memo["generation"]
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Microseconds: a new value after cache.clear() is never the old one
        # (per-process copies are keyed by it).
        value = time.time_ns() // 1000
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    if memo is not None:
        memo["generation"] = value
    return value


def invalidate(**kwargs):
    """Signal receiver for every change to what the public pages show: bump
    the generation now and again when the transaction commits. Between the
    save and the commit other readers still see the old rows; what they
    cache in that moment goes with the second bump (one per transaction)."""
    bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(bump)


def bump(**kwargs):
    """Make every cached public page and object unreachable."""
    memo = _request_memo.get()
    if memo is not None:
        memo.pop("generation", None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (first use, or evicted)
        cache.set(GENERATION_KEY, time.time_ns() // 1000, None)


def page_key(request, gen):
    """Generation + scheme, host and full path (pages carry absolute URLs)."""
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"newsroom:page:{gen}:{digest}"


# The next scheduled publication, per process, for one generation: it can
# only change when something is saved (a new generation) or when it passes.
_next_scheduled = (None, None)


def timeout_for(gen, default=None):
    """Seconds a page may stay cached: the configured time (or ``default``),
    cut short by the next scheduled publication (0: do not cache)."""
    global _next_scheduled
    if default is None:
        default = settings.NEWSROOM_PAGE_CACHE_SECONDS
    now = timezone.now().timestamp()
    known_gen, next_at = _next_scheduled
    if known_gen != gen or (next_at and next_at <= now):
        next_at = _next_scheduled_at(gen, now, default)
        _next_scheduled = (gen, next_at)
    if next_at:
        return max(0, min(default, int(next_at - now)))
    return default


def _next_scheduled_at(gen, now, default):
    """When the next scheduled story comes out (a timestamp, 0: none),
    shared through the cache by every process."""
    key = NEXT_SCHEDULED_KEY % gen
    next_at = cache.get(key)
    if next_at is None or (next_at and next_at <= now):
        from articles.models import Article

        first = (
            Article.objects.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        next_at = first.timestamp() if first else 0
        cache.set(key, next_at, default or None)
    return next_at


OBJECT_KEY = "newsroom:object:%s:%s"


def cached(key, compute):
    """``compute()``, shared by everyone who asks for the same ``key`` until
    anything changes (the generation) or a scheduled story comes out.

    This is the object cache, under the page cache and independent of it.
    It serves whoever the page cache cannot: staff, readers with a session,
    and the first reader of a page. It keeps what is the same for everyone
    but costs queries to find: list totals (counting 100,000 stories was
    half of /news/), a story with its credits and photos, and a story's
    related stories (docs/PERFORMANCE.md). NEWSROOM_OBJECT_CACHE_SECONDS
    sets how long (0: off). ``compute()`` must not return None."""
    seconds = settings.NEWSROOM_OBJECT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    gen = generation()
    timeout = timeout_for(gen, seconds)
    if timeout <= 0:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    cache_key = OBJECT_KEY % (gen, digest)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, timeout)
    return value


def cached_count(key, count):
    """``count()`` of a public list, through the object cache."""
    return cached(("count", key), count)


# The sections, per process, for the current generation: every public page
# lists them in its navigation and /news/ in its filter.
_sections = (None, [])


def sections():
    """All sections in order, read from the database once per process per
    change of the site (the generation)."""
    global _sections
    from articles.models import Section

    gen = generation()
    if _sections[0] != gen:
        _sections = (gen, list(Section.objects.all()))
    return _sections[1]


def _is_anonymous_read(request):
    """A GET or HEAD from a reader with no session and no pending messages:
    the page is the same for all of them."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def _etag_for(response):
    digest = hashlib.sha256(response.content).hexdigest()[:32]
    return quote_etag(digest)


def cache_public_page(view):
    """Mark a public view's pages for the page cache and for conditional GETs.

    Anonymous GET/HEAD responses with status 200 get an ETag and public
    cache headers, and are flagged for ``PageCacheMiddleware``, which stores
    them (for ``timeout_for(generation)`` seconds, unless they set a cookie)
    and answers If-None-Match/If-Modified-Since with 304. Everyone else (a
    session cookie means staff, or a reader with messages) gets a freshly
    rendered, private page.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = _render(view(request, *args, **kwargs))
        if not _is_anonymous_read(request):
            patch_vary_headers(response, ("Cookie",))
            patch_cache_control(response, private=True)
            return response
        if response.status_code != 200 or response.streaming:
            return response
        response.headers["ETag"] = _etag_for(response)
        patch_vary_headers(response, ("Cookie",))
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        response.newsroom_page_cache = True
        return response

    return wrapped


class PageCacheMiddleware:
    """Serve anonymous readers from the page cache before sessions, auth,
    CSRF, messages and the view run (a hit costs two cache reads), and store
    the pages ``cache_public_page`` marked, with the headers the inner
    middleware added (CSP, X-Frame-Options).

    ``NEWSROOM_PAGE_CACHE_SECONDS = 0`` turns the cache off; ETags and 304s
    stay. Static files, uploads, the admin and previews are never looked up.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip = tuple(
            "/" + prefix.strip("/") + "/"
            for prefix in (
                settings.STATIC_URL,
                settings.MEDIA_URL,
                settings.NEWSROOM_ADMIN_URL,
                "preview",
            )
        )

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self._respond(request)
        finally:
            _request_memo.reset(token)

    def _respond(self, request):
        key = None
        if (
            settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
            and _is_anonymous_read(request)
            and not request.path_info.startswith(self.skip)
        ):
            gen = generation()
            key = page_key(request, gen)
            cached = cache.get(key)
            if cached is not None:
                cached.headers["X-Page-Cache"] = "hit"
                return _conditional(request, cached)
        response = self.get_response(request)
        if not getattr(response, "newsroom_page_cache", False):
            return response
        if key and not response.cookies:
            timeout = timeout_for(gen)
            if timeout > 0:
                response.headers["X-Page-Cache"] = "miss"
                cache.set(key, response, timeout)
        return _conditional(request, response)


def _render(response):
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _conditional(request, response):
    """304 when the reader's copy is current, by ETag or by Last-Modified
    (set by views that know when their content last changed)."""
    return get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=parse_http_date_safe(response.headers.get("Last-Modified", "")),
        response=response,
    )


class CachedPublicPageMixin:
    """For class-based public views: ``as_view()`` is wrapped in
    ``cache_public_page``."""

    @classmethod
    def as_view(cls, **initkwargs):
        return cache_public_page(super().as_view(**initkwargs))
