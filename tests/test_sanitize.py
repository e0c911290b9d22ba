import pytest

from articles.html import sanitize_html
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "dirty",
    [
        "<p>ok</p><script>alert(1)</script>",
        '<p onclick="alert(1)">ok</p>',
        '<a href="javascript:alert(1)">ok</a>',
        '<img src="x" onerror="alert(1)">',
        '<iframe src="https://evil.example"></iframe><p>ok</p>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">ok</a>',
        "<style>body{display:none}</style><p>ok</p>",
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_dangerous_markup_never_reaches_the_database(dirty):
    article = ArticleFactory(body=dirty, original_body=dirty)
    article.refresh_from_db()
    for value in (article.body, article.original_body):
        lowered = value.lower()
        assert "<script" not in lowered
        assert "onerror" not in lowered and "onclick" not in lowered
        assert "javascript:" not in lowered and "data:" not in lowered
        assert "<iframe" not in lowered and "<style" not in lowered


def test_allowed_markup_is_kept():
    html = (
        '<h2>Head</h2><p><strong>b</strong> <em>i</em> <a href="https://x.org/">l</a>'
        "</p><ul><li>x</li></ul><blockquote>q</blockquote><figure>"
        '<img src="/a.jpg" alt="A" width="10" height="5"><figcaption>c</figcaption>'
        "</figure>"
    )
    cleaned = sanitize_html(html)
    for fragment in (
        "<h2>",
        "<strong>",
        "<em>",
        "<ul>",
        "<blockquote>",
        "<figcaption>",
    ):
        assert fragment in cleaned
    assert 'alt="A"' in cleaned and 'href="https://x.org/"' in cleaned


def test_story_page_shows_no_script_from_a_hostile_body(client):
    article = ArticleFactory(
        published=True, body='<p>Safe text</p><script>alert("x")</script>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Safe text" in html
    assert 'alert("x")' not in html
