"""Hostile input never gives a 500 and never changes anything.

Each case states the status a user (or attacker) gets; the fixture checks
afterwards that no story, credit, person, photo or event changed.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from articles.models import Article, Credit, WorkflowEvent
from media.models import Photo
from people.models import Person
from tests.factories import ArticleFactory, PersonFactory, credit
from tests.forms import form_data

pytestmark = pytest.mark.django_db
S = Article.Status


def state():
    return (
        list(
            Article.objects.order_by("pk").values_list(
                "pk", "status", "version", "title", "body"
            )
        ),
        Credit.objects.count(),
        Person.objects.count(),
        Photo.objects.count(),
        WorkflowEvent.objects.count(),
        get_user_model().objects.count(),
    )


@pytest.fixture
def world(user_in):
    writer = user_in("Writers", username="writer")
    other_writer = user_in("Writers", username="other-writer")
    translator = user_in("Translators", username="translator")
    publisher = user_in("Publishers", username="publisher")
    live = ArticleFactory(published=True, title="Live story", created_by=writer)
    credit(live, PersonFactory(family_name="Zhang", given_name="Yan"), "writer")
    draft = ArticleFactory(
        status=S.DRAFT, title="Secret draft", created_by=other_writer
    )
    edited = ArticleFactory(
        status=S.EDITED, title="Edited story", translator=translator
    )
    return {
        "writer": writer,
        "translator": translator,
        "publisher": publisher,
        "live": live,
        "draft": draft,
        "edited": edited,
    }


PUBLIC_GETS = [
    ("/news/", {"q": "a\x00b"}, {200, 400}),
    ("/news/", {"q": "\x01\x02\x1b[31m"}, {200}),
    ("/news/", {"q": "' OR 1=1; DROP TABLE articles_article; --"}, {200}),
    ("/news/", {"q": "<script>alert(1)</script>"}, {200}),
    ("/news/", {"q": "新闻 😀 \u202etxt.exe"}, {200}),
    ("/news/", {"q": "x" * 5000}, {200, 400}),
    ("/news/", {f"k{i}": "v" * 50 for i in range(500)}, {200}),
    ("/news/", {"year": "0"}, {400}),
    ("/news/", {"year": "10000"}, {400}),
    ("/news/", {"year": "1e5"}, {400}),
    ("/news/", {"year": "-1"}, {400}),
    ("/news/", {"year": "99999999999999999999999"}, {400}),
    ("/news/", {"month": "13"}, {400}),
    ("/news/", {"month": "0"}, {400}),
    ("/news/", {"month": "NaN"}, {400}),
    ("/news/", {"page": "-1"}, {404}),
    ("/news/", {"page": "abc"}, {404}),
    ("/news/", {"page": str(10**30)}, {404}),
    ("/news/", {"page": "0"}, {404}),
    ("/news/", {"section": "no-such-section"}, {400}),
    ("/news/", {"section": "\x00"}, {400}),
    ("/news/", {"person": "nobody"}, {400}),
    ("/news/", {"person": "' OR '1'='1"}, {400}),
    ("/news/unknown-slug/", {}, {404}),
    ("/news/%E2%80%AE/", {}, {404}),
    ("/news/😀/", {}, {404}),
    ("/news/live-story/original/x/", {}, {404}),
    ("/people/nobody-at-all/", {}, {404}),
    ("/sections/none/", {}, {404}),
    ("/sections/none/", {"page": "abc"}, {404}),
    ("/feeds/latest/", {"page": "abc"}, {200}),
    ("/sitemap.xml", {"p": "abc"}, {200}),
    ("/sitemap-stories.xml", {"p": "abc"}, {404}),
    ("/sitemap-stories.xml", {"p": "99999"}, {404}),
    ("/sitemap-nonsense.xml", {}, {404}),
    ("/preview/99999999999999999999/", {}, {404}),
    ("/healthz", {"x": "\x00"}, {200}),
    ("/robots.txt", {"q": "\x00"}, {200}),
]


@pytest.mark.parametrize(("url", "params", "expected"), PUBLIC_GETS)
def test_hostile_public_requests(client, world, url, params, expected):
    before = state()
    response = client.get(url, params)
    assert response.status_code in expected
    assert b"Traceback" not in response.content
    if "<script>alert(1)</script>" in str(params):
        assert b"<script>alert(1)</script>" not in response.content
    assert state() == before


@pytest.mark.parametrize("who", ["anonymous", "no-permission"])
def test_draft_preview_is_404_for_outsiders(client, world, who):
    if who == "no-permission":
        client.force_login(
            get_user_model().objects.create_user("plain", is_staff=False)
        )
    draft = world["draft"]
    assert client.get(f"/preview/{draft.pk}/").status_code == 404
    assert client.get(f"/news/{draft.slug}/").status_code == 404


def test_writer_cannot_preview_another_writers_draft(client, world):
    client.force_login(world["writer"])
    assert client.get(f"/preview/{world['draft'].pk}/").status_code == 404
    assert client.get(f"/preview/{world['live'].pk}/").status_code == 200


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_translator_posting_publish_is_refused(client, world):
    article = world["edited"]
    client.force_login(world["translator"])
    data = form_data(client.get(change_url(article)), "article_form")
    before = state()
    data["_transition"] = "publish"
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "permission" in response.content.decode()
    assert state() == before


def test_transition_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["publisher"])
    article = world["edited"]
    data = form_data(client.get(change_url(article)), "article_form")
    data.pop("csrfmiddlewaretoken")
    data["_transition"] = "publish"
    before = state()
    assert client.post(change_url(article), data).status_code == 403
    assert state() == before


def test_claim_without_csrf_token_is_refused(world):
    article = ArticleFactory(status=S.IN_TRANSLATION, translator=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["translator"])
    before = state()
    url = reverse("admin:articles_translationqueue_claim", args=[article.pk])
    assert client.post(url).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_next_cannot_redirect_off_site(client, world, target):
    world["publisher"].set_password("pw-for-tests-1")
    world["publisher"].save()
    response = client.post(
        reverse("admin:login") + "?next=" + target,
        {"username": "publisher", "password": "pw-for-tests-1", "next": target},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert "evil.example" not in location and not location.startswith("javascript")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Title with \x00 NUL", "Null characters are not allowed"),
        ("title", "T" * 10_000, "Ensure this value has at most 300 characters"),
        ("summary", "bad \x00", "Null characters are not allowed"),
        ("based_on_version", "abc", "Enter a whole number"),
        ("_transition", "drop_everything", "Unknown workflow step"),
        ("published_at_0", "2026-02-31", "Enter a valid date"),
    ],
)
def test_hostile_admin_form_values_are_form_errors(
    client, world, field, value, message
):
    article = world["edited"]
    client.force_login(world["publisher"])
    data = form_data(client.get(change_url(article)), "article_form")
    data[field] = value
    before = state()
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


def test_writer_cannot_change_another_writers_draft(client, world):
    draft = world["draft"]
    client.force_login(world["writer"])
    before = state()
    response = client.post(change_url(draft), {"title": "Hijacked", "body": "x"})
    assert response.status_code == 302  # not visible to them: back to the index
    assert state() == before


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/abc/change/",
        "/admin/articles/article/999999/revisions/",
        "/admin/articles/article/1/revisions/?a=1&b=%00",
        "/admin/articles/translationqueue/99999/claim/",
    ],
)
def test_admin_urls_with_unknown_objects(admin_client, world, url):
    before = state()
    response = admin_client.get(url)
    assert response.status_code in {302, 404}
    assert state() == before


def test_hostile_upload_is_a_form_error(admin_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = state()
    fake = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"
    )
    response = admin_client.post(
        reverse("admin:media_photo_add"),
        {"image": fake, "caption": "x", "alt_text": "x"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert state() == before
