from django.contrib import admin

from media.models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("__str__", "photographer", "width", "height", "uploaded_at")
    search_fields = (
        "caption",
        "alt_text",
        "photographer__family_name",
        "photographer__given_name",
    )
    list_select_related = ("photographer",)
    autocomplete_fields = ("photographer",)
    readonly_fields = ("width", "height", "uploaded_at")
