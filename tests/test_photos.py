"""Photo library: upload checks, renditions, figures on the story page, and
the alt-text requirement for publishing."""

import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from articles.models import Article, WorkflowEvent
from articles.workflow import TransitionRefused, perform
from media import renditions
from media.models import Photo
from tests.factories import ArticleFactory, PersonFactory, PhotoFactory, attach_photo

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/media/photo/add/"


def image_bytes(fmt="JPEG", size=(64, 48), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, fmt, **options)
    return buffer.getvalue()


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_photo(client, name, data, **fields):
    upload = SimpleUploadedFile(name, data)
    return client.post(
        ADD_URL,
        {"image": upload, "caption": "A caption", "alt_text": "Alt", **fields},
    )


@pytest.fixture(scope="module")
def bomb_png():
    # 20000×20000 pixels (400 megapixels) in about 50 KB.
    return image_bytes("PNG", size=(20000, 20000), mode="1")


def _jpeg_truncated():
    data = image_bytes("JPEG", size=(400, 300), quality=90)
    return data[: len(data) // 2]


REFUSED = [
    pytest.param(
        "drawing.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "does not end in .jpg",
        id="svg-name",
    ),
    pytest.param(
        "drawing.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "SVG drawings are not accepted",
        id="svg-content",
    ),
    pytest.param(
        "page.jpg",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "This file is a web page (HTML), not a photo",
        id="html-named-jpg",
    ),
    pytest.param(
        "trick.gif",
        b"GIF89a<script>alert(document.cookie)</script>",
        "This file is a web page (HTML), not a photo",
        id="gif-header-then-script",
    ),
    pytest.param(
        "polyglot.gif",
        image_bytes("GIF") + b"<html><script>alert(1)</script></html>",
        "web-page code (HTML or script) besides the picture",
        id="real-gif-with-trailing-html",
    ),
    pytest.param(
        "notes.jpg",
        "Just some notes, not a photo.\n会议记录\n".encode(),
        "This is a text file, not a photo",
        id="text-named-jpg",
    ),
    pytest.param(
        "cut.jpg",
        _jpeg_truncated(),
        "The image is damaged or incomplete",
        id="truncated-jpeg",
    ),
    pytest.param(
        "scan.jpg",
        image_bytes("TIFF"),
        "TIFF files are not accepted",
        id="tiff-named-jpg",
    ),
    pytest.param(
        "photo.html",
        image_bytes("PNG"),
        "“photo.html” does not end in .jpg, .jpeg, .png, .webp or .gif",
        id="png-named-html",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_admin_refuses_bad_upload_with_a_clear_field_error(
    admin_client, settings, name, data, message
):
    response = post_photo(admin_client, name, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in e for e in errors["image"]), errors
    assert message in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_admin_refuses_decompression_bomb(admin_client, settings, bomb_png):
    response = post_photo(admin_client, "bomb.png", bomb_png)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["image"]
    assert "decompression bomb" in error and "40 megapixels" in error
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_admin_refuses_too_many_pixels_below_pillows_own_limit(admin_client, settings):
    settings.NEWSROOM_MAX_UPLOAD_PIXELS = 1_000_000
    response = post_photo(admin_client, "wide.png", image_bytes("PNG", (1250, 1000)))

    [error] = response.context["adminform"].form.errors["image"]
    assert error == (
        "The image is 1250×1000 pixels (1.25 megapixels); the limit is 1 megapixels."
    )
    assert not Photo.objects.exists()


def test_admin_refuses_too_many_bytes(admin_client, settings):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 1000
    data = image_bytes("JPEG", (300, 200), quality=95)
    assert len(data) > 1000

    response = post_photo(admin_client, "big.jpg", data)

    [error] = response.context["adminform"].form.errors["image"]
    assert "a photo may be at most 1000\xa0bytes" in error
    assert "JPEG, PNG, WebP or GIF; at most 1000\xa0bytes" in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_model_validation_uses_the_same_checks():
    """Paths other than the admin (the importer) get the same refusals."""
    photo = Photo(
        caption="x", image=SimpleUploadedFile("notes.jpg", b"plain text, no photo")
    )
    with pytest.raises(ValidationError, match="This is a text file, not a photo"):
        photo.full_clean()
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", image_bytes("JPEG", (1000, 600))),
        ("photo.png", image_bytes("PNG", (1000, 600), mode="RGBA")),
        ("photo.webp", image_bytes("WEBP", (1000, 600))),
        ("photo.gif", image_bytes("GIF", (1000, 600), mode="P")),
    ],
)
def test_admin_accepts_photos_and_stores_width_and_height(admin_client, name, data):
    photographer = PersonFactory(family_name="Zhao", given_name="Lei")
    response = post_photo(admin_client, name, data, photographer=photographer.pk)

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1000, 600)
    assert photo.photographer == photographer
    assert default_storage.exists(photo.image.name)
    picture = renditions.picture(photo)
    for fmt, items in (("JPEG", picture.jpeg), ("WEBP", picture.webp)):
        assert [r.width for r in items] == [480, 800, 1000]
        assert [_open_rendition(r)[0] for r in items] == [fmt] * 3


