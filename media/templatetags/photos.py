from django import template

from media import renditions

register = template.Library()


@register.inclusion_tag("media/picture.html")
def photo_picture(photo, lead=False, sizes=renditions.DEFAULT_SIZES):
    """``{% photo_picture photo lead=True %}``: a ``<picture>`` with WebP and
    JPEG renditions. Only the lead photo loads eagerly. No queries: the
    caller passes a photo it already has (with its photographer)."""
    return {
        "photo": photo,
        "picture": renditions.picture(photo),
        "lead": lead,
        "sizes": sizes,
    }
