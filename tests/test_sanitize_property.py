"""Property test: whatever HTML a writer pastes, nothing executable survives
in the database or on any page that shows it."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.html import sanitize_html
from tests.factories import ArticleFactory

TAGS = ["p", "a", "img", "script", "svg", "math", "iframe", "style", "div", "b",
        "object", "embed", "form", "input", "template", "noscript", "xmp", "title",
        "textarea", "base", "link", "meta", "h2", "figure", "blockquote"]  # fmt: skip
EVENTS = ["onclick", "onerror", "onload", "onmouseover", "ONFOCUS", "onanimationstart"]
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "https://example.org/ok",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@st.composite
def attribute(draw):
    name = draw(
        st.sampled_from([*EVENTS, "href", "src", "style", "xlink:href", "formaction"])
    )
    value = draw(st.sampled_from(URLS)) if "on" not in name.lower() else "alert(1)"
    quote = draw(st.sampled_from(['"', "'", ""]))
    return f" {name}={quote}{value}{quote}"


@st.composite
def fragment(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 4))
        if kind == 0 or depth > 2:
            parts.append(draw(TEXT).replace("<", "&lt;"))
        elif kind == 1:
            parts.append("<script>alert(1)</script>")
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(draw(st.lists(attribute(), max_size=3)))
            inner = draw(fragment(depth=depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}", "<"]))
            parts.append(f"<{tag}{attrs}>{inner}{close}")
    return "".join(parts)


EXECUTABLE_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "base",
    "link", "meta", "form", "input", "template", "frame", "frameset",
}  # fmt: skip
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class _Inspector(HTMLParser):
    """Collects what a browser would actually see as markup (not text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("formaction", "style"):
                self.problems.append(f"{tag}[{name}]")
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            if name in ("href", "src", "xlink:href") and BAD_SCHEME.match(cleaned):
                self.problems.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag


def assert_inert(html, allow_tags=()):
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = [p for p in inspector.problems if p.strip("<>") not in allow_tags]
    assert not problems, f"{problems} survived in {html!r}"


@settings(max_examples=300, deadline=None)
@given(fragment())
def test_sanitize_html_leaves_nothing_executable(dirty):
    assert_inert(sanitize_html(dirty))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=fragment(), original=fragment())
def test_no_executable_content_on_saved_stories_or_their_pages(client, body, original):
    article = ArticleFactory(
        published=True, body=f"<p>x</p>{body}", original_body=f"<p>y</p>{original}"
    )
    article.refresh_from_db()
    assert_inert(article.body)
    assert_inert(article.original_body)
    for url in (article.get_absolute_url(), f"/news/{article.slug}/original/"):
        html = client.get(url).content.decode()
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert_inert(main)
