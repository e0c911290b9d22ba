from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from media import renditions
from media.forms import PhotoAdminForm
from media.models import Photo


class AltTextFilter(admin.SimpleListFilter):
    """Photos without alt text block publication (articles/workflow.py)."""

    title = gettext_lazy("alt text")
    parameter_name = "alt_text"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing")), ("present", _("Present"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(alt_text__regex=r"^\s*$")
        if self.value() == "present":
            return queryset.exclude(alt_text__regex=r"^\s*$")
        return queryset


class ImageFileFilter(admin.SimpleListFilter):
    """Imported captions wait here for their picture."""

    title = gettext_lazy("image file")
    parameter_name = "has_image"

    def lookups(self, request, model_admin):
        return [("no", _("Awaiting its image")), ("yes", _("Has an image"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(image="")
        if self.value() == "yes":
            return queryset.exclude(image="")
        return queryset


def _img(photo, rendered, css_class):
    if rendered is None:
        if photo.image:
            message = _("The image file is missing from storage")
        else:
            message = _("No image yet")
        return format_html('<span class="{}">{}</span>', css_class, message)
    size = ""
    if rendered.width:
        size = format_html(' width="{}" height="{}"', rendered.width, rendered.height)
    return format_html(
        '<img src="{}"{} alt="{}" class="{}" loading="lazy"'
        ' style="max-width: 100%; height: auto">',
        rendered.url,
        size,
        photo.alt_text,
        css_class,
    )


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = (
        "thumbnail",
        "caption_or_file",
        "photographer",
        "size",
        "has_alt_text",
        "uploaded_at",
    )
    list_display_links = ("thumbnail", "caption_or_file")
    search_fields = (
        "caption",
        "alt_text",
        "photographer__family_name",
        "photographer__given_name",
        "photographer__native_name",
    )
    list_filter = (
        AltTextFilter,
        ImageFileFilter,
        ("photographer", admin.RelatedOnlyFieldListFilter),
        "uploaded_at",
    )
    date_hierarchy = "uploaded_at"
    list_select_related = ("photographer",)
    list_per_page = 50
    autocomplete_fields = ("photographer",)
    fields = (
        "preview",
        "image",
        "caption",
        "alt_text",
        "photographer",
        "size",
        "uploaded_at",
    )
    readonly_fields = ("preview", "size", "uploaded_at")

    @admin.display(description=gettext_lazy("Photo"))
    def thumbnail(self, obj):
        return _img(obj, renditions.thumbnail(obj), "photo-thumbnail")

    @admin.display(description=gettext_lazy("Preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _img(obj, renditions.rendition(obj, 800), "photo-preview")

    @admin.display(description=gettext_lazy("Caption"), ordering="caption")
    def caption_or_file(self, obj):
        return str(obj)

    @admin.display(description=gettext_lazy("Size (pixels)"))
    def size(self, obj):
        if obj.width and obj.height:
            return f"{obj.width}×{obj.height}"
        return "—"

    @admin.display(description=gettext_lazy("Alt text"), boolean=True)
    def has_alt_text(self, obj):
        return bool(obj.alt_text.strip())
