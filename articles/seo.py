"""What search engines and link previews read: absolute URLs, canonical
links, and the schema.org NewsArticle as JSON-LD."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsroom.links import slug_url

# As django.utils.html.json_script: the JSON cannot close the <script>
# element or open a comment, whatever a title contains.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def absolute_url(path, request=None):
    """``path`` on the public site: NEWSROOM_SITE_URL when set, else the
    scheme and host of the request."""
    if path.startswith(("http://", "https://")):
        return path
    base = settings.NEWSROOM_SITE_URL.rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def json_ld_script(data):
    """``<script type="application/ld+json">`` safe to put in a page."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(  # noqa: S308 (escaped above, as json_script does)
        '<script type="application/ld+json">'
        + text.translate(_SCRIPT_ESCAPES)
        + "</script>"
    )


def _people(credits, request):
    return [
        {
            "@type": "Person",
            "name": str(c.person),
            "url": absolute_url(c.person.get_absolute_url(), request),
        }
        for c in credits
    ]


def _iso(value):
    """ISO 8601 in the site's time zone, to the second."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def image_url(photo, request):
    if photo is None or not photo.image:
        return ""
    return absolute_url(photo.image.url, request)


def article_json_ld(article, request, *, modified):
    """schema.org NewsArticle for a story page (uses prefetched credits and
    photos only)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": absolute_url(article.get_absolute_url(), request),
        "mainEntityOfPage": absolute_url(article.get_absolute_url(), request),
        "inLanguage": "en",
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(modified),
        "publisher": {
            "@type": "Organization",
            "name": settings.NEWSROOM_SITE_NAME,
            "url": absolute_url("/", request),
        },
    }
    if article.summary:
        data["description"] = article.summary
    if article.section:
        data["articleSection"] = article.section.name
    for key, role in (
        ("author", "writer"),
        ("translator", "translator"),
        ("editor", "editor"),
    ):
        people = _people(article.credits_for(role), request)
        if people:
            data[key] = people
    images = [image_url(p, request) for p in article.photos]
    images = [url for url in images if url]
    if images:
        data["image"] = images
    if article.original_title or article.original_body:
        data["translationOfWork"] = {
            "@type": "NewsArticle",
            "inLanguage": article.source_language,
            "headline": article.original_title,
            "url": absolute_url(slug_url("articles:original", article.slug), request),
        }
    return data
