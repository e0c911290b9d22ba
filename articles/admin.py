import difflib

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import workflow
from articles.forms import ArticleAdminForm, StaleSave
from articles.models import (
    Article,
    ArticlePhoto,
    CopyDesk,
    Credit,
    ReadyToPublish,
    Scheduled,
    Section,
    TranslationQueue,
    WorkflowEvent,
)

admin.site.site_header = gettext_lazy("Newsroom staff workspace")
admin.site.site_title = gettext_lazy("Newsroom")
admin.site.index_title = gettext_lazy("Stories, queues and people")

# Fields shown on revision pages, in order.
REVISION_FIELDS = (
    "title",
    "summary",
    "body",
    "original_title",
    "original_body",
    "status",
    "section",
    "published_at",
)
RESTORABLE_FIELDS = ("title", "summary", "body", "original_title", "original_body")


class StoryInlineMixin:
    """Credits and photos follow the story's editability (workflow.py)."""

    def _editable(self, request, obj):
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return "section" in workflow.editable_fields(obj, request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(
            request, obj
        )


class CreditInline(StoryInlineMixin, admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ("person",)
    fields = ("role", "person", "position_title", "order")


class ArticlePhotoInline(StoryInlineMixin, admin.TabularInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ("photo",)
    fields = ("photo", "order")
    verbose_name_plural = gettext_lazy("Photos (the first is the lead photo)")


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEvent
    extra = 0
    fields = ("at", "transition", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Workflow log")

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
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = (
        "__str__",
        "status",
        "section",
        "translator",
        "published_at",
        "updated_at",
    )
    list_filter = ("status", "section", "source_language")
    search_fields = ("title", "original_title", "slug")
    list_select_related = ("section", "translator")
    # Plain selects for the assignees: staff without user-admin rights
    # cannot use the user autocomplete, and the lists are short.
    autocomplete_fields = ("section",)
    inlines = (CreditInline, ArticlePhotoInline, WorkflowEventInline)
    date_hierarchy = "published_at"
    show_full_result_count = False  # no COUNT(*) of the whole archive per page
    list_per_page = 50
    fieldsets = (
        (
            gettext_lazy("Original (source language)"),
            {
                "fields": (
                    "source_language",
                    "original_title",
                    "original_body",
                    "original_date",
                ),
                "classes": ("original-text",),
            },
        ),
        (
            gettext_lazy("English (publication) text"),
            {
                "fields": ("title", "slug", "summary", "body"),
                "classes": ("english-text",),
            },
        ),
        (
            gettext_lazy("Story"),
            {
                "fields": (
                    "section",
                    "status",
                    "translator",
                    "editor",
                    "published_at",
                    "created_by",
                    "version",
                    "based_on_version",
                    "workflow_comment",
                )
            },
        ),
    )

    ALWAYS_READONLY = ("status", "slug", "created_by", "version")

    ASSIGNEE_GROUPS = {"translator": "Translators", "editor": "Editors"}
    # Read-only rich text is shown rendered (it was sanitised on save).
    RICH_TEXT_DISPLAY = {"body": "body_html", "original_body": "original_body_html"}

    @admin.display(description=gettext_lazy("Body"))
    def body_html(self, obj):
        return mark_safe(obj.body)  # noqa: S308 (sanitised by nh3 on save)

    @admin.display(description=gettext_lazy("Original body"))
    def original_body_html(self, obj):
        return format_html(
            '<div lang="{}">{}</div>',
            obj.source_language,
            mark_safe(obj.original_body),  # noqa: S308 (sanitised by nh3 on save)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        group = self.ASSIGNEE_GROUPS.get(db_field.name)
        if group:
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True)
                .filter(Q(groups__name=group) | Q(is_superuser=True))
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_readonly_fields(self, request, obj=None):
        editable = workflow.editable_fields(obj, request.user)
        model_fields = [
            f.name
            for f in Article._meta.get_fields()
            if getattr(f, "editable", False) and not f.auto_created and f.concrete
        ]
        readonly = [f for f in model_fields if f not in editable]
        readonly = [
            self.RICH_TEXT_DISPLAY.get(f, f) for f in readonly if f != "related"
        ]
        return [*self.ALWAYS_READONLY, *readonly]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        editable = workflow.editable_fields(obj, request.user)
        swap = {k: v for k, v in self.RICH_TEXT_DISPLAY.items() if k not in editable}
        fieldsets = [
            (name, {**opts, "fields": [swap.get(f, f) for f in opts["fields"]]})
            for name, opts in fieldsets
        ]
        if obj is None:
            # A new story: the workflow starts once it is saved.
            hidden = {"based_on_version", "workflow_comment", "version", "status"}
            fieldsets = [
                (
                    name,
                    {**opts, "fields": [f for f in opts["fields"] if f not in hidden]},
                )
                for name, opts in fieldsets
            ]
        return fieldsets

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("section", "translator")
        return workflow.visible_articles(request.user, queryset)

    def save_model(self, request, obj, form, change):
        if change:
            based_on = form.cleaned_data["based_on_version"]
            # Conditional UPDATE: works on SQLite, where select_for_update is
            # a no-op. Zero rows means someone saved in between.
            claimed = Article.objects.filter(pk=obj.pk, version=based_on).update(
                version=based_on + 1
            )
            if not claimed:
                raise StaleSave
            obj.version = based_on + 1
        else:
            obj.created_by = request.user
        obj._change_reason = "edit"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transition = form.transition
        if transition:
            when = form.cleaned_data.get("published_at")
            workflow.perform(
                form.instance.pk,
                transition.name,
                actor=request.user,
                comment=form.cleaned_data.get("workflow_comment", ""),
                expected_version=form.instance.version,
                published_at=when if when and when > timezone.now() else None,
            )
            request._workflow_done = transition

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (StaleSave, workflow.TransitionRefused):
            # The admin's transaction rolled back. Validate again: the form
            # now reports the conflict as an error, with the user's input.
            try:
                return super().changeform_view(
                    request, object_id, form_url, extra_context
                )
            except (StaleSave, workflow.TransitionRefused) as error:
                self.message_user(
                    request, str(error) or _("Try again."), messages.ERROR
                )
                return HttpResponseRedirect(request.get_full_path())

    def response_change(self, request, obj):
        transition = getattr(request, "_workflow_done", None)
        if transition:
            obj.refresh_from_db()
            self.message_user(
                request,
                _("“%(title)s”: %(step)s done. Status is now “%(status)s”.")
                % {
                    "title": obj,
                    "step": transition.label,
                    "status": obj.get_status_display(),
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        context["workflow_transitions"] = (
            workflow.available_transitions(obj, request.user) if obj else []
        )
        context["show_original_beside"] = bool(
            obj and obj.status == Article.Status.IN_TRANSLATION
        )
        return super().render_change_form(request, context, add, change, **kwargs)

    # Revisions (django-simple-history): list, compare two, restore text.
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="{}_{}_revisions".format(*info),
            ),
            path(
                "<int:object_id>/revisions/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, object_id):
        article = self._article_for(request, object_id)
        revisions = list(article.history.select_related("history_user")[:200])
        by_id = {r.history_id: r for r in revisions}
        diff = None
        a, b = request.GET.get("a"), request.GET.get("b")
        if a and b:
            try:
                old, new = by_id[int(a)], by_id[int(b)]
            except (KeyError, ValueError):
                raise Http404("No such revision.") from None
            if old.history_date > new.history_date:
                old, new = new, old
            diff = self._diff(old, new)
        can_restore = bool(
            set(RESTORABLE_FIELDS) & workflow.editable_fields(article, request.user)
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Revisions of “%(title)s”") % {"title": article},
            "revisions": revisions,
            "diff": diff,
            "selected": (a, b),
            "can_restore": can_restore,
        }
        return TemplateResponse(
            request, "admin/articles/article/revisions.html", context
        )

    @staticmethod
    def _diff(old, new):
        rows = []
        for name in REVISION_FIELDS:
            before = str(getattr(old, name) or "")
            after = str(getattr(new, name) or "")
            if before == after:
                continue
            table = difflib.HtmlDiff(wrapcolumn=70).make_table(
                before.splitlines() or [""],
                after.splitlines() or [""],
                _("Revision %(id)s") % {"id": old.history_id},
                _("Revision %(id)s") % {"id": new.history_id},
            )
            rows.append((Article._meta.get_field(name).verbose_name, table))
        return rows

    def restore_view(self, request, object_id, history_id):
        article = self._article_for(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:articles_article_revisions", args=[article.pk])
            )
        revision = get_object_or_404(article.history, history_id=history_id)
        editable = set(RESTORABLE_FIELDS) & workflow.editable_fields(
            article, request.user
        )
        if not editable:
            raise PermissionDenied
        claimed = Article.objects.filter(
            pk=article.pk, version=request.POST.get("based_on_version", -1)
        ).update(version=article.version + 1)
        if not claimed:
            self.message_user(request, workflow.stale_message(article), messages.ERROR)
        else:
            article.version += 1
            for name in editable:
                setattr(article, name, getattr(revision, name))
            article._change_reason = f"restore {history_id}"
            article.save()
            self.message_user(
                request,
                _("Restored the text of revision %(id)s.") % {"id": history_id},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    """Every credit across stories: who wrote, translated, attended what."""

    list_display = ("person", "role", "article", "position_title")
    list_filter = ("role",)
    list_select_related = ("person", "role", "article")
    search_fields = (
        "person__family_name",
        "person__given_name",
        "position_title",
        "article__title",
    )
    autocomplete_fields = ("person", "article")
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(article__in=workflow.visible_articles(request.user))


@admin.register(ArticlePhoto)
class ArticlePhotoAdmin(admin.ModelAdmin):
    list_display = ("photo", "article", "order")
    list_select_related = ("photo", "article")
    search_fields = ("photo__caption", "article__title")
    autocomplete_fields = ("photo", "article")
    show_full_result_count = False


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    list_display = ("at", "article", "transition", "actor")
    list_filter = ("transition", "to_status")
    list_select_related = ("article", "actor")
    search_fields = ("article__title", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QueueAdmin(admin.ModelAdmin):
    """A read-only list of one queue; rows open the story's change form."""

    permission = ""
    list_display = ("__str__", "section", "translator", "updated_at")
    list_select_related = ("section", "translator")
    search_fields = ("title", "original_title")
    show_full_result_count = False

    def queue(self, request):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.queue(request).select_related("section", "translator")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(self.permission)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[object_id])
        )


@admin.register(TranslationQueue)
class TranslationQueueAdmin(QueueAdmin):
    permission = "articles.translate_article"
    list_display = ("__str__", "original_title", "section", "assigned", "updated_at")

    def queue(self, request):
        return Article.objects.translation_queue(request.user).order_by(
            "translator", "created_at"
        )

    def get_list_display(self, request):
        token = get_token(request)

        @admin.display(description=_("Claim"))
        def claim(obj):
            if obj.translator_id:
                return ""
            url = reverse("admin:articles_translationqueue_claim", args=[obj.pk])
            return format_html(
                '<form method="post" action="{}">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="hidden" name="based_on_version" value="{}">'
                '<button type="submit" class="button">{}</button></form>',
                url,
                token,
                obj.version,
                _("Claim"),
            )

        return (*self.list_display, claim)

    @admin.display(description=gettext_lazy("Assigned to"))
    def assigned(self, obj):
        return obj.translator or _("— unclaimed —")

    def get_urls(self):
        return [
            path(
                "<int:object_id>/claim/",
                self.admin_site.admin_view(self.claim_view),
                name="articles_translationqueue_claim",
            ),
            *super().get_urls(),
        ]

    def claim_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:articles_translationqueue_changelist")
            )
        try:
            article = workflow.perform(
                object_id,
                "claim",
                actor=request.user,
                expected_version=request.POST.get("based_on_version") or None,
            )
        except (workflow.TransitionRefused, ValueError) as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:articles_translationqueue_changelist")
            )
        self.message_user(
            request,
            _("You claimed “%(title)s”.") % {"title": article},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )


@admin.register(CopyDesk)
class CopyDeskAdmin(QueueAdmin):
    permission = "articles.approve_article"

    def queue(self, request):
        return Article.objects.copy_desk().order_by("updated_at")


@admin.register(ReadyToPublish)
class ReadyToPublishAdmin(QueueAdmin):
    permission = "articles.publish_article"

    def queue(self, request):
        return Article.objects.ready_to_publish().order_by("updated_at")


@admin.register(Scheduled)
class ScheduledAdmin(QueueAdmin):
    permission = "articles.publish_article"
    list_display = ("__str__", "section", "published_at")

    def queue(self, request):
        return Article.objects.scheduled().order_by("published_at")
