"""The anonymous page cache: fast repeat visits, never a stale page."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import cache as cache_module
from articles import workflow
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


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def _cache_on(request, settings):
    """Every test runs on local memory and on Redis, the production cache
    (Django's RedisCache at REDIS_URL; CI has Redis on 127.0.0.1:6379)."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get(
                    "NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/9"
                ),
            }
        }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site():
    section = SectionFactory(slug="campus")
    person = PersonFactory(slug="zhang-yan", family_name="Zhang", given_name="Yan")
    story = ArticleFactory(published=True, section=section, title="First story")
    credit(story, person, "writer")
    return {"section": section, "person": person, "story": story}


def public_urls(site):
    story = site["story"]
    return [
        "/",
        "/news/",
        "/news/?section=campus",
        story.get_absolute_url(),
        f"{story.get_absolute_url()}original/",
        "/sections/campus/",
        "/people/zhang-yan/",
        "/feeds/latest/",
        "/sitemap.xml",
    ]


def listing_urls():
    return [
        "/",
        "/news/",
        "/sections/campus/",
        "/people/zhang-yan/",
        "/feeds/latest/",
        "/sitemap-stories.xml",
    ]


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.content.decode()


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured.captured_queries)


def test_repeat_anonymous_visits_are_served_without_queries(client, site):
    for url in public_urls(site):
        first, _ = queries_for(client, url)
        again, queries = queries_for(client, url)
        assert first.status_code == again.status_code == 200, url
        assert again.content == first.content, url
        assert queries == 0, url


def test_publishing_shows_the_story_everywhere_at_once(client, site, user_in):
    story = ArticleFactory(
        status=Article.Status.EDITED, section=site["section"], title="Breaking story"
    )
    credit(story, site["person"], "writer")
    for url in listing_urls():
        assert "Breaking story" not in get(client, url)[1]
    assert client.get(story.get_absolute_url()).status_code == 404

    workflow.perform(story.pk, "publish", actor=user_in("Publishers"))

    for url in listing_urls():
        body = get(client, url)[1]
        assert "Breaking story" in body or story.get_absolute_url() in body, url
    assert client.get(story.get_absolute_url()).status_code == 200


def test_unpublishing_removes_the_story_everywhere_at_once(client, site, user_in):
    story = site["story"]
    story.status = Article.Status.EDITED
    story.save()
    workflow.perform(story.pk, "publish", actor=user_in("Publishers"))
    story.refresh_from_db()
    for url in [*listing_urls(), story.get_absolute_url()]:
        response, body = get(client, url)
        assert response.status_code == 200
        assert story.get_absolute_url() in body or "First story" in body, url

    workflow.perform(
        story.pk, "unpublish", actor=user_in("Publishers"), comment="Wrong date."
    )

    for url in listing_urls():
        body = get(client, url)[1]
        assert "First story" not in body, url
        assert story.get_absolute_url() not in body, url
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(f"{story.get_absolute_url()}original/").status_code == 404


def _rename_story(site):
    site["story"].title = "Renamed story"
    site["story"].save()
    return "Renamed story"


def _add_credit(site):
    credit(site["story"], PersonFactory(family_name="Yang", given_name="Yue"), "editor")
    return "YANG Yue"


def _rename_person(site):
    site["person"].given_name = "Yanyan"
    site["person"].save()
    return "ZHANG Yanyan"


def _add_photo(site):
    attach_photo(site["story"], PhotoFactory(caption="A new caption"))
    return "A new caption"


def _rename_section(site):
    site["section"].name = "Campus life"
    site["section"].save()
    return "Campus life"


@pytest.mark.parametrize(
    "change", [_rename_story, _add_credit, _rename_person, _add_photo, _rename_section]
)
def test_any_change_to_what_a_story_shows_reaches_its_cached_page(client, site, change):
    url = site["story"].get_absolute_url()
    get(client, url)
    assert get(client, url)[0].headers["X-Page-Cache"] == "hit"
    expected = change(site)
    assert expected in get(client, url)[1]