def test_camera_orientation_is_applied_on_upload(admin_client):
    """A phone photo stored sideways with an EXIF orientation is turned, so
    its width and height are the ones readers see."""
    image = Image.new("RGB", (40, 20), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)

    response = post_photo(admin_client, "phone.jpg", buffer.getvalue())

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (20, 40)
    with default_storage.open(photo.image.name) as f, Image.open(f) as stored:
        assert stored.size == (20, 40)
        assert stored.getexif().get(0x0112) in (None, 1)


def test_changing_the_caption_keeps_the_image_without_rechecking_it(
    admin_client, settings
):
    photo = PhotoFactory(caption="Old caption")
    name = photo.image.name
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 10  # the stored file is larger

    response = admin_client.post(
        f"/admin/media/photo/{photo.pk}/change/",
        {"caption": "New caption", "alt_text": "Students at the forum"},
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("New caption", name)


def _open_rendition(rendered):
    path = rendered.url.removeprefix(default_storage.base_url)
    with default_storage.open(path) as f, Image.open(f) as image:
        return image.format, image.size


def test_renditions_have_the_planned_sizes_and_are_never_upscaled():
    big = PhotoFactory(image__width=1600, image__height=900)
    small = PhotoFactory(image__width=300, image__height=200)

    picture = renditions.picture(big)
    assert [(r.width, r.height) for r in picture.jpeg] == [
        (480, 270),
        (800, 450),
        (1200, 675),
    ]
    for fmt, items in (("JPEG", picture.jpeg), ("WEBP", picture.webp)):
        for rendered in items:
            assert rendered.url.endswith(".jpg" if fmt == "JPEG" else ".webp")
            assert _open_rendition(rendered) == (
                fmt,
                (rendered.width, rendered.height),
            )

    picture = renditions.picture(small)
    assert [(r.width, r.height) for r in picture.jpeg] == [(300, 200)]
    assert _open_rendition(picture.jpeg[0]) == ("JPEG", (300, 200))
    assert _open_rendition(picture.webp[0]) == ("WEBP", (300, 200))


def _rendition_files():
    root = Path(default_storage.path("CACHE"))
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_renditions_are_made_on_first_view_and_then_reused(client):
    article, _ = _published_story_with_photos(2)
    assert not default_storage.exists("CACHE")

    client.get(article.get_absolute_url())
    made = _rendition_files()
    # Two photos 900 pixels wide: 480, 800 and 900 in WebP and JPEG each.
    assert len(made) == 12

    cache.clear()  # even with the page and its rendition states forgotten
    client.get(article.get_absolute_url())
    assert _rendition_files() == made


def test_each_worker_keeps_a_photos_picture_until_its_image_changes(monkeypatch):
    _, [photo] = _published_story_with_photos(1)
    first = renditions.picture(photo)

    def looked_up_again(files):
        raise AssertionError("rendition states looked up again")

    # Later views use the worker's copy: no cache round trip, same markup.
    monkeypatch.setattr(renditions, "prefetch_cachefile_states", looked_up_again)
    assert renditions.picture(photo) == first
    monkeypatch.undo()

    # A new image (a new file name) gets renditions of its own at once.
    photo.image = SimpleUploadedFile("new.jpg", image_bytes(size=(700, 500)))
    photo.save()
    second = renditions.picture(photo)
    assert second.fallback.url != first.fallback.url
    assert (second.fallback.width, second.fallback.height) == (700, 500)


def test_photo_whose_original_is_missing_keeps_its_caption(client, caplog):
    article, [photo] = _published_story_with_photos(1)
    default_storage.delete(photo.image.name)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    [figure] = _figures(response.content.decode())
    assert "<picture>" not in figure and "Caption number 0" in figure
    assert "Could not make renditions" in caplog.text


def _published_story_with_photos(count):
    article = ArticleFactory(published=True, title="Campus forum")
    photographer = PersonFactory(
        family_name="Mosteller", given_name="William", family_name_first=False
    )
    photos = []
    for n in range(count):
        photo = PhotoFactory(
            caption=f"Caption number {n}",
            alt_text=f"Alt number {n}",
            photographer=photographer,
            image__width=900,
            image__height=600,
        )
        attach_photo(article, photo, order=n)
        photos.append(photo)
    return article, photos


def _figures(html):
    return re.findall(r"<figure.*?</figure>", html, re.S)


def test_story_page_renders_pictures_with_lead_eager_and_others_lazy(client):
    article, photos = _published_story_with_photos(3)
    waiting = Photo.objects.create(caption="Caption awaiting its image")
    attach_photo(article, waiting, order=3)

    html = client.get(article.get_absolute_url()).content.decode()

    figures = _figures(html)
    assert len(figures) == 4
    lead, second, third, last = figures
    for n, figure in enumerate((lead, second, third)):
        assert figure.count("<picture>") == 1
        assert re.search(
            r'<source type="image/webp" srcset="[^"]+\.webp 480w, '
            r'[^"]+\.webp 800w, [^"]+\.webp 900w" sizes="[^"]+">',
            figure,
        )
        img = re.search(r"<img [^>]+>", figure).group(0)
        assert re.search(r'srcset="[^"]+\.jpg 480w, [^"]+\.jpg 800w', img)
        assert 'width="900" height="600"' in img
        assert f'alt="Alt number {n}"' in img
        caption = re.sub(
            r"<[^>]+>",
            "",
            re.search(r"<figcaption>.*?</figcaption>", figure, re.S).group(0),
        )
        assert f"Caption number {n}" in caption
        assert "Photo: William Mosteller" in caption
    assert 'loading="lazy"' not in lead and 'fetchpriority="high"' in lead
    assert 'loading="lazy"' in second and 'loading="lazy"' in third
    # An imported caption whose picture has not arrived still shows.
    assert "<picture>" not in last and "<img" not in last
    assert "<figcaption>Caption awaiting its image</figcaption>" in last


def test_story_page_queries_do_not_grow_with_photos(client):
    one, _ = _published_story_with_photos(1)
    five, _ = _published_story_with_photos(5)

    client.get("/")  # warms the page cache's own bookkeeping
    counts = []
    for article in (one, five):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], [q["sql"] for q in queries]


