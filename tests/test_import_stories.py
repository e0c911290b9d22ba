"""import_stories: scraped story pages become published stories with their
credits, attendees, captioned photos and related links."""

import html
import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from articles.importer import (
    ParseError,
    decode,
    find_attendees,
    infer_original_date,
    parse_name,
    parse_story,
    split_names,
)
from articles.models import Article, ArticlePhoto, Credit
from media.models import Photo
from people.models import Person

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
ROBOTICS = GOOD / "robotics-2019-01-03.txt"
LAB = GOOD / "lab-2019-03-20.txt"
LIBRARY = GOOD / "library-2019-06-10.txt"
CAMP = GOOD / "camp-2019-07-15.txt"
CORPUS_FILE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "corpus"
    / "hit-2019-04-15-vice-governor-forum.txt"
)

ROBOTICS_TITLE = (
    "Delegation from the Provincial Science Department visited the Robotics Institute"
)
LAB_TITLE = "New laboratory for marine robots opens on the Weihai campus"


def run(*args, **options):
    """call_command -> (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_stories", *map(str, args), stdout=out, stderr=err, **options
        )
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def counts():
    return {
        "articles": Article.objects.count(),
        "people": Person.objects.count(),
        "credits": Credit.objects.count(),
        "photos": Photo.objects.count(),
        "article_photos": ArticlePhoto.objects.count(),
        "related": Article.related.through.objects.count(),
    }


def story(title):
    return Article.objects.for_detail().get(title=title)


def names(article, role):
    return [str(c.person) for c in article.credits_for(role)]


def page_text(content):
    """The words a reader sees ("ZHANG Yan, LIU Fang", not "... Yan , LIU ...")."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())
    return re.sub(r" ([,;])", r"\1", text)


def png(path, colour):
    Image.new("RGB", (40, 30), colour).save(path, "PNG")


# Parsing (no database) -------------------------------------------------------


@pytest.mark.parametrize(
    "written, family, given, family_first, display",
    [
        ("CHENG Zhiming", "Cheng", "Zhiming", True, "CHENG Zhiming"),
        ("LI Ming-huan", "Li", "Ming-huan", True, "LI Ming-huan"),
        ("William Mosteller", "Mosteller", "William", False, "William Mosteller"),
        ("Lanrui", "", "Lanrui", True, "Lanrui"),
    ],
)
def test_names_are_split_into_family_and_given(
    written, family, given, family_first, display
):
    name = parse_name(written)
    assert (name.family, name.given, name.family_first) == (
        family,
        given,
        family_first,
    )
    assert name.display == display


@pytest.mark.parametrize(
    "line",
    ["YANG Yue, CHEN Jing and Grace Okafor", "YANG Yue & CHEN Jing & Grace Okafor"],
)
def test_credit_lines_hold_several_names(line):
    assert [n.display for n in split_names(line)] == [
        "YANG Yue",
        "CHEN Jing",
        "Grace Okafor",
    ]
    assert [n.display for n in split_names("YANG Yue/CHEN Jing")] == [
        "YANG Yue",
        "CHEN Jing",
    ]


def test_original_date_year_is_the_latest_not_after_updated():
    assert infer_original_date(12, 28, date(2019, 1, 3)) == date(2018, 12, 28)
    assert infer_original_date(4, 5, date(2019, 4, 15)) == date(2019, 4, 5)
    assert infer_original_date(4, 15, date(2019, 4, 15)) == date(2019, 4, 15)
    assert infer_original_date(2, 29, date(2021, 3, 1)) == date(2020, 2, 29)


