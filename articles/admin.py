from django.contrib import admin

from articles.models import Article, ArticlePhoto, Credit, Section, WorkflowEvent


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ("person",)
    fields = ("role", "person", "position_title", "order")


class ArticlePhotoInline(admin.TabularInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ("photo",)
    fields = ("photo", "order")


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEvent
    extra = 0
    fields = ("at", "transition", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "section", "translator", "published_at")
    list_filter = ("status", "section", "source_language")
    search_fields = ("title", "original_title", "slug")
    list_select_related = ("section", "translator")
    autocomplete_fields = ("section", "translator", "editor")
    readonly_fields = ("status", "version", "created_by", "created_at", "updated_at")
    inlines = (CreditInline, ArticlePhotoInline, WorkflowEventInline)
    date_hierarchy = "published_at"


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    list_display = ("at", "article", "transition", "actor")
    list_filter = ("transition",)
    list_select_related = ("article", "actor")
    search_fields = ("article__title", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
