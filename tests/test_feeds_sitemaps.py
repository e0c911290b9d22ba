import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    SectionFactory,
    attach_photo,
    credit,
)

pytestmark = pytest.mark.django_db

DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def feed(client):
    response = client.get("/feeds/latest/")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def sitemap_urls(client):
    """Every URL of every section sitemap listed in the /sitemap.xml index."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls = {}
    for location in index.iter(f"{SITEMAP}loc"):
        part = client.get(
            urlsplit(location.text).path + "?" + urlsplit(location.text).query
        )
        assert part.status_code == 200
        root = ET.fromstring(part.content)  # noqa: S314 (our own output)
        urls.update(
            {
                url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
                for url in root.iter(f"{SITEMAP}url")
            }
        )
    return urls


# --- RSS -------------------------------------------------------------------


def test_feed_lists_published_stories_newest_first(client, settings):
    settings.NEWSROOM_SITE_NAME = "HIT News"
    now = timezone.now()
    old = ArticleFactory(
        status="published", published_at=now - timedelta(days=2), title="Older"
    )
    new = ArticleFactory(
        status="published",
        published_at=now - timedelta(hours=1),
        title="Newer",
        summary="The summary.",
        section=SectionFactory(name="Campus"),
    )
    credit(new, PersonFactory(family_name="Zhang", given_name="Yan"), "writer")
    channel = feed(client)
    assert channel.findtext("title") == "HIT News"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Newer", "Older"]
    first = items[0]
    assert first.findtext("link") == f"http://testserver{new.get_absolute_url()}"
    assert first.findtext("description") == "The summary."
    assert first.findtext(f"{DC}creator") == "ZHANG Yan"
    assert first.findtext("category") == "Campus"
    published = parsedate_to_datetime(first.findtext("pubDate"))
    assert abs(published - new.published_at) < timedelta(seconds=1)
    assert items[1].findtext("link").endswith(old.get_absolute_url())


def test_feed_leaves_out_drafts_scheduled_and_unpublished(client):
    ArticleFactory(published=True, title="Public")
    ArticleFactory(title="Draft")
    ArticleFactory(status="edited", title="Unpublished")
    ArticleFactory(
        status="published",
        published_at=timezone.now() + timedelta(hours=1),
        title="Scheduled",
    )
    titles = [i.findtext("title") for i in feed(client).findall("item")]
    assert titles == ["Public"]


def test_feed_is_valid_xml_whatever_the_titles_contain(client):
    section = SectionFactory(name="Cam\x0bpus")
    article = ArticleFactory(
        published=True,
        title="Bell\x07 & <rings> \x1b[0m “quoted” 中文",
        summary="Tab\there, form\x0cfeed, esc\x1b",
        section=section,
    )
    credit(article, PersonFactory(family_name="Zh\x08ang", given_name="Yan"), "writer")
    item = feed(client).find("item")
    assert item.findtext("title") == "Bell & <rings> [0m “quoted” 中文"
    assert item.findtext("description") == "Tab\there, formfeed, esc"
    assert item.findtext(f"{DC}creator") == "ZHANG Yan"
    assert item.findtext("category") == "Campus"


def test_feed_links_use_the_site_url_when_set(client, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.edu/"
    article = ArticleFactory(published=True)
    channel = feed(client)
    assert channel.findtext("link") == "https://news.example.edu/news/"
    assert channel.find("item").findtext("link") == (
        f"https://news.example.edu{article.get_absolute_url()}"
    )


def test_every_page_links_the_feed(client):
    article = ArticleFactory(published=True)
    for url in ("/", "/news/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Newsroom" '
            'href="/feeds/latest/">' in html
        )


# --- sitemap ---------------------------------------------------------------


def test_sitemap_lists_public_stories_sections_and_people(client):
    section = SectionFactory(slug="campus")
    article = ArticleFactory(published=True, section=section)
    writer = PersonFactory(slug="zhang-yan")
    credit(article, writer, "writer")
    photographer = PersonFactory(slug="zhao-lei")
    attach_photo(article, PhotoFactory(photographer=photographer))
    urls = sitemap_urls(client)
    base = "http://testserver"
    assert f"{base}{article.get_absolute_url()}" in urls
    assert urls[f"{base}{article.get_absolute_url()}"]
    assert f"{base}/sections/campus/" in urls
    assert f"{base}/people/zhang-yan/" in urls
    assert f"{base}/people/zhao-lei/" in urls


def test_sitemap_leaves_out_hidden_stories_and_their_people(client):
    ArticleFactory(published=True)
    hidden_people = []
    for status in ("draft", "in_translation", "translated", "edited"):
        article = ArticleFactory(status=status)
        person = PersonFactory()
        credit(article, person, "writer")
        hidden_people.append(person)
    scheduled = ArticleFactory(
        status="published", published_at=timezone.now() + timedelta(days=1)
    )
    body = " ".join(sitemap_urls(client))
    for article in Article.objects.exclude(status="published"):
        assert article.get_absolute_url() not in body
    assert scheduled.get_absolute_url() not in body
    for person in hidden_people:
        assert person.get_absolute_url() not in body


def test_sitemap_uses_the_site_url_when_set(client, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.edu"
    article = ArticleFactory(published=True)
    assert f"https://news.example.edu{article.get_absolute_url()}" in (
        sitemap_urls(client)
    )


def test_feed_and_sitemap_stay_within_their_query_budget(
    client, django_assert_max_num_queries
):
    for _ in range(40):
        article = ArticleFactory(published=True)
        credit(article, PersonFactory(), "writer")
        credit(article, PersonFactory(), "attendee")
    with django_assert_max_num_queries(4):
        assert client.get("/feeds/latest/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/sitemap.xml").status_code == 200
    for section in ("stories", "sections", "people"):
        with django_assert_max_num_queries(3):
            assert client.get(f"/sitemap-{section}.xml").status_code == 200


def test_sitemap_index_splits_a_large_archive(client, settings, monkeypatch):
    from articles import sitemaps

    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    stories = [ArticleFactory(published=True) for _ in range(7)]
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-stories.xml?p=3" in index
    assert client.get("/sitemap-stories.xml?p=4").status_code == 404
    urls = sitemap_urls(client)
    assert all(f"http://testserver{a.get_absolute_url()}" in urls for a in stories)
