"""Server-side HTML sanitising: the allowlist that protects readers."""

import nh3

ALLOWED_TAGS = {
    "p", "a", "strong", "em", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "figure", "figcaption", "img", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(value):
    """Keep only the allowlisted tags and attributes; drop scripts, event
    handlers and ``javascript:``/``data:`` URLs (with their content for
    script and style)."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
