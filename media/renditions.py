"""Renditions of library photos, made with django-imagekit.

Each photo gets a JPEG and a WebP file at each of ``WIDTHS`` (never wider
than the original), plus a small thumbnail for the admin. They are image
specs registered with imagekit and tied to ``Photo.image`` as a source group
(so ``python manage.py generateimages media:photo`` can make them ahead).

Strategy: imagekit's **JustInTime** cache-file strategy. A rendition is
made the first time a page asks for its URL, written once through the
default storage under ``CACHE/images/``, and from then on only looked up:
its state ("exists") is kept in the default cache, fetched for all of a
photo's renditions in one ``get_many``, and each process keeps a photo's
finished ``Picture`` for a few minutes. So

* uploads, imports and ``seed_demo`` stay fast, and only the widths a photo
  needs are ever made (a 600-pixel original gets no 1200-pixel copy);
* the first view of a new photo (usually the publisher's preview) pays for
  making it; later views cost at most one cache lookup per photo and no
  database query;
* a rendition that cannot be made (its original is missing from storage)
  is logged and the figure keeps its caption: a reader never gets a 500.

Everything goes through Django's storage API, so the files follow
``STORAGES["default"]`` (see README, "Photos and storage").
"""

import logging
import time
from dataclasses import dataclass
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.state import (
    prefetch_cachefile_states,
    use_cachefile_state_cache,
)
from imagekit.processors import Transpose
from imagekit.specs.sourcegroups import ImageFieldSourceGroup
from PIL import Image
from pilkit.processors.utils import resolve_palette

WIDTHS = (480, 800, 1200)
FORMATS = ("webp", "jpeg")
THUMBNAIL_BOX = (160, 120)
STRATEGY = "imagekit.cachefiles.strategies.JustInTime"
logger = logging.getLogger(__name__)
# The story column is at most 46rem wide (site.css); below that, the screen.
DEFAULT_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"


def scaled_size(width, height, max_width, max_height=None):
    """The size of a ``width``×``height`` image fitted into the box, never
    enlarged. The processor below uses this too, so the width and height
    written in the HTML are exactly those of the files."""
    ratio = max_width / width
    if max_height:
        ratio = min(ratio, max_height / height)
    if ratio >= 1:
        return width, height
    return max(1, round(width * ratio)), max(1, round(height * ratio))


class FitWithin:
    """Shrink to fit a box (``height`` optional); smaller images are kept."""

    def __init__(self, width, height=None):
        self.width = width
        self.height = height

    def process(self, img):
        size = scaled_size(*img.size, self.width, self.height)
        if size == img.size:
            return img
        if img.format == "JPEG":
            # Decode a large JPEG straight at a smaller scale (at least the
            # target size), as Image.thumbnail() does; a no-op once decoded.
            img.draft(None, size)
        return resolve_palette(img).resize(size, Image.Resampling.LANCZOS)


class Rendition(ImageSpec):
    width = None
    format = None
    cachefile_strategy = STRATEGY

    @property
    def processors(self):
        return [Transpose(Transpose.AUTO), FitWithin(self.width)]


class JpegRendition(Rendition):
    format = "JPEG"
    options = {"quality": 82, "progressive": True}


class WebpRendition(Rendition):
    format = "WEBP"
    options = {"quality": 80}


class Thumbnail(ImageSpec):
    format = "JPEG"
    options = {"quality": 80}
    cachefile_strategy = STRATEGY
    processors = [Transpose(Transpose.AUTO), FitWithin(*THUMBNAIL_BOX)]


SPECS = {
    (fmt, width): type(
        f"{fmt.capitalize()}{width}",
        (WebpRendition if fmt == "webp" else JpegRendition,),
        {"width": width, "__module__": __name__},
    )
    for fmt in FORMATS
    for width in WIDTHS
}


def spec_id(fmt, width):
    return f"media:photo:{width}w_{fmt}"


THUMBNAIL_ID = "media:photo:thumbnail"


def register_specs():
    """Called from MediaConfig.ready(). The source group lets
    ``generateimages media:photo`` make every photo's renditions ahead."""
    from media.models import Photo

    source = ImageFieldSourceGroup(Photo, "image")
    ids = [(spec_id(fmt, w), cls) for (fmt, w), cls in SPECS.items()]
    for generator_id, cls in [*ids, (THUMBNAIL_ID, Thumbnail)]:
        register.generator(generator_id, cls)
        register.source_group(generator_id, source)


