from django.contrib import admin

from people.models import Person, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "credit_label", "order")
    search_fields = ("name", "slug")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("display_name", "native_name", "current_title", "user")
    list_filter = ("family_name_first",)
    search_fields = ("family_name", "given_name", "native_name", "current_title")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    prepopulated_fields = {}
    readonly_fields = ()

    @admin.display(description="Name", ordering="family_name")
    def display_name(self, obj):
        return obj.display_name
