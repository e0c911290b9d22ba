from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, PersonFactory, credit

pytestmark = pytest.mark.django_db


def test_home_and_list_show_published_stories_only(client):
    live = ArticleFactory(published=True, title="Live story")
    ArticleFactory(title="Draft story")
    ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
        title="Scheduled story",
    )
    for url in ("/", "/news/"):
        html = client.get(url).content.decode()
        assert live.title in html
        assert "Draft story" not in html and "Scheduled story" not in html


def test_story_page_shows_title_and_credit_lines(client):
    article = ArticleFactory(published=True, title="Forum held")
    credit(article, PersonFactory(family_name="Zhang", given_name="Yan"), "writer")
    credit(article, PersonFactory(family_name="Yang", given_name="Yue"), "translator")
    credit(
        article,
        PersonFactory(
            family_name="Mosteller", given_name="William", family_name_first=False
        ),
        "editor",
    )
    html = client.get(f"/news/{article.slug}/").content.decode()
    assert "Forum held" in html
    assert "Written by:" in html and "ZHANG Yan" in html
    assert "Translated by:" in html and "YANG Yue" in html
    assert "Edited by:" in html and "William Mosteller" in html
    assert (
        html.index("Written by") < html.index("Translated by") < html.index("Edited by")
    )


@pytest.mark.parametrize(
    "status", [s for s in Article.Status.values if s != Article.Status.PUBLISHED]
)
def test_unpublished_story_is_404(client, status):
    article = ArticleFactory(status=status)
    assert client.get(f"/news/{article.slug}/").status_code == 404


def test_scheduled_story_is_404_until_its_time(client):
    article = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(hours=1),
    )
    assert client.get(f"/news/{article.slug}/").status_code == 404


def test_unknown_slug_is_404(client):
    assert client.get("/news/no-such-story/").status_code == 404


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
