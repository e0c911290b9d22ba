"""The one place that decides whether an uploaded file is an acceptable photo.

Every upload path (admin form, model validation, importer) calls
``validate_image_upload``: the format is read from the content with Pillow,
never from the file name, and size is limited in bytes and in pixels.
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image_upload(file):
    if not file:
        return
    max_bytes = settings.NEWSROOM_MAX_UPLOAD_BYTES
    max_pixels = settings.NEWSROOM_MAX_UPLOAD_PIXELS
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 2**20, 1), "limit": round(max_bytes / 2**20, 1)},
            code="too_large",
        )
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                fmt = image.format
                width, height = image.size
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _(
                            "%(format)s files are not accepted: upload a JPEG, PNG, "
                            "WebP or GIF photo."
                        )
                        % {"format": fmt},
                        code="format",
                    )
                if width * height > max_pixels:
                    raise ValidationError(
                        _(
                            "The image is %(w)s×%(h)s pixels; the limit is "
                            "%(limit)s megapixels."
                        )
                        % {"w": width, "h": height, "limit": max_pixels // 1_000_000},
                        code="too_many_pixels",
                    )
                image.verify()
            # verify() does not decode pixel data; a full load catches
            # truncated files.
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels to be processed safely."),
            code="too_many_pixels",
        ) from None
    except Exception:  # noqa: BLE001 (Pillow raises many types for bad files)
        raise ValidationError(
            _(
                "This file is not a readable image (or it is truncated): upload "
                "a JPEG, PNG, WebP or GIF photo."
            ),
            code="invalid",
        ) from None
    finally:
        try:
            file.seek(0)
        except (AttributeError, ValueError, OSError):
            pass
