"""Whole-page cache for anonymous readers, invalidated by a generation number.

Any change to a story, credit, person, photo or section bumps the generation,
so every cached page becomes unreachable at once (no stale page after publish
or unpublish). Scheduled stories change nothing in the database when their
time comes, so a page is never cached past the next scheduled publication.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

GENERATION_KEY = "newsroom:public:generation"
NEXT_SCHEDULED_KEY = "newsroom:public:next-scheduled:%s"


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = int(time.time() * 1000)
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def bump(**kwargs):
    """Signal receiver: make every cached public page unreachable."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (first use, or evicted)
        cache.set(GENERATION_KEY, int(time.time() * 1000), None)


def page_key(request, gen):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"newsroom:page:{gen}:{digest}"


def timeout_for(gen):
    """Seconds a page may stay cached: the configured time, cut short by the
    next scheduled publication (0: do not cache)."""
    default = settings.NEWSROOM_PAGE_CACHE_SECONDS
    now = timezone.now().timestamp()
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
    if next_at:
        return max(0, min(default, int(next_at - now)))
    return default