def test_attendee_titles_stop_at_the_next_person_or_clause():
    paragraph = (
        "After CHENG Zhiming, the vice-governor of Heilongjiang province and a "
        "member of the Party group, and his entourage came to HIT. XING Aiguo, "
        "the deputy secretary general of the Provincial Government, HAN Jiecai, "
        "the executive vice president, and CAO Xibin, the vice president, attended "
        "the forum. LI Ming-huan, member of the Party group of the Provincial Local "
        "Financial Supervision Bureau; FU Qiang, the director of the Science and "
        "Technology Bureau attended. CHENG Zhiming pointed out that WANG Wei, who "
        "spoke first, was right."
    )
    found = {a.name.display: a.title for a in find_attendees([paragraph])}
    assert found == {
        "CHENG Zhiming": "the vice-governor of Heilongjiang province",
        "XING Aiguo": "the deputy secretary general of the Provincial Government",
        "HAN Jiecai": "the executive vice president",
        "CAO Xibin": "the vice president",
        "LI Ming-huan": (
            "member of the Party group of the Provincial Local Financial "
            "Supervision Bureau"
        ),
        "FU Qiang": "the director of the Science and Technology Bureau",
    }


def test_captions_and_related_headlines_are_told_apart():
    parsed = parse_story(decode(ROBOTICS.read_bytes()))
    assert parsed.captions == [
        "The Delegation in the Assembly Hall",
        "Students Showing the Four-legged Robot",
    ]
    assert parsed.related == [
        LAB_TITLE,
        "Students from three campuses join the winter school on robotics",
    ]
    assert len(parsed.paragraphs) == 3
    # Evenly spaced file: short lines are captions, longer ones headlines.
    parsed = parse_story(decode(LAB.read_bytes()))
    assert parsed.captions == ["The Opening Ceremony", "Guests Visiting the Wave Tank"]
    assert parsed.related[0] == ROBOTICS_TITLE and len(parsed.related) == 2
    # BOM, CRLF and extra blank lines; no captions.
    parsed = parse_story(decode(LIBRARY.read_bytes()))
    assert parsed.title == (
        "Library extends its opening hours for the examination season"
    )
    assert parsed.captions == [] and len(parsed.related) == 2
    assert len(parsed.paragraphs) == 3
    # Neither captions nor related headlines.
    parsed = parse_story(decode(CAMP.read_bytes()))
    assert parsed.captions == [] and parsed.related == []


@pytest.mark.parametrize(
    "name, reason",
    [
        ("no-title.txt", "no title"),
        ("latin-1.txt", "not UTF-8"),
        ("no-body.txt", "no body"),
    ],
)
def test_bad_pages_are_refused_with_a_reason(name, reason):
    with pytest.raises(ParseError, match=reason):
        parse_story(decode((BAD / name).read_bytes()))


# Importing -------------------------------------------------------------------


@pytest.mark.django_db
def test_folder_import_credits_dates_and_status():
    out, err, error = run(GOOD)
    assert error is None, err
    assert "imported 4, updated 0, failed 0, attendees found 6" in out

    robotics = story(ROBOTICS_TITLE)
    assert robotics.status == Article.Status.PUBLISHED and robotics.is_public
    local = timezone.localtime(robotics.published_at)
    assert (local.date(), local.hour) == (date(2019, 1, 3), 12)
    assert robotics.original_date == date(2018, 12, 28)
    assert names(robotics, "writer") == ["LIU Fang"]
    assert names(robotics, "translator") == ["CHEN Jing", "SUN Hao", "Grace Okafor"]
    assert names(robotics, "editor") == ["Sarah Whitfield"]
    assert names(robotics, "photographer") == ["ZHAO Lei"]

    lab = story(LAB_TITLE)
    assert lab.original_date == date(2019, 3, 18)
    # "Zhang Yan/Text" in the dateline is the "Written by: ZHANG Yan".
    assert names(lab, "writer") == ["ZHANG Yan"]
    assert names(lab, "translator") == ["YANG Yue", "CHEN Jing"]
    assert names(lab, "editor") == ["William Mosteller", "Sarah Whitfield"]
    assert names(lab, "photographer") == ["Lanrui"]
    lanrui = Person.objects.get(given_name="Lanrui")
    assert (lanrui.family_name, lanrui.family_name_first) == ("", True)
    mosteller = Person.objects.get(family_name="Mosteller")
    assert (mosteller.given_name, mosteller.family_name_first) == ("William", False)

    library = story("Library extends its opening hours for the examination season")
    assert names(library, "writer") == ["ZHAO Lei"]
    assert names(library, "translator") == names(library, "editor") == []
    assert library.original_date is None

    camp = story(
        "A robotics summer camp opens to secondary school students from across "
        "the country"
    )
    assert names(camp, "writer") == ["ZHANG Yan", "LIU Fang"]


