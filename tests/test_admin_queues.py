import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def desk(user_in):
    me = user_in("Translators", username="me")
    other = user_in("Translators", username="other")
    stories = {
        "mine": ArticleFactory(status=S.IN_TRANSLATION, translator=me, title="Mine"),
        "pool": ArticleFactory(status=S.IN_TRANSLATION, translator=None, title="Pool"),
        "theirs": ArticleFactory(
            status=S.IN_TRANSLATION, translator=other, title="Theirs"
        ),
        "translated": ArticleFactory(status=S.TRANSLATED, title="Awaiting edit"),
        "edited": ArticleFactory(status=S.EDITED, title="Awaiting publish"),
        "scheduled": ArticleFactory(
            status=S.PUBLISHED,
            published_at=timezone.now() + timedelta(days=1),
            title="Tomorrow",
        ),
        "live": ArticleFactory(published=True, title="Live"),
    }
    return me, other, stories


def titles(response):
    return set(
        re.findall(
            r'<th class="field-__str__"><a [^>]*>([^<]+)</a>', response.content.decode()
        )
    )


def test_translation_queue_shows_mine_and_the_pool_only(client, desk):
    me, _, _ = desk
    client.force_login(me)
    response = client.get(reverse("admin:articles_translationqueue_changelist"))
    assert response.status_code == 200
    assert titles(response) == {"Mine", "Pool"}
    assert response.content.decode().count(">Claim</button>") == 1


def test_queue_counts_on_the_admin_index(client, desk, user_in):
    me, _, _ = desk
    client.force_login(me)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(
        r"My translation queue</a></th><td><strong class=\"queue-count\">2<", html
    )
    assert "Copy desk" not in html  # not a translator's queue
    client.force_login(user_in("Publishers"))
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(
        r"Ready to publish</a></th><td><strong class=\"queue-count\">1<", html
    )
    assert re.search(r"Scheduled</a></th><td><strong class=\"queue-count\">1<", html)


def test_copy_desk_and_publishing_queues(client, desk, user_in):
    client.force_login(user_in("Editors"))
    assert titles(client.get(reverse("admin:articles_copydesk_changelist"))) == {
        "Awaiting edit"
    }
    assert (
        client.get(reverse("admin:articles_readytopublish_changelist")).status_code
        == 403
    )
    client.force_login(user_in("Publishers"))
    assert titles(client.get(reverse("admin:articles_readytopublish_changelist"))) == {
        "Awaiting publish"
    }
    assert titles(client.get(reverse("admin:articles_scheduled_changelist"))) == {
        "Tomorrow"
    }


def test_claim_button_assigns_the_story(client, desk):
    me, _, stories = desk
    pool = stories["pool"]
    client.force_login(me)
    url = reverse("admin:articles_translationqueue_claim", args=[pool.pk])
    response = client.post(url, {"based_on_version": pool.version})
    assert response.status_code == 302
    pool.refresh_from_db()
    assert pool.translator == me


def test_claiming_a_taken_story_is_refused_with_a_message(client, desk):
    _, other, stories = desk
    mine = stories["mine"]
    client.force_login(other)
    url = reverse("admin:articles_translationqueue_claim", args=[mine.pk])
    response = client.post(url, follow=True)
    assert "already assigned" in response.content.decode()
    mine.refresh_from_db()
    assert mine.translator.username == "me"


def test_translator_cannot_open_someone_elses_story(client, desk):
    me, _, stories = desk
    client.force_login(me)
    url = reverse("admin:articles_article_change", args=[stories["theirs"].pk])
    response = client.get(url)
    # The admin treats a story outside your view as missing.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    listing = client.get(reverse("admin:articles_article_changelist"))
    assert "Theirs" not in listing.content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "articles/article",
        "articles/credit",
        "articles/articlephoto",
        "articles/section",
        "articles/workflowevent",
        "people/person",
        "people/role",
        "media/photo",
    ],
)
def test_every_model_has_a_searchable_admin_list(admin_client, desk, model):
    response = admin_client.get(f"/admin/{model}/", {"q": "Mine"})
    assert response.status_code == 200
    assert 'id="searchbar"' in response.content.decode()
