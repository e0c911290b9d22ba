"""What the performance work changed must not change what readers see:
year/month filters as local-time ranges, related stories, cached totals,
search on the stored vector and its ranking of the newest matches
(PostgreSQL), person pages, the bulk seed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, Credit
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    SectionFactory,
    attach_photo,
    credit,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def titles_on(client, query, candidates):
    response = client.get(f"/news/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return {t for t in candidates if t in html}


# --- year and month: [start, end) in Shanghai time ---------------------------


def test_year_and_month_ranges_end_exactly_at_local_midnight(client):
    # 15:59:59 UTC on 31 December is 23:59:59 in Shanghai; a second later
    # it is the new year there.
    last = datetime(2023, 12, 31, 15, 59, 59, tzinfo=UTC)
    ArticleFactory(status="published", published_at=last, title="Last of 2023")
    ArticleFactory(
        status="published",
        published_at=last + timedelta(seconds=1),
        title="First of 2024",
    )
    # 31 January 23:59:59 and 1 February 00:00 in Shanghai.
    ArticleFactory(
        status="published",
        published_at=datetime(2024, 1, 31, 15, 59, 59, tzinfo=UTC),
        title="End of January",
    )
    ArticleFactory(
        status="published",
        published_at=datetime(2024, 1, 31, 16, 0, tzinfo=UTC),
        title="Start of February",
    )
    all_titles = {
        "Last of 2023",
        "First of 2024",
        "End of January",
        "Start of February",
    }

    assert titles_on(client, "year=2023", all_titles) == {"Last of 2023"}
    assert titles_on(client, "year=2023&month=12", all_titles) == {"Last of 2023"}
    assert titles_on(client, "year=2024", all_titles) == all_titles - {"Last of 2023"}
    assert titles_on(client, "year=2024&month=1", all_titles) == {
        "First of 2024",
        "End of January",
    }
    assert titles_on(client, "year=2024&month=2", all_titles) == {"Start of February"}
    # A month alone still means that month of every year.
    assert titles_on(client, "month=12", all_titles) == {"Last of 2023"}


def test_year_filter_compares_dates_instead_of_extracting_the_year(client):
    ArticleFactory(
        status="published",
        published_at=datetime(2024, 5, 1, 4, tzinfo=UTC),
        title="May story",
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/?year=2024&month=5")
    assert response.status_code == 200
    assert "May story" in response.content.decode()
    sql = [q["sql"] for q in queries if "articles_article" in q["sql"]]
    # SQLite's django_datetime_extract() and PostgreSQL's EXTRACT() would
    # convert every row's date; a range can use the index.
    assert not any(re.search(r"extract", s, re.IGNORECASE) for s in sql)
    assert any('"published_at" >=' in s and '"published_at" <' in s for s in sql)


def test_a_year_out_of_range_is_still_a_form_error(client):
    response = client.get("/news/?year=3000&month=12")
    assert response.status_code == 400
    assert "Please correct the filters below." in response.content.decode()


# --- related stories -------------------------------------------------------------


def test_related_stories_are_the_newest_sharing_a_section_or_a_person(client):
    now = timezone.now()
    campus, research = SectionFactory(slug="campus"), SectionFactory(slug="research")
    writer, guest = PersonFactory(), PersonFactory()
    story = ArticleFactory(
        status="published", published_at=now - timedelta(days=30), section=campus
    )
    credit(story, writer, "writer")
    credit(story, guest, "attendee")

    def make(title, days, section, person=None, **kwargs):
        kwargs.setdefault("status", "published")
        kwargs.setdefault("published_at", now - timedelta(days=days))
        article = ArticleFactory(title=title, section=section, **kwargs)
        if person:
            credit(article, person, "writer")
        return article

    make("Same section new", 1, campus)
    make("Shares the writer", 2, research, writer)
    make("Shares the guest", 3, research, guest)
    make("Same section old", 40, campus)
    make("Same section older", 50, campus)
    make("Same section oldest", 60, campus)
    make("Unrelated newest", 0.5, research)
    make("Draft in section", 1, campus, status="draft", published_at=None)
    make("Scheduled in section", -1, campus)
    pinned = make("Linked by the importer", 100, research)
    story.related.add(pinned)

    html = client.get(story.get_absolute_url()).content.decode()
    start = html.index('<aside class="related"')
    aside = html[start : html.index("</aside>", start)]
    shown = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', aside)
    assert shown == [
        "Linked by the importer",
        "Same section new",
        "Shares the writer",
        "Shares the guest",
        "Same section old",
    ]


def test_related_stories_without_section_or_people(client):
    story = ArticleFactory(published=True, section=None)
    ArticleFactory(published=True, title="Some other story")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Some other story" not in response.content.decode()


# --- cached totals ----------------------------------------------------------------


def test_list_total_is_counted_once_and_follows_every_change(client):
    for _ in range(3):
        ArticleFactory(published=True)
    with CaptureQueriesContext(connection) as first:
        assert "3 stories" in client.get("/news/").content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "3 stories" in client.get("/news/?page=1").content.decode()
    counts = [q for q in second if "COUNT(" in q["sql"].upper()]
    assert not counts and len(second) < len(first)

    # Publishing, unpublishing and deleting all show at once.
    new = ArticleFactory(published=True)
    assert "4 stories" in client.get("/news/").content.decode()
    new.status = Article.Status.EDITED
    new.save()
    assert "3 stories" in client.get("/news/").content.decode()
    Article.objects.filter(status="published").first().delete()
    assert "2 stories" in client.get("/news/").content.decode()


def test_cached_totals_are_per_filter(client):
    campus = SectionFactory(slug="campus")
    ArticleFactory(published=True, section=campus)
    ArticleFactory(published=True)
    assert "2 stories" in client.get("/news/").content.decode()
    assert "1 story" in client.get("/news/?section=campus").content.decode()
    assert "2 stories" in client.get("/news/?page=1").content.decode()


def test_a_scheduled_story_is_counted_when_its_time_comes(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    ArticleFactory(published=True)
    ArticleFactory(status="published", published_at=now + timedelta(minutes=5))
    assert "1 story" in client.get("/news/").content.decode()
    time_machine.move_to(now + timedelta(minutes=6), tick=False)
    assert "2 stories" in client.get("/news/").content.decode()


# --- search on the stored vector (PostgreSQL) --------------------------------------


@on_postgresql
def test_stored_search_vector_is_the_expression_search_py_builds():
    from articles.search import StoredSearchVector, search_vector

    ArticleFactory(
        published=True,
        title="Satellites and <b>robots</b>",
        summary="A summary about lasers.",
        body="<p>Body text on <em>graphene</em>, with a link.</p>",
    )
    ArticleFactory(published=True, title="", summary="", body="")
    rows = Article.objects.annotate(
        stored=StoredSearchVector(), computed=search_vector()
    ).values_list("stored", "computed")
    for stored, computed in rows:
        assert stored == computed


@on_postgresql
def test_search_follows_edits_and_ranks_the_headline_first(client):
    story = ArticleFactory(
        published=True, title="Forum on instruments", body="<p>Nothing here.</p>"
    )
    ArticleFactory(
        published=True,
        title="Graphene in the headline",
        published_at=timezone.now() - timedelta(days=3),
    )
    html = client.get("/news/?q=graphene").content.decode()
    assert "Graphene in the headline" in html and "Forum on instruments" not in html

    story.body = "<p>Researchers showed a graphene sensor.</p>"
    story.save()
    html = client.get("/news/?q=graphene").content.decode()
    assert html.index("Graphene in the headline") < html.index("Forum on instruments")
    assert "2 stories" in html


def card_titles(response):
    assert response.status_code == 200
    return re.findall(
        r'class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def graphene_stories():
    """Six stories mentioning graphene (two in the headline) and one not."""
    now = timezone.now()

    def story(title, days, body="<p>Nothing here.</p>"):
        ArticleFactory(
            status="published",
            published_at=now - timedelta(days=days),
            title=title,
            body=body,
        )

    mention = "<p>A word on graphene.</p>"
    story("Graphene headline long ago", 30)
    story("Mention oldest", 40, mention)
    story("Mention old", 20, mention)
    story("Mention newer", 3, mention)
    story("Graphene headline recent", 2)
    story("Mention newest", 1, mention)
    story("No match", 0.5)


@on_postgresql
def test_search_ranks_the_newest_matches_then_lists_older_ones_newest_first(
    client, monkeypatch
):
    graphene_stories()
    # Up to RANKED matches, all of them are ranked: headlines first.
    assert card_titles(client.get("/news/?q=graphene")) == [
        "Graphene headline recent",
        "Graphene headline long ago",
        "Mention newest",
        "Mention newer",
        "Mention old",
        "Mention oldest",
    ]
    # With more matches than RANKED (here 3), only the newest RANKED are
    # ranked; the old headline comes after them, in date order.
    monkeypatch.setattr(search, "RANKED", 3)
    response = client.get("/news/?q=graphene&page=1")
    assert card_titles(response) == [
        "Graphene headline recent",
        "Mention newest",
        "Mention newer",
        "Mention old",
        "Graphene headline long ago",
        "Mention oldest",
    ]
    assert "6 stories" in response.content.decode()


@on_postgresql
def test_ranked_results_pages_hold_every_match_once_in_one_order(monkeypatch):
    from articles.search import RankedResults, full_text_search

    monkeypatch.setattr(search, "RANKED", 3)
    graphene_stories()
    results = RankedResults(
        full_text_search(Article.objects.published(), "graphene"), "graphene"
    )
    everything = [a.title for a in results[0:None]]
    assert everything[:3] == [
        "Graphene headline recent",
        "Mention newest",
        "Mention newer",
    ]
    assert len(everything) == len(set(everything)) == results.count() == 6
    for size in (1, 2, 4, 5):  # pages ending before, at and across RANKED
        pages = [results[n : n + size] for n in range(0, 6, size)]
        assert [a.title for page in pages for a in page] == everything
    assert results[4].title == everything[4]
    assert results[6:9] == []
    with pytest.raises(IndexError):
        results[6]


@on_postgresql
def test_a_phrase_that_matches_nothing_lists_nothing(client):
    graphene_stories()
    response = client.get('/news/?q="headline+graphene"')
    assert card_titles(response) == []
    assert "No stories match." in response.content.decode()
    assert card_titles(client.get('/news/?q="graphene+headline"')) == [
        "Graphene headline recent",
        "Graphene headline long ago",
    ]


# --- seed_demo --articles ------------------------------------------------------------


def test_synthetic_stories_get_four_distinct_credits(settings):
    settings.DEBUG = True
    with open("/dev/null", "w") as out:
        call_command("seed_demo", articles=30, no_demo=True, stdout=out)
        call_command("seed_demo", articles=5, no_demo=True, stdout=out)
    bulk = Article.objects.filter(slug__startswith="bulk-")
    assert bulk.count() == 35
    assert set(bulk.values_list("status", flat=True)) == {"published"}
    for article in bulk.prefetch_related("credits__role"):
        credits = list(article.credits.all())
        assert sorted(c.role.slug for c in credits) == [
            "attendee",
            "editor",
            "translator",
            "writer",
        ]
        assert len({c.person_id for c in credits}) == 4
    assert Credit.objects.filter(article__in=bulk).count() == 35 * 4


# --- person pages ------------------------------------------------------------------


def test_person_page_takes_the_same_queries_however_many_stories(client):
    """Every role, and stories with the person's photos but no photo credit:
    the page's queries are the same for 3 and for 28 stories of each, the
    totals count them all, and each role lists the newest 20."""
    person = PersonFactory(family_name="Zhang", given_name="Yan")
    roles = ("writer", "translator", "editor", "photographer", "attendee")
    now = timezone.now()
    made = 0

    def add_stories(n):
        nonlocal made
        for _ in range(n):
            made += 1
            credited = ArticleFactory(
                status="published",
                published_at=now - timedelta(hours=2 * made),
                title=f"Credited {made:02d}",
            )
            for role in roles:
                credit(credited, person, role, position_title=f"title {made:02d}")
            photographed = ArticleFactory(
                status="published",
                published_at=now - timedelta(hours=2 * made + 1),
                title=f"Photographed {made:02d}",
            )
            attach_photo(photographed, PhotoFactory(photographer=person))

    def visit():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(person.get_absolute_url())
        assert response.status_code == 200
        return len(queries), " ".join(
            re.sub(r"<[^>]+>", " ", response.content.decode()).split()
        )

    add_stories(3)
    first, text = visit()  # totals counted
    again, _ = visit()  # totals from the cache
    assert "Written by ZHANG Yan (3 stories)" in text
    assert "Photos by ZHANG Yan (6 stories)" in text

    add_stories(25)  # any change to stories makes the totals count again
    assert visit()[0] == first
    assert visit()[0] == again < first
    text = visit()[1]
    for label in ("Written by", "Translated by", "Edited by"):
        assert f"{label} ZHANG Yan (28 stories)" in text
    assert "Appears in (28 stories)" in text
    assert "Photos by ZHANG Yan (56 stories)" in text
    # Each role: the newest 20, newest first, with the person's title.
    assert text.count("Credited 01") == 5
    assert text.count("Credited 20") == 4  # not among the newest 20 photos
    assert "Credited 21" not in text
    assert "title 01" in text and "title 21" not in text
    # Photos: credited and uncredited stories merged, newest 20.
    photos = text[text.index("Photos by") : text.index("Appears in")]
    assert photos.index("Credited 01") < photos.index("Photographed 01")
    assert photos.index("Photographed 01") < photos.index("Credited 02")
    assert "Photographed 10" in photos and "Credited 11" not in photos
    assert text.count("More stories") == 5


def related_on(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    start = html.index('<aside class="related"')
    aside = html[start : html.index("</aside>", start)]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', aside)


def test_related_stories_are_found_once_and_follow_every_change(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    campus = SectionFactory(slug="campus")
    story = ArticleFactory(
        status="published", published_at=now - timedelta(days=9), section=campus
    )
    older = ArticleFactory(
        title="Older news",
        status="published",
        published_at=now - timedelta(days=5),
        section=campus,
    )
    with CaptureQueriesContext(connection) as first:
        assert related_on(client, story) == ["Older news"]
    with CaptureQueriesContext(connection) as again:
        assert related_on(client, story) == ["Older news"]
    # The second reader is not charged for finding them.
    assert len(again) <= len(first) - 3

    ArticleFactory(
        title="Newer news", status="published", published_at=now, section=campus
    )
    assert related_on(client, story) == ["Newer news", "Older news"]
    ArticleFactory(
        title="Scheduled news",
        status="published",
        published_at=now + timedelta(minutes=5),
        section=campus,
    )
    assert "Scheduled news" not in related_on(client, story)
    time_machine.move_to(now + timedelta(minutes=6), tick=False)
    assert related_on(client, story)[0] == "Scheduled news"
    older.delete()
    assert "Older news" not in related_on(client, story)


def test_navigation_and_section_filter_follow_section_changes(client):
    campus = SectionFactory(slug="campus", name="Campus")
    ArticleFactory(published=True, section=campus, title="On campus")
    html = client.get("/news/").content.decode()
    assert '<a href="/sections/campus/">Campus</a>' in html
    assert '<option value="campus">Campus</option>' in html

    campus.name = "Campus life"
    campus.save()
    SectionFactory(slug="research", name="Research")
    html = client.get("/news/").content.decode()
    assert '<a href="/sections/campus/">Campus life</a>' in html
    assert '<a href="/sections/research/">Research</a>' in html
    assert '<option value="research">Research</option>' in html
    assert "On campus" in client.get("/news/?section=campus").content.decode()
    assert "On campus" not in client.get("/news/?section=research").content.decode()
    response = client.get("/news/?section=gone")
    assert response.status_code == 400
    assert "There is no such section." in response.content.decode()