@pytest.mark.django_db
def test_attendees_are_credited_with_their_titles_and_people_are_reused(client):
    run(ROBOTICS)
    run(LAB)
    robotics, lab = story(ROBOTICS_TITLE), story(LAB_TITLE)
    attendees = {
        str(c.person): c.position_title for c in robotics.credits_for("attendee")
    }
    assert attendees == {
        "GAO Wenjun": (
            "the director of the Provincial Science and Technology Department"
        ),
        "MA Lihua": "the vice president",
        "QIN Yufei": "the dean of the School of Mechatronics Engineering",
    }
    # The writer and photographer are not attendees.
    assert "LIU Fang" not in attendees and "ZHAO Lei" not in attendees
    lab_attendees = {
        str(c.person): c.position_title for c in lab.credits_for("attendee")
    }
    assert lab_attendees["LI Ming-huan"] == (
        "member of the Party group of the Provincial Ocean Bureau"
    )
    # One MA Lihua, credited in both stories; Sarah Whitfield and CHEN Jing too.
    ma = Person.objects.get(family_name="Ma", given_name="Lihua")
    assert ma.family_name_first
    assert {c.article_id for c in ma.credits.all()} == {robotics.pk, lab.pk}
    assert Person.objects.filter(family_name="Whitfield").count() == 1
    assert Person.objects.filter(family_name="Chen", given_name="Jing").count() == 1
    # Their person page lists both stories.
    text = page_text(client.get(ma.get_absolute_url()).content.decode())
    assert ROBOTICS_TITLE in text and LAB_TITLE in text


@pytest.mark.django_db
def test_captions_become_photos_in_order_awaiting_their_files():
    run(ROBOTICS)
    robotics = story(ROBOTICS_TITLE)
    assert [p.caption for p in robotics.photos] == [
        "The Delegation in the Assembly Hall",
        "Students Showing the Four-legged Robot",
    ]
    assert all(not p.image for p in robotics.photos)
    assert all(str(p.photographer) == "ZHAO Lei" for p in robotics.photos)


@pytest.mark.django_db
def test_reimport_changes_nothing():
    run(GOOD)
    before = counts()
    slugs = set(Article.objects.values_list("slug", flat=True))
    out, err, error = run(GOOD)
    assert error is None, err
    assert "imported 0, updated 4, failed 0" in out
    assert "(4 re-imported unchanged)" in out
    assert counts() == before
    assert set(Article.objects.values_list("slug", flat=True)) == slugs


@pytest.mark.django_db
def test_reimport_of_an_edited_page_reconciles_credits_and_photos(tmp_path):
    run(ROBOTICS)
    article = story(ROBOTICS_TITLE)
    version = article.version
    edited = tmp_path / ROBOTICS.name
    text = ROBOTICS.read_text(encoding="utf-8")
    text = text.replace("CHEN Jing, SUN Hao and Grace Okafor", "SUN Hao")
    text = text.replace("Students Showing the Four-legged Robot\n\n\n", "")
    text = text.replace("climbing stairs.", "climbing a steep staircase.")
    edited.write_text(text, encoding="utf-8")

    out, err, error = run(edited)
    assert error is None, err
    assert "imported 0, updated 1" in out
    assert Article.objects.count() == 1
    article = story(ROBOTICS_TITLE)
    assert article.version == version + 1
    assert names(article, "translator") == ["SUN Hao"]
    assert [p.caption for p in article.photos] == [
        "The Delegation in the Assembly Hall"
    ]
    assert Photo.objects.count() == 1
    assert "climbing a steep staircase." in article.body
    # The people who lost their credit still exist, credited nowhere here.
    assert Person.objects.filter(family_name="Chen", given_name="Jing").exists()
    assert Credit.objects.filter(article=article).count() == 1 + 1 + 1 + 1 + 3