@dataclass(frozen=True)
class Rendered:
    url: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class Picture:
    webp: list
    jpeg: list

    @staticmethod
    def _srcset(items):
        return ", ".join(f"{r.url} {r.width}w" for r in items if r.width)

    @property
    def webp_srcset(self):
        return self._srcset(self.webp)

    @property
    def jpeg_srcset(self):
        return self._srcset(self.jpeg)

    @property
    def fallback(self):
        """The ``<img src>``: the largest JPEG."""
        return self.jpeg[-1]


class _SourceName:
    """Stands in for a source file where only its name matters."""

    def __init__(self, name):
        self.name = name

    def __bool__(self):
        return bool(self.name)


@lru_cache(maxsize=8192)
def _cachefile_name(spec_class, source_name):
    """A rendition's name depends only on the spec and the source's name.
    Working it out (pickling and hashing the spec) is most of the cost of a
    URL, so it is done once per process."""
    return spec_class(source=_SourceName(source_name)).cachefile_name


def _file(spec_class, photo):
    name = _cachefile_name(spec_class, photo.image.name)
    return ImageCacheFile(spec_class(source=photo.image), name=name)


def _plan(photo):
    """[(spec width, real width, real height)] for this photo: every width
    below the original, then one at most the original's size."""
    if not photo.width or not photo.height:
        return [(WIDTHS[-1], None, None)]
    plan = []
    for width in WIDTHS:
        plan.append((width, *scaled_size(photo.width, photo.height, width)))
        if width >= photo.width:
            break
    return plan


def _render(photo, wanted):
    """{key: Rendered} for [(key, spec class, width, height)], or None if a
    rendition cannot be made. One cache round trip for all their states."""
    files = [(key, _file(spec, photo), w, h) for key, spec, w, h in wanted]
    try:
        with use_cachefile_state_cache():
            prefetch_cachefile_states(f for _, f, _, _ in files)
            return {key: Rendered(f.url, w, h) for key, f, w, h in files}
    except Exception:  # storage and Pillow errors of all kinds
        logger.exception("Could not make renditions of %s", photo.image.name)
        return None


# Pictures already made, per process: (source name, width, height) ->
# (expires, Picture). A source file's renditions never change (their names
# come from its name), so looking their states up in the cache on every
# page view (one round trip and a URL per rendition) bought nothing. Kept
# a few minutes, so files deleted by hand are made again soon.
_PICTURES = {}
PICTURE_SECONDS = 300
PICTURES_MAX = 4096


def picture(photo):
    """The renditions of ``photo`` for a ``<picture>``, or None (no image, or
    it cannot be rendered). Never queries the database."""
    if not photo.image:
        return None
    key = (photo.image.name, photo.width, photo.height)
    now = time.monotonic()
    known = _PICTURES.get(key)
    if known and known[0] > now:
        return known[1]
    made = _make_picture(photo)
    if made is not None:
        if len(_PICTURES) >= PICTURES_MAX:
            _PICTURES.clear()
        _PICTURES[key] = (now + PICTURE_SECONDS, made)
    return made


@receiver(setting_changed)
def _storage_changed(setting, **kwargs):
    if setting in ("MEDIA_ROOT", "MEDIA_URL", "STORAGES"):
        _PICTURES.clear()


def _make_picture(photo):
    plan = _plan(photo)
    wanted = [
        ((fmt, width), SPECS[fmt, width], real_w, real_h)
        for fmt in FORMATS
        for width, real_w, real_h in plan
    ]
    found = _render(photo, wanted)
    if found is None:
        return None
    return Picture(
        **{fmt: [found[fmt, width] for width, _, _ in plan] for fmt in FORMATS}
    )


def _size(photo, *box):
    if photo.width and photo.height:
        return scaled_size(photo.width, photo.height, *box)
    return None, None


def rendition(photo, width, fmt="jpeg"):
    """One rendition, for the admin preview (None without an image)."""
    if not photo.image:
        return None
    found = _render(photo, [(0, SPECS[fmt, width], *_size(photo, width))])
    return found and found[0]


def thumbnail(photo):
    """The admin's thumbnail (None without an image)."""
    if not photo.image:
        return None
    found = _render(photo, [(0, Thumbnail, *_size(photo, *THUMBNAIL_BOX))])
    return found and found[0]
