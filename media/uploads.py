"""Preparing an accepted upload for storage."""

import io

from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageOps

from media.validators import ALLOWED_FORMATS


def upright(file):
    """Turn the pixels the way the camera's EXIF orientation says.

    Django records width and height from the stored pixels, and readers only
    ever get renditions, which carry no EXIF. So a sideways-stored phone photo
    is turned once, here, and the original, its width and height and every
    rendition then agree. Files that need no turning are returned as they are
    (not re-encoded). Call it after ``validate_image_upload``.
    """
    file.seek(0)
    with Image.open(file, formats=ALLOWED_FORMATS) as image:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
        if orientation in (None, 1) or getattr(image, "n_frames", 1) > 1:
            file.seek(0)
            return file
        fmt = image.format
        icc_profile = image.info.get("icc_profile")
        turned = ImageOps.exif_transpose(image)
    buffer = io.BytesIO()
    options = {"exif": turned.getexif()}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 95
    turned.save(buffer, fmt, **options)
    return ContentFile(buffer.getvalue(), name=file.name)
