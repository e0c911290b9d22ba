import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
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


def forum_story():
    """A published story written, translated and edited by three people."""
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
    return article


def test_story_page_shows_title_and_credit_lines(client):
    article = forum_story()
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


# --- helpers ---------------------------------------------------------------


def text_of(html):
    """The page's text, tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def json_ld(html):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def link_href(html, rel, hreflang=None):
    for tag in re.findall(r"<link [^>]*>", html):
        if f'rel="{rel}"' in tag and (
            hreflang is None or f'hreflang="{hreflang}"' in tag
        ):
            return re.search(r'href="([^"]*)"', tag).group(1)
    return None


def meta(html, name):
    match = re.search(
        rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html
    )
    return match and match.group(1)


SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- the story page --------------------------------------------------------


def test_story_page_shows_updated_date_in_local_time(client):
    # 2024-05-06 17:30 UTC is already 2024-05-07 in Shanghai.
    when = datetime(2024, 5, 6, 17, 30, tzinfo=UTC)
    article = ArticleFactory(published=True)
    Article.objects.filter(pk=article.pk).update(published_at=when, updated_at=when)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated: 2024/05/07" in text_of(html)


def test_story_page_credits_attendees_photos_and_original_link(client):
    article = ArticleFactory(
        published=True,
        title="Vice-governor visits",
        body="<p>The delegation toured the labs.</p>",
        original_title="副省长来访",
    )
    credit(article, PersonFactory(family_name="Zhang", given_name="Yan"), "writer")
    guest = PersonFactory(family_name="Cheng", given_name="Zhiming")
    credit(
        article,
        guest,
        "attendee",
        position_title="the vice-governor of Heilongjiang province",
    )
    photographer = PersonFactory(family_name="Zhao", given_name="Lei")
    lead = PhotoFactory(caption="Guests at the lab", photographer=photographer)
    second = PhotoFactory(caption="The signing ceremony")
    attach_photo(article, second, order=2)
    attach_photo(article, lead, order=1)

    html = client.get(article.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "Written by: ZHANG Yan" in text
    assert "The delegation toured the labs." in text
    assert "Attendees" in text
    assert "CHENG Zhiming , the vice-governor of Heilongjiang province" in text
    assert f'href="{guest.get_absolute_url()}"' in html
    # The lead photo comes first, with its caption and photographer.
    assert text.index("Guests at the lab") < text.index("The delegation toured")
    assert text.index("The delegation toured") < text.index("The signing ceremony")
    assert "ZHAO Lei" in text
    original = reverse("articles:original", kwargs={"slug": article.slug})
    assert f'href="{original}"' in html
    assert '<span lang="zh-hans">副省长来访</span>' in html


def test_credit_lines_follow_role_order_whatever_the_entry_order(client):
    article = ArticleFactory(published=True)
    credit(article, PersonFactory(family_name="Ma", given_name="Editor"), "editor")
    credit(article, PersonFactory(family_name="Wu", given_name="Writer"), "writer")
    credit(
        article, PersonFactory(family_name="Xu", given_name="Translator"), "translator"
    )
    text = text_of(client.get(article.get_absolute_url()).content.decode())
    assert (
        text.index("Written by: WU Writer")
        < text.index("Translated by: XU Translator")
        < text.index("Edited by: MA Editor")
    )


def test_related_stories_share_section_or_people_newest_first(client):
    section = SectionFactory()
    person = PersonFactory()
    now = timezone.now()
    article = ArticleFactory(published=True, section=section, title="The story")
    credit(article, person, "writer")
    older = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(days=3),
        section=section,
        title="Older in the section",
    )
    newer = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(days=1),
        title="Newer with the same writer",
    )
    credit(newer, person, "attendee")
    ArticleFactory(published=True, title="Unrelated story")
    ArticleFactory(section=section, title="Draft in the section")
    ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=now + timedelta(days=1),
        section=section,
        title="Scheduled in the section",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    related = html[html.index('id="related-title"') :]
    assert related.index(newer.title) < related.index(older.title)
    for absent in (
        "Unrelated story",
        "Draft in the section",
        "Scheduled in the section",
        ">The story<",
    ):
        assert absent not in related


def test_story_page_has_absolute_canonical_and_link_previews(client, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.edu"
    article = ArticleFactory(published=True, title="Forum held", summary="A forum.")
    attach_photo(article, PhotoFactory(alt_text="The forum hall"))
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"https://news.example.edu{article.get_absolute_url()}"
    assert link_href(html, "canonical") == url
    assert meta(html, "og:url") == url
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Forum held"
    assert meta(html, "og:description") == "A forum."
    assert meta(html, "og:image").startswith("https://news.example.edu/uploads/")
    assert meta(html, "og:image:alt") == "The forum hall"
    assert meta(html, "twitter:card") == "summary_large_image"


def test_canonical_url_uses_the_request_host_without_site_url(client, settings):
    settings.NEWSROOM_SITE_URL = ""
    article = ArticleFactory(published=True)
    html = client.get(article.get_absolute_url()).content.decode()
    assert link_href(html, "canonical") == (
        f"http://testserver{article.get_absolute_url()}"
    )


def test_json_ld_describes_the_news_article(client, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.edu"
    article = forum_story()
    attach_photo(article, PhotoFactory())
    article.refresh_from_db()
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Forum held"
    assert datetime.fromisoformat(
        data["datePublished"]
    ) == article.published_at.replace(microsecond=0)
    assert data["datePublished"].endswith("+08:00")
    assert datetime.fromisoformat(data["dateModified"]) >= article.published_at
    assert [a["name"] for a in data["author"]] == ["ZHANG Yan"]
    assert [t["name"] for t in data["translator"]] == ["YANG Yue"]
    assert [e["name"] for e in data["editor"]] == ["William Mosteller"]
    assert data["image"][0].startswith("https://news.example.edu/uploads/")


def test_a_title_cannot_break_out_of_the_json_ld_script(client):
    title = 'Evil </script><script>alert("x")</script> & <!-- title'
    article = ArticleFactory(published=True, title=title)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert html.count("</script>") == 1  # only the JSON-LD element's own end
    assert json_ld(html)["headline"] == title


def test_english_page_and_original_link_each_other_with_hreflang(client):
    article = ArticleFactory(published=True, source_language="zh-hans")
    english = f"http://testserver{article.get_absolute_url()}"
    original = f"http://testserver{article.get_absolute_url()}original/"
    for url in (article.get_absolute_url(), f"{article.get_absolute_url()}original/"):
        html = client.get(url).content.decode()
        assert link_href(html, "alternate", "en") == english
        assert link_href(html, "alternate", "zh-hans") == original


def test_original_page_carries_its_language(client):
    article = ArticleFactory(
        published=True, original_title="副省长来访", original_body="<p>中文正文。</p>"
    )
    response = client.get(f"{article.get_absolute_url()}original/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<article class="story" lang="zh-hans">' in html
    assert "副省长来访" in html and "中文正文。" in html
    assert link_href(html, "canonical").endswith(
        f"{article.get_absolute_url()}original/"
    )


def test_original_page_is_404_without_original_text_or_when_not_public(client):
    english_only = ArticleFactory(published=True, original_title="", original_body="")
    draft = ArticleFactory()
    assert client.get(f"/news/{english_only.slug}/original/").status_code == 404
    assert client.get(f"/news/{draft.slug}/original/").status_code == 404


# --- /news/: filters, search, pagination -----------------------------------


def test_list_paginates_with_page_links(client):
    now = timezone.now()
    for n in range(25):
        ArticleFactory(
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 1),
            title=f"Paged story {n:02d}",
        )
    first = client.get("/news/").content.decode()
    assert "Paged story 00" in first and "Paged story 19" in first
    assert "Paged story 20" not in first
    assert 'href="?page=2"' in first and 'rel="next"' in first
    second = client.get("/news/?page=2").content.decode()
    assert "Paged story 24" in second and "Paged story 00" not in second
    assert 'href="?page=1"' in second
    assert link_href(second, "canonical") == "http://testserver/news/?page=2"


def test_page_links_keep_the_filters(client):
    section = SectionFactory(slug="campus")
    for _ in range(21):
        ArticleFactory(published=True, section=section)
    html = client.get("/news/?section=campus").content.decode()
    assert 'href="?section=campus&amp;page=2"' in html


def test_list_page_has_the_filter_form(client):
    SectionFactory(name="Campus", slug="campus")
    html = client.get("/news/").content.decode()
    form = html[html.index('<form class="filters"') :]
    form = form[: form.index("</form>")]
    for name in ("q", "section", "person", "year", "month"):
        assert f'name="{name}"' in form
    assert '<option value="campus">Campus</option>' in form


def test_filters_by_section_person_year_and_month(client):
    campus = SectionFactory(slug="campus")
    person = PersonFactory(slug="zhang-yan")
    may = datetime(2024, 5, 10, 12, tzinfo=SHANGHAI)
    a = ArticleFactory(
        status="published", published_at=may, section=campus, title="Campus May"
    )
    credit(a, person, "writer")
    ArticleFactory(
        status="published", published_at=may.replace(month=6), title="Other June"
    )
    ArticleFactory(
        status="published", published_at=may.replace(year=2023), title="Other 2023"
    )

    def titles(query):
        response = client.get(f"/news/?{query}")
        assert response.status_code == 200
        return {
            t
            for t in ("Campus May", "Other June", "Other 2023")
            if t in response.content.decode()
        }

    assert titles("section=campus") == {"Campus May"}
    assert titles("person=zhang-yan") == {"Campus May"}
    assert titles("year=2024") == {"Campus May", "Other June"}
    assert titles("year=2024&month=6") == {"Other June"}
    assert titles("month=5") == {"Campus May", "Other 2023"}


def test_person_filter_includes_stories_with_their_photos(client):
    person = PersonFactory(slug="zhao-lei")
    article = ArticleFactory(published=True, title="Photographed story")
    attach_photo(article, PhotoFactory(photographer=person))
    html = client.get("/news/?person=zhao-lei").content.decode()
    assert "Photographed story" in html
    assert "Stories with" in html and str(person) in html


def test_year_and_month_follow_shanghai_time_near_midnight(client):
    # 16:30 UTC on 31 December is 00:30 on 1 January in Shanghai.
    new_year = datetime(2023, 12, 31, 16, 30, tzinfo=UTC)
    article = ArticleFactory(
        status="published", published_at=new_year, title="Just after midnight"
    )
    # 15:30 UTC on 31 January is 23:30 the same day in Shanghai.
    late_january = datetime(2024, 1, 31, 15, 30, tzinfo=UTC)
    ArticleFactory(
        status="published", published_at=late_january, title="Just before midnight"
    )

    def found(query):
        html = client.get(f"/news/?{query}").content.decode()
        return {t for t in ("Just after midnight", "Just before midnight") if t in html}

    assert found("year=2024&month=1") == {"Just after midnight", "Just before midnight"}
    assert found("year=2023") == set()
    assert found("year=2023&month=12") == set()
    assert found("month=2") == set()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "2024/01/01" in html


def test_search_finds_words_in_title_summary_and_body(client):
    ArticleFactory(published=True, title="Robotics contest won", body="<p>x</p>")
    ArticleFactory(published=True, title="Summary match", summary="A robotics team.")
    ArticleFactory(published=True, title="Body match", body="<p>New robotics lab.</p>")
    ArticleFactory(published=True, title="Library hours", body="<p>Books.</p>")
    ArticleFactory(title="Draft robotics story")
    html = client.get("/news/?q=robotics").content.decode()
    for title in ("Robotics contest won", "Summary match", "Body match"):
        assert title in html
    assert "Library hours" not in html
    assert "Draft robotics story" not in html


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)
def test_postgresql_search_stems_and_ranks_title_matches_first(client):
    now = timezone.now()
    ArticleFactory(
        status="published",
        published_at=now - timedelta(hours=1),
        title="Campus news",
        body="<p>The satellites were launched.</p>",
    )
    ArticleFactory(
        status="published",
        published_at=now - timedelta(hours=2),
        title="Satellite team launches",
    )
    html = client.get("/news/?q=satellite").content.decode()
    assert html.index("Satellite team launches") < html.index("Campus news")
    html = client.get('/news/?q="team launches" -campus').content.decode()
    assert "Satellite team launches" in html and "Campus news" not in html
    # Operators a reader might type never break the query.
    for odd in ("&&|!(", "':*", "or or", "-"):
        assert client.get("/news/", {"q": odd}).status_code == 200
    story = Article.objects.get(title="Satellite team launches")
    person = PersonFactory(slug="zhang-yan")
    credit(story, person, "writer")
    year = timezone.localtime(story.published_at).year
    html = client.get(
        f"/news/?q=satellite&person=zhang-yan&year={year}&page=1"
    ).content.decode()
    assert "Satellite team launches" in html and "Campus news" not in html


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ("year=0", {400}),
        ("year=99999999", {400}),
        ("year=2024.5", {400}),
        ("year=abc", {400}),
        ("month=13", {400}),
        ("month=0", {400}),
        ("month=abc", {400}),
        ("section=no-such-section", {400}),
        ("person=no-such-person", {400}),
        ("q=" + "x" * 300, {400}),
        ("q=%00", {400}),
        ("page=abc", {404}),
        ("page=0", {404}),
        ("page=999999", {404}),
        ("year=0&page=abc", {400, 404}),
    ],
)
def test_invalid_filter_values_are_errors_not_500s(client, query, statuses):
    ArticleFactory(published=True, title="Visible story")
    response = client.get(f"/news/?{query}")
    assert response.status_code in statuses
    html = response.content.decode()
    if response.status_code == 400:
        assert "Please correct the filters below." in html
        assert 'aria-invalid="true"' in html or "There is no such person." in html
        assert "Visible story" not in html


def test_unknown_section_page_and_bad_section_page_number_are_404(client):
    SectionFactory(slug="campus")
    assert client.get("/sections/no-such-section/").status_code == 404
    assert client.get("/sections/campus/?page=abc").status_code == 404
    assert client.get("/sections/campus/?page=7").status_code == 404


# --- sections and people ---------------------------------------------------


def test_section_page_lists_its_published_stories_only(client):
    campus = SectionFactory(name="Campus", slug="campus")
    ArticleFactory(published=True, section=campus, title="Campus story")
    ArticleFactory(published=True, title="Other section story")
    ArticleFactory(section=campus, title="Campus draft")
    response = client.get("/sections/campus/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Campus</h1>" in html
    assert "Campus story" in html
    assert "Other section story" not in html and "Campus draft" not in html
    assert 'href="/sections/campus/" aria-current="page"' in html


def test_person_page_shows_title_at_the_time_and_photographed_stories(client):
    person = PersonFactory(
        family_name="Cheng", given_name="Zhiming", current_title="Governor"
    )
    visited = ArticleFactory(published=True, title="The visit")
    credit(visited, person, "attendee", position_title="then the vice-governor")
    photographed = ArticleFactory(published=True, title="The photographed story")
    attach_photo(photographed, PhotoFactory(photographer=person))
    html = client.get(person.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "Governor" in text
    assert "Appears in (1 story)" in text
    assert "then the vice-governor" in text
    assert text.index("Photos by CHENG Zhiming") < text.index("The photographed story")
    assert text.index("Photos by") < text.index("Appears in")  # role order


def test_person_page_shows_the_newest_stories_of_a_prolific_writer(client):
    person = PersonFactory()
    now = timezone.now()
    for n in range(25):
        story = ArticleFactory(
            status="published",
            published_at=now - timedelta(days=n, hours=1),
            title=f"Written story {n:02d}",
        )
        credit(story, person, "writer")
    text = text_of(client.get(person.get_absolute_url()).content.decode())
    assert "(25 stories)" in text
    assert "Written story 00" in text and "Written story 19" in text
    assert "Written story 20" not in text
    assert "More stories" in text


# --- visibility everywhere -------------------------------------------------


def _hidden_stories():
    """A draft, a story in every other unpublished status, a scheduled one
    and an unpublished one, all crediting the same person in one section."""
    section = SectionFactory(slug="campus")
    person = PersonFactory(slug="zhang-yan")
    visible = ArticleFactory(published=True, section=section, title="Visible story")
    credit(visible, person, "writer")
    hidden = [
        ArticleFactory(status=status, section=section, title=f"Hidden {status}")
        for status in Article.Status.values
        if status != Article.Status.PUBLISHED
    ]
    hidden.append(
        ArticleFactory(
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() + timedelta(hours=2),
            section=section,
            title="Hidden scheduled",
        )
    )
    for article in hidden:
        credit(article, person, "writer")
    return visible, hidden


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/news/",
        "/news/?person=zhang-yan",
        "/sections/campus/",
        "/people/zhang-yan/",
        "/feeds/latest/",
        "/sitemap-stories.xml",
        "/sitemap-people.xml",
    ],
)
def test_unpublished_and_scheduled_stories_appear_nowhere(client, url):
    visible, hidden = _hidden_stories()
    html = client.get(url).content.decode()
    marker = visible.title
    if url.startswith("/sitemap"):
        marker = visible.slug if "stories" in url else "/people/zhang-yan/"
    assert marker in html
    for article in hidden:
        assert article.title not in html
        assert f"/news/{article.slug}/" not in html


# --- preview ---------------------------------------------------------------


def test_preview_is_404_for_anonymous_and_staff_without_permission(client, user_in):
    article = ArticleFactory(title="Secret draft")
    assert client.get(f"/preview/{article.pk}/").status_code == 404
    client.force_login(user_in())  # staff, no group, no permission
    response = client.get(f"/preview/{article.pk}/")
    assert response.status_code == 404
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize("group", ["Writers", "Translators", "Editors", "Publishers"])
def test_preview_shows_unpublished_story_to_its_staff_without_caching(
    client, user_in, group
):
    user = user_in(group)
    # Writers preview what they created, translators what they translate.
    article = ArticleFactory(
        title="Secret draft",
        status=Article.Status.IN_TRANSLATION,
        created_by=user,
        translator=user,
    )
    client.force_login(user)
    response = client.get(f"/preview/{article.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret draft" in html and "Preview:" in html
    assert '<meta name="robots" content="noindex">' in html
    cache_control = response.headers["Cache-Control"]
    for directive in ("no-cache", "no-store", "must-revalidate", "max-age=0"):
        assert directive in cache_control
    assert response.headers.get("Expires")


def test_preview_of_unknown_story_is_404(client, user_in):
    client.force_login(user_in("Editors"))
    assert client.get("/preview/999999/").status_code == 404


# --- robots.txt ------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_staff_pages(client):
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in body and "Disallow: /preview/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


# --- query budgets ---------------------------------------------------------


@pytest.fixture
def big_site():
    """Many stories, credits and photos: page query counts must not grow."""
    section = SectionFactory(slug="campus")
    people = [PersonFactory() for _ in range(6)]
    now = timezone.now()
    stories = []
    for n in range(30):
        story = ArticleFactory(
            status="published",
            published_at=now - timedelta(hours=n + 1),
            section=section,
        )
        for i, person in enumerate(people):
            role = ["writer", "translator", "editor", "attendee"][i % 4]
            credit(story, person, role, position_title="a title")
        for order in range(3):
            attach_photo(story, PhotoFactory(photographer=people[0]), order=order)
        stories.append(story)
    stories[0].related.add(stories[5], stories[6])
    return {"story": stories[0], "person": people[0], "section": section}


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("home", 5),
        ("list", 6),
        ("filtered", 7),
        ("detail", 8),
        ("original", 4),
        ("section", 6),
        # The person, the roles, the per-role totals and the next scheduled
        # story (these three once per change of the site), one LIMIT query
        # per role with stories (here writer, and photos without a photo
        # credit) and the nav sections: 8 however many stories (see
        # tests/test_performance.py); one query ranking all of a person's
        # credits took 200 ms at 100,000 stories (docs/PERFORMANCE.md).
        ("person", 8),
    ],
)
def test_pages_stay_within_their_query_budget(
    client, big_site, django_assert_max_num_queries, name, budget
):
    url = {
        "home": "/",
        "list": "/news/",
        "filtered": f"/news/?person={big_site['person'].slug}&year=2020",
        "detail": big_site["story"].get_absolute_url(),
        "original": f"{big_site['story'].get_absolute_url()}original/",
        "section": big_site["section"].get_absolute_url(),
        "person": big_site["person"].get_absolute_url(),
    }[name]
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_story_cards_show_headline_date_section_and_escaped_summary(client):
    campus = SectionFactory(slug="campus", name="Campus & Life")
    when = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)  # 2 March in Shanghai
    ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=when,
        title="Cards <b>are</b> plain",
        slug="cards-story",
        summary='A "summary" & <i>more</i>',
        section=campus,
    )
    ArticleFactory(published=True, title="A newer story")
    card = (
        '<article class="card"><h{level} class="card-title">'
        '<a href="/news/cards-story/">Cards &lt;b&gt;are&lt;/b&gt; plain</a>'
        '</h{level}><p class="meta"><time datetime="2025-03-02T00:30:00+08:00">'
        "2025/03/02</time>{section}</p>"
        '<p class="summary">A &quot;summary&quot; &amp; &lt;i&gt;more&lt;/i&gt;</p>'
        "</article>"
    )
    section = ' · <a href="/sections/campus/">Campus &amp; Life</a>'
    pages = {
        "/news/": card.format(level=2, section=section),
        "/": card.format(level=3, section=section),
        "/sections/campus/": card.format(level=2, section=""),
    }
    for url, expected in pages.items():
        assert expected in client.get(url).content.decode(), url
