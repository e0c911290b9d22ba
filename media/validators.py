"""The one place that decides whether an uploaded file is an acceptable photo.

Every upload path calls ``validate_image_upload``: the model field lists it
as a validator, the admin form field (media/forms.py) uses it, and any other
code that stores a picture must call it too. The format is read from the
content with Pillow, never trusted from the file name; size is limited in
bytes and in pixels; files that are really markup (SVG, HTML) or that hide
markup in an image (polyglots) are refused with a message that says what
the file is. Files already in storage were checked when they came in and
are not read again (editing a caption never re-downloads the original).

Pillow only ever parses the four accepted formats here (``formats=``), so
exotic decoders (EPS, PSD, ...) never see uploaded bytes.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ALLOWED_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif")
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"

# Markup that makes a file dangerous if a browser ever treats it as a page.
# A run of seven (or five) specific characters followed by a delimiter is,
# for all practical purposes, never found by chance in compressed pixels.
_MARKUP = re.compile(rb"<(?:script|html|iframe)[\s>/]", re.IGNORECASE)
_CHUNK = 1 << 20

# Magic numbers of formats people try to upload, for a message that names them.
_OTHER_FORMATS = (
    (0, b"%PDF", "PDF"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"BM", "BMP"),
    (0, b"8BPS", "Photoshop (PSD)"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
)


def _accepted():
    return _("Upload a JPEG, PNG, WebP or GIF photo.")


def _refuse(message, code):
    raise ValidationError(message, code=code)


def _is_stored(file):
    """A file already in storage was checked when it was uploaded."""
    return getattr(file, "_committed", False) and hasattr(file, "storage")


def validate_image_upload(file):
    if not file or _is_stored(file):
        return
    if isinstance(file, FieldFile):  # a new upload, not yet stored
        file = file.file
    # The admin form checks the file, then the model's full_clean() does:
    # decode it once.
    limits = (settings.NEWSROOM_MAX_UPLOAD_BYTES, settings.NEWSROOM_MAX_UPLOAD_PIXELS)
    if getattr(file, "_newsroom_checked", None) == limits:
        return
    _check_name(file)
    _check_bytes(file)
    try:
        head = _read_head(file)
        _check_content(file, head)
        _check_markup(file)
    finally:
        try:
            file.seek(0)
        except (AttributeError, ValueError, OSError):
            pass
    file._newsroom_checked = limits


def _check_name(file):
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    if not name.lower().endswith(ALLOWED_EXTENSIONS):
        _refuse(
            _(
                "“%(name)s” does not end in .jpg, .jpeg, .png, .webp or .gif. "
                "%(accepted)s"
            )
            % {"name": name, "accepted": _accepted()},
            "extension",
        )


def _check_bytes(file):
    max_bytes = settings.NEWSROOM_MAX_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        _refuse(
            _("This file is %(size)s; a photo may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            "too_large",
        )


def _read_head(file):
    file.seek(0)
    return file.read(2048) or b""


def _check_content(file, head):
    max_pixels = settings.NEWSROOM_MAX_UPLOAD_PIXELS
    limit = {"limit": _megapixels(max_pixels)}
    try:
        file.seek(0)
        with Image.open(file, formats=ALLOWED_FORMATS) as image:
            width, height = image.size
            if width * height > max_pixels:
                _refuse(
                    _(
                        "The image is %(w)s×%(h)s pixels (%(mp)s megapixels); "
                        "the limit is %(limit)s megapixels."
                    )
                    % (
                        {"w": width, "h": height, "mp": _megapixels(width * height)}
                        | limit
                    ),
                    "too_many_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        _refuse(
            _(
                "The image claims far more pixels than the limit of %(limit)s "
                "megapixels (a “decompression bomb”); it was not opened."
            )
            % limit,
            "too_many_pixels",
        )
    except UnidentifiedImageError:
        _refuse(_describe_unreadable(head), "not_an_image")
    except Exception:  # noqa: BLE001 (Pillow raises many types for bad files)
        _refuse(_damaged(), "damaged")
    # verify() does not decode the pixels; a full decode catches truncation.
    try:
        file.seek(0)
        with Image.open(file, formats=ALLOWED_FORMATS) as image:
            image.load()
    except Exception:  # noqa: BLE001
        _refuse(_damaged(), "damaged")


def _damaged():
    return _(
        "The image is damaged or incomplete (perhaps the upload or the export "
        "was cut short). %(accepted)s"
    ) % {"accepted": _accepted()}


def _megapixels(pixels):
    return f"{pixels / 1e6:.3g}"


def _describe_unreadable(head):
    """Why Pillow could not read the file, in the uploader's words."""
    accepted = {"accepted": _accepted()}
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return _("SVG drawings are not accepted. %(accepted)s") % accepted
    if text.startswith(b"<") or _MARKUP.search(head):
        return _("This file is a web page (HTML), not a photo. %(accepted)s") % accepted
    for offset, magic, name in _OTHER_FORMATS:
        if head[offset : offset + len(magic)] == magic:
            return _("%(format)s files are not accepted. %(accepted)s") % (
                {"format": name} | accepted
            )
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return _("This is a text file, not a photo. %(accepted)s") % accepted
    return _("This file is not an image we can read. %(accepted)s") % accepted


def _check_markup(file):
    """Refuse an image that also carries HTML or script (a polyglot)."""
    file.seek(0)
    tail = b""
    while chunk := file.read(_CHUNK):
        if _MARKUP.search(tail + chunk):
            _refuse(
                _(
                    "This file holds web-page code (HTML or script) besides the "
                    "picture, so it was refused. Export the photo again as a "
                    "JPEG, PNG, WebP or GIF file."
                ),
                "markup",
            )
        tail = chunk[-16:]
