"""``reverse()`` for the public pages' one-slug routes, without the resolver.

A story list links every story and its section: 40 ``reverse()`` calls,
each walking the resolver and checking the result against the route's
pattern, took 2.6 ms of the 38 ms of /news/ on the bench machine
(docs/PERFORMANCE.md). The
route's text around the slug is worked out once (per script prefix and URL
configuration) and the slug is put in between. A value that is not a valid
slug goes through ``reverse()``, which raises ``NoReverseMatch`` as before.
"""

import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# What the <slug:...> path converter accepts: nothing in it needs quoting.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_MARK = "newsroom-slug-mark"


@lru_cache(maxsize=64)
def _around_slug(viewname, prefix, urlconf):
    url = reverse(viewname, urlconf=urlconf, kwargs={"slug": _MARK})
    before, _, after = url.partition(_MARK)
    return before, after


def slug_url(viewname, slug):
    """The same URL as ``reverse(viewname, kwargs={"slug": slug})``."""
    if not SLUG.fullmatch(slug or ""):
        return reverse(viewname, kwargs={"slug": slug})
    before, after = _around_slug(viewname, get_script_prefix(), get_urlconf())
    return before + slug + after


# The links every public page has in its header and footer.
SITE_ROUTES = {
    "home": "home",
    "news": "articles:list",
    "feed": "feed_latest",
    "sitemap": "sitemap",
}


@lru_cache(maxsize=8)
def _site_urls(prefix, urlconf):
    return {key: reverse(name, urlconf=urlconf) for key, name in SITE_ROUTES.items()}


def site_urls():
    """{"home": "/", "news": "/news/", ...} for the header and footer."""
    return _site_urls(get_script_prefix(), get_urlconf())


@receiver(setting_changed)
def _urlconf_changed(setting, **kwargs):
    # Tests that swap the URL configuration (the admin URL setting).
    if setting in ("ROOT_URLCONF", "NEWSROOM_ADMIN_URL"):
        _around_slug.cache_clear()
        _site_urls.cache_clear()