def test_admin_library_lists_thumbnails_and_searches_and_filters(admin_client):
    zhao = PersonFactory(family_name="Zhao", given_name="Lei")
    other = PersonFactory(family_name="Wang", given_name="Fang")
    PhotoFactory(caption="Forum in the great hall", photographer=zhao)
    PhotoFactory(caption="Library at night", photographer=other)
    Photo.objects.create(caption="Imported, awaiting its image")

    html = admin_client.get("/admin/media/photo/").content.decode()
    thumbs = re.findall(r'<img src="[^"]+\.jpg" width="\d+" height="\d+"[^>]*>', html)
    assert len(thumbs) == 2
    assert 'width="64" height="48"' in thumbs[0]
    assert "No image yet" in html

    html = admin_client.get("/admin/media/photo/", {"q": "great hall"}).content.decode()
    assert "Forum in the great hall" in html and "Library at night" not in html

    html = admin_client.get("/admin/media/photo/", {"q": "Zhao"}).content.decode()
    assert "Forum in the great hall" in html and "Library at night" not in html

    response = admin_client.get(
        "/admin/media/photo/", {"photographer__id__exact": other.pk}
    )
    html = response.content.decode()
    assert "Library at night" in html and "Forum in the great hall" not in html

    Photo.objects.filter(caption="Library at night").update(alt_text="  ")
    html = admin_client.get("/admin/media/photo/", {"alt_text": "missing"})
    html = html.content.decode()
    assert "Library at night" in html and "Forum in the great hall" not in html


def test_admin_library_queries_do_not_grow_with_photos(admin_client):
    counts = []
    for _ in range(2):
        PhotoFactory.create_batch(3, photographer=PersonFactory())
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/admin/media/photo/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_admin_change_page_shows_a_preview(admin_client):
    photo = PhotoFactory(alt_text="Students at the forum")

    html = admin_client.get(f"/admin/media/photo/{photo.pk}/change/").content.decode()

    preview = renditions.rendition(photo, 800)
    assert (
        f'<img src="{preview.url}" width="64" height="48" alt="Students at the forum"'
        in html
    )


def test_publish_is_refused_while_a_photo_lacks_alt_text(user_in):
    publisher = user_in("Publishers")
    article = ArticleFactory(status=Article.Status.EDITED)
    attach_photo(article, PhotoFactory(caption="Graduates on the lawn", alt_text=""))
    attach_photo(article, PhotoFactory(caption="The hall", alt_text="A full hall"))
    before = (article.status, article.version, WorkflowEvent.objects.count())

    with pytest.raises(TransitionRefused, match="Graduates on the lawn") as refused:
        perform(article.pk, "publish", actor=publisher)

    assert "alt text" in str(refused.value) and "The hall" not in str(refused.value)
    article.refresh_from_db()
    assert (article.status, article.version, WorkflowEvent.objects.count()) == before
    assert article.published_at is None