def test_editing_a_photo_caption_reaches_the_cached_page(client, site):
    photo = PhotoFactory(caption="Old caption")
    attach_photo(site["story"], photo)
    url = site["story"].get_absolute_url()
    assert "Old caption" in get(client, url)[1]
    photo.caption = "Corrected caption"
    photo.save()
    body = get(client, url)[1]
    assert "Corrected caption" in body and "Old caption" not in body


def skip_time_travel_on_redis(request):
    # Redis expires keys by its own clock, which time_machine cannot move;
    # test_redis_page_ttl_stops_at_the_next_scheduled_story covers Redis.
    if request.node.callspec.params.get("_cache_on") == "redis":
        pytest.skip("time travel does not reach the Redis server's clock")


def test_scheduled_story_appears_at_its_time_with_the_cache_on(request, client, site):
    skip_time_travel_on_redis(request)
    start = timezone.now()
    story = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=start + timedelta(minutes=2),
        section=site["section"],
        title="Scheduled story",
    )
    with time_machine.travel(start, tick=False):
        for url in listing_urls():
            assert "Scheduled story" not in get(client, url)[1]
            assert get(client, url)[0].headers.get("X-Page-Cache") == "hit"
        assert client.get(story.get_absolute_url()).status_code == 404
    with time_machine.travel(start + timedelta(minutes=2, seconds=1), tick=False):
        for url in ("/", "/news/", "/sections/campus/", "/feeds/latest/"):
            assert "Scheduled story" in get(client, url)[1], url
        assert client.get(story.get_absolute_url()).status_code == 200