@pytest.mark.django_db
def test_failing_files_write_nothing_and_the_others_import():
    out, err, error = run(
        BAD / "no-title.txt", LAB, BAD / "latin-1.txt", BAD / "no-body.txt"
    )
    assert error is not None and "3 file(s) failed" in str(error)
    assert f"{BAD / 'no-title.txt'}: no title" in err
    assert f"{BAD / 'latin-1.txt'}: not UTF-8 text" in err
    assert f"{BAD / 'no-body.txt'}: no body" in err
    assert "imported 1, updated 0, failed 3" in out
    assert list(Article.objects.values_list("title", flat=True)) == [LAB_TITLE]
    assert Person.objects.count() == 8  # the lab story's people only


@pytest.mark.django_db
def test_only_bad_files_change_nothing(tmp_path):
    missing = tmp_path / "nowhere.txt"
    out, err, error = run(BAD, missing)
    assert error is not None
    assert f"{missing}: no such file or folder" in err
    assert "imported 0, updated 0, failed 4" in out
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_related_headlines_link_stories_that_exist():
    out, _, _ = run(ROBOTICS, verbosity=2)
    robotics = story(ROBOTICS_TITLE)
    assert list(robotics.related.all()) == []
    assert "unresolved related headlines 2" in out
    assert f"unresolved related headline: {LAB_TITLE}" in out

    run(LAB)
    lab = story(LAB_TITLE)
    assert list(lab.related.all()) == [robotics]
    # The page lists it under "Related news".
    html_text = page_text(_client_get(lab))
    assert f"Related news {ROBOTICS_TITLE}" in html_text


@pytest.mark.django_db
def test_one_run_links_stories_whatever_their_order():
    out, _, _ = run(GOOD)
    robotics, lab = story(ROBOTICS_TITLE), story(LAB_TITLE)
    assert lab in robotics.related.all() and robotics in lab.related.all()
    # Only the one headline no file has stays unresolved (in two stories).
    assert "unresolved related headlines 2" in out


def _client_get(article):
    from django.test import Client

    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(GOOD.glob("*.txt")), ids=lambda p: p.stem)
def test_public_page_shows_title_credits_body_and_captions(client, path):
    run(GOOD)
    parsed = parse_story(decode(path.read_bytes()))
    article = Article.objects.get(source_ref=parsed.source_ref)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    text = page_text(content)
    assert parsed.title in text
    for role, label in [
        ("writer", "Written by:"),
        ("translator", "Translated by:"),
        ("editor", "Edited by:"),
    ]:
        credited = [n.display for n in parsed.credits.get(role, [])]
        if credited:
            assert f"{label} {', '.join(credited)}" in text
        else:
            assert label not in text
    for paragraph in parsed.paragraphs:
        assert paragraph in text
    for caption in parsed.captions:
        assert caption in text
    assert "Updated: " + parsed.updated.strftime("%Y/%m/%d") in text
    if path == ROBOTICS:
        # Page text is escaped, never markup.
        assert "<b>four-legged</b>" not in content
        assert "&lt;b&gt;four-legged&lt;/b&gt;" in content
        assert "Translated by: CHEN Jing, SUN Hao, Grace Okafor" in text
        assert "Attendees" in text and "MA Lihua, the vice president" in text


@pytest.mark.django_db
def test_images_are_matched_to_captions_in_name_order(tmp_path, settings):
    images = tmp_path / "images"
    images.mkdir()
    png(images / "10-second.png", "blue")
    png(images / "2-first.png", "red")
    (images / "notes.md").write_text("not an image")
    out, err, error = run(LAB, images=images)
    assert error is None, err
    lab = story(LAB_TITLE)
    first, second = lab.photos
    assert first.caption == "The Opening Ceremony" and first.image.name.endswith(".png")
    assert "2-first" in first.image.name and "10-second" in second.image.name
    assert (first.width, first.height) == (40, 30)
    assert Path(settings.MEDIA_ROOT, first.image.name).is_file()
    # The lead figure now shows the picture above its caption.
    assert re.search(
        r'<figure class="photo lead">.*?<img.*?The Opening Ceremony',
        _client_get(lab),
        re.S,
    )
    # Again with the same files: nothing changes, no copies are stored.
    stored = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.png"))
    out, err, error = run(LAB, images=images)
    assert "(1 re-imported unchanged)" in out
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.png")) == stored


@pytest.mark.django_db
def test_images_folder_per_story_when_importing_a_folder(tmp_path):
    images = tmp_path / "images"
    (images / ROBOTICS.stem).mkdir(parents=True)
    png(images / ROBOTICS.stem / "a.png", "green")
    out, err, error = run(GOOD, images=images)
    assert error is None, err
    robotics = story(ROBOTICS_TITLE)
    assert [bool(p.image) for p in robotics.photos] == [True, False]
    assert all(not p.image for p in story(LAB_TITLE).photos)


@pytest.mark.django_db
def test_a_bad_image_fails_its_story_and_stores_nothing(tmp_path, settings):
    images = tmp_path / "images"
    images.mkdir()
    png(images / "1.png", "red")
    (images / "2.jpg").write_bytes(b"this is not a jpeg")
    out, err, error = run(LAB, images=images)
    assert error is not None
    assert f"{LAB}: image 2.jpg: " in err and "JPEG" in err
    assert counts() == dict.fromkeys(counts(), 0)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.django_db
def test_a_story_with_long_shared_title_prefix_gets_its_own_slug(tmp_path):
    text = ROBOTICS.read_text(encoding="utf-8")
    long_title = ROBOTICS_TITLE + " and toured the laboratories of the School"
    for n in range(3):
        page = text.replace(ROBOTICS_TITLE + "\n", f"{long_title} ({n + 1})\n", 1)
        (tmp_path / f"{n}.txt").write_text(page, encoding="utf-8")
    out, err, error = run(tmp_path)
    assert error is None, err
    assert len(set(Article.objects.values_list("slug", flat=True))) == 3


@pytest.mark.django_db
@pytest.mark.skipif(not CORPUS_FILE.exists(), reason="no ../shared/corpus here")
def test_the_real_corpus_page(client, tmp_path):
    # A copy outside the project, so its name is ours to choose.
    path = tmp_path / CORPUS_FILE.name
    shutil.copy(CORPUS_FILE, path)
    out, err, error = run(path)
    assert error is None, err
    article = Article.objects.for_detail().get()
    assert article.title.startswith("CHENG Zhiming, the vice-governor")
    assert timezone.localdate(article.published_at) == date(2019, 4, 15)
    assert article.original_date == date(2019, 4, 5)
    assert names(article, "writer") == ["ZHANG Yan"]
    assert names(article, "translator") == ["YANG Yue"]
    assert names(article, "editor") == ["William Mosteller"]
    assert names(article, "photographer") == ["Lanrui"]
    assert [p.caption for p in article.photos] == [
        "The Forum",
        "The Speech Given by CHENG Zhiming",
        "The Speech Given by WANG Shuquan",
    ]
    parsed = parse_story(decode(path.read_bytes()))
    assert len(parsed.related) == 10
    attendees = {
        str(c.person): c.position_title for c in article.credits_for("attendee")
    }
    assert attendees["CHENG Zhiming"] == "the vice-governor of Heilongjiang province"
    assert attendees["HAN Jiecai"] == "the executive vice president"
    assert attendees["CAO Xibin"] == "the vice president"
    assert attendees["XING Aiguo"].startswith("the deputy secretary general")
    assert attendees["WANG Shuquan"] == "the secretary of the Party Committee of HIT"
    assert attendees["LI Ming-huan"].startswith("member of the Party group")
    assert {"LI Haoyan", "ZHANG Changbin", "FU Qiang"} <= set(attendees)
    assert not {"ZHANG Yan", "YANG Yue", "William Mosteller", "Lanrui"} & set(attendees)
    text = page_text(client.get(article.get_absolute_url()).content.decode())
    for paragraph in parsed.paragraphs:
        assert paragraph in text
    assert "Written by: ZHANG Yan" in text and "Edited by: William Mosteller" in text
    # Re-import: nothing new.
    before = counts()
    run(path)
    assert counts() == before