def test_pages_are_cached_for_the_configured_time_when_nothing_is_scheduled(
    request, client, site
):
    skip_time_travel_on_redis(request)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        get(client, "/news/")
    with time_machine.travel(start + timedelta(seconds=299), tick=False):
        assert get(client, "/news/")[0].headers["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(seconds=301), tick=False):
        assert get(client, "/news/")[0].headers["X-Page-Cache"] == "miss"


def test_a_404_is_not_cached(client, site):
    ArticleFactory(published=True, slug="coming-soon")
    assert client.get("/news/still-missing/").status_code == 404
    # update() sends no signal: only an uncached 404 lets the story show.
    Article.objects.filter(slug="coming-soon").update(slug="still-missing")
    assert client.get("/news/still-missing/").status_code == 200


def test_an_invalid_filter_is_never_cached(client, site):
    for _ in range(2):
        response, body = get(client, "/news/?year=0")
        assert response.status_code == 400
        assert "X-Page-Cache" not in response.headers
        assert "Please correct the filters below." in body


def test_conditional_get_answers_304_until_the_page_changes(client, site):
    url = site["story"].get_absolute_url()
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    head = client.head(url, headers={"If-None-Match": etag})
    assert head.status_code == 304

    site["story"].title = "A better title"
    site["story"].save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "A better title" in changed.content.decode()
    assert changed.headers["ETag"] != etag


def test_conditional_get_works_with_the_cache_off(client, site, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    etag = client.get("/feeds/latest/").headers["ETag"]
    assert (
        client.get("/feeds/latest/", headers={"If-None-Match": etag}).status_code == 304
    )


def test_cache_off_renders_every_time(client, site, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    settings.NEWSROOM_OBJECT_CACHE_SECONDS = 0
    for url in public_urls(site):
        client.get(url)
        response, queries = queries_for(client, url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response.headers
        assert queries > 0, url


def test_with_the_page_cache_off_a_story_comes_from_the_object_cache(
    client, site, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    story = site["story"]
    client.get(story.get_absolute_url())
    response, queries = queries_for(client, story.get_absolute_url())
    assert "X-Page-Cache" not in response.headers
    assert queries == 0
    story.title = "Edited after the first reader"
    story.save()
    assert "Edited after the first reader" in client.get(
        story.get_absolute_url()
    ).content.decode("utf-8")


def test_staff_and_readers_never_share_a_cached_page(client, site, user_in):
    url = site["story"].get_absolute_url()
    reader = client.get(url)
    assert "Edit this story" not in reader.content.decode()

    client.force_login(user_in("Editors"))
    staff = client.get(url)
    assert "Edit this story" in staff.content.decode()
    assert "X-Page-Cache" not in staff.headers
    assert "private" in staff.headers["Cache-Control"]
    assert "Cookie" in staff.headers["Vary"]

    client.logout()
    section_url = "/sections/campus/"
    client.force_login(user_in("Editors"))
    client.get(section_url)  # staff first: must not fill the cache
    client.logout()
    reader = client.get(section_url)
    assert reader.headers["X-Page-Cache"] == "miss"
    assert "Cookie" in reader.headers["Vary"]
    assert "public" in reader.headers["Cache-Control"]
    assert "Edit this story" not in client.get(url).content.decode()


def test_a_reader_with_pending_messages_is_not_served_from_the_cache(client, site):
    url = "/news/"
    client.get(url)
    client.cookies["messages"] = "pending"
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response.headers


def test_cached_pages_keep_the_host_they_were_rendered_for(client, site, settings):
    settings.NEWSROOM_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["news.example.edu", "www.example.edu"]
    url = site["story"].get_absolute_url()
    for host in ("news.example.edu", "www.example.edu", "news.example.edu"):
        body = client.get(url, HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="http://{host}{url}">' in body


def test_redis_page_ttl_stops_at_the_next_scheduled_story(request, client, site):
    if request.node.callspec.params.get("_cache_on") != "redis":
        pytest.skip("checks the expiry Redis itself enforces")
    ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(seconds=90),
        title="Soon",
    )
    get(client, "/news/")
    redis = cache._cache.get_client()
    ttls = [redis.ttl(key) for key in redis.scan_iter("*newsroom:page:*")]
    assert ttls and all(0 < ttl <= 90 for ttl in ttls)


def test_story_page_answers_if_modified_since_with_304(client, site):
    url = site["story"].get_absolute_url()
    first = client.get(url)
    stamp = first.headers["Last-Modified"]
    again = client.get(url, headers={"If-Modified-Since": stamp})
    assert again.status_code == 304
    assert again.content == b""
    # HTTP dates count whole seconds: correct the story a little later.
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        site["story"].title = "First story, corrected"
        site["story"].save()
        fresh = client.get(url, headers={"If-Modified-Since": stamp})
    assert fresh.status_code == 200
    assert "First story, corrected" in fresh.content.decode()


def test_a_hit_is_served_before_the_view_with_all_security_headers(
    client, site, django_assert_num_queries
):
    url = site["story"].get_absolute_url()
    first = client.get(url)
    assert first.headers["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit.headers["X-Page-Cache"] == "hit"
    assert hit.content == first.content
    assert "script-src 'self'" in hit.headers["Content-Security-Policy"]
    assert hit.headers["X-Frame-Options"] == "DENY"
    assert hit.headers["X-Content-Type-Options"] == "nosniff"
    assert not hit.cookies


def test_staff_never_get_the_cached_anonymous_page(client, site, user_in):
    url = site["story"].get_absolute_url()
    client.get(url)
    client.force_login(user_in("Editors"))
    staff_view = client.get(url)
    assert "X-Page-Cache" not in staff_view.headers
    assert "private" in staff_view.headers["Cache-Control"]


def test_what_a_reader_caches_between_a_save_and_its_commit_is_dropped(
    client, django_capture_on_commit_callbacks
):
    # Everything in one transaction, committed (callbacks run) at the end.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        story = ArticleFactory(published=True, title="First story")
        story.title = "Corrected title"
        story.save()
        PersonFactory(family_name="Wang", given_name="Li")
        # Another reader, between the save and the commit, still sees the
        # old rows (PostgreSQL's read committed) and caches them.
        stale = Article.objects.get(pk=story.pk)
        stale.title = "First story"
        cache_module.cached(("story", story.slug), lambda: stale)
        cache_module.cached_count(("/news/", []), lambda: 99)
    # One more bump at the commit, however many rows the transaction saved.
    assert callbacks == [cache_module.bump]
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Corrected title" in html and "First story" not in html
    assert "99 stories" not in client.get("/news/").content.decode()
