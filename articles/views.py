from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from articles.cache import CachedPublicPageMixin, cached, cached_count
from articles.filters import ArticleFilter
from articles.models import Article, ArticlePhoto, Credit, Section
from articles.seo import absolute_url, article_json_ld, image_url, json_ld_script
from articles.workflow import visible_articles
from newsroom.links import slug_url

RELATED_COUNT = 5
# Story lists show headlines and summaries, never the texts.
LIST_DEFERRED = ("body", "original_body")


def related_stories(article):
    """Published stories in the same section or sharing a person, newest first
    (stories the importer linked explicitly come first).

    The section's newest and the shared people's newest are two small
    queries merged here: one query with ``OR`` across a join to the credits
    made PostgreSQL gather every story of those people (70 ms at 10,000
    stories, docs/PERFORMANCE.md)."""
    people = {c.person_id for c in article.credits.all()}
    published = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .select_related("section")
        .only("title", "slug", "published_at", "section__name", "section__slug")
    )
    explicit = list(
        published.filter(pk__in=article.related.values("pk"))[:RELATED_COUNT]
    )
    wanted = RELATED_COUNT - len(explicit)
    if wanted <= 0:
        return explicit
    newest = published.exclude(pk__in=[a.pk for a in explicit]).order_by(
        "-published_at", "-id"
    )
    candidates = []
    if article.section_id:
        candidates += newest.filter(section_id=article.section_id)[:wanted]
    if people:
        shares_person = Credit.objects.filter(article=OuterRef("pk"), person__in=people)
        candidates += newest.filter(Exists(shares_person))[:wanted]
    unique = {a.pk: a for a in candidates}.values()
    others = sorted(unique, key=lambda a: (a.published_at, a.pk), reverse=True)
    return explicit + others[:wanted]


def story_cards():
    """Published stories as the cards need them: section and photos, no
    credits (one query each, whatever the number of stories)."""
    return (
        Article.objects.published()
        .select_related("section")
        .defer(*LIST_DEFERRED)
        .prefetch_related(
            Prefetch("article_photos", queryset=ArticlePhoto.objects.for_display())
        )
    )


def last_modified(article):
    """The later of publication and the last save (for machines: JSON-LD
    dateModified)."""
    dates = [d for d in (article.published_at, article.updated_at) if d]
    return max(dates) if dates else None


class PublicPageMixin(CachedPublicPageMixin):
    """Anonymous page cache plus the page's canonical URL."""

    def get_canonical_path(self):
        return self.request.path

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "canonical_url", absolute_url(self.get_canonical_path(), self.request)
        )
        return context


class CountCachingPaginator(Paginator):
    """The total (for "N stories" and the page links) from ``cached_count``."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cached_count(self.count_key, Paginator.count.func.__get__(self))


class PaginationMixin:
    """Page links that keep the other query parameters; the canonical URL
    keeps the page number. The total is counted once per change of the
    site, not per request (``cached_count``)."""

    def get_paginator(self, queryset, per_page, **kwargs):
        query = sorted(
            (k, v)
            for k, values in self.request.GET.lists()
            if k != "page"
            for v in values
        )
        key = (self.request.path, query)
        return CountCachingPaginator(queryset, per_page, count_key=key, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            query = self.request.GET.copy()
            query.pop("page", None)
            context["query_string"] = query.urlencode()
            context["page_range"] = page.paginator.get_elided_page_range(page.number)
        return context

    def get_canonical_path(self):
        page = self.request.GET.get("page", "")
        if page.isdigit() and int(page) > 1:
            return f"{self.request.path}?page={int(page)}"
        return self.request.path


class HomeView(PublicPageMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        # A list: the template takes the lead story and the rest from it.
        return list(story_cards()[:13])


class ArticleListView(PaginationMixin, PublicPageMixin, FilterView):
    filterset_class = ArticleFilter
    paginate_by = 20
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return (
            Article.objects.published().select_related("section").defer(*LIST_DEFERRED)
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_paginator(self, queryset, per_page, **kwargs):
        """Search results best match first (ArticleFilter.in_reading_order);
        how they are ranked depends on how many there are, which the
        paginator counts once per change of the site."""

        def total():
            return paginator.count

        results = self.filterset.in_reading_order(queryset, total)
        paginator = super().get_paginator(results, per_page, **kwargs)
        return paginator

    def get_canonical_path(self):
        filtered = any(k != "page" and v for k, v in self.request.GET.items())
        if filtered:
            return self.request.get_full_path()
        return super().get_canonical_path()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        valid = self.filterset.is_valid()
        cleaned = form.cleaned_data if valid else {}
        context.update(
            person=cleaned.get("person"),
            filtered=any(cleaned.get(name) for name in form.fields),
            # Search results and filter combinations are not for indexing.
            noindex=any(k != "page" for k in self.request.GET),
            without_person=self._query_without("person", "page"),
        )
        return context

    def _query_without(self, *names):
        query = self.request.GET.copy()
        for name in names:
            query.pop(name, None)
        return query.urlencode()


class SectionView(PaginationMixin, PublicPageMixin, ListView):
    paginate_by = 20
    template_name = "articles/section_detail.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .select_related("section")
            .defer(*LIST_DEFERRED)
            .filter(section=self.section)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class StoryContextMixin:
    """What the story page shows besides the story: related stories, the
    "Updated" date, link previews and the NewsArticle JSON-LD."""

    def story_context(self, article, *, public):
        request = self.request
        context = {
            "related_stories": cached(
                ("related", article.pk), lambda: related_stories(article)
            ),
            # "Updated: YYYY/MM/DD" is the day the story went public (an
            # archive import or a typo fix does not make old news look new).
            "updated": article.published_at or article.updated_at,
            "modified": last_modified(article),
            "has_original": bool(article.original_title or article.original_body),
        }
        if public:
            lead = article.lead_photo
            context.update(
                og_image=image_url(lead, request),
                og_image_alt=lead.alt_text if lead else "",
                json_ld=json_ld_script(
                    article_json_ld(article, request, modified=last_modified(article))
                ),
                english_url=absolute_url(article.get_absolute_url(), request),
                original_url=absolute_url(
                    slug_url("articles:original", article.slug),
                    request,
                ),
            )
        return context


class ArticleDetailView(PublicPageMixin, StoryContextMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_detail()

    def get_object(self, queryset=None):
        # The story with its credits and photos, from the object cache (an
        # unknown slug raises Http404 and is not kept).
        find = super().get_object
        return cached(("story", self.kwargs["slug"]), lambda: find(queryset))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.story_context(self.object, public=True), **kwargs
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        changed = last_modified(self.object)
        if changed:
            response.headers["Last-Modified"] = http_date(changed.timestamp())
        return response


class ArticleOriginalView(PublicPageMixin, DetailView):
    template_name = "articles/article_original.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("section")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not (article.original_title or article.original_body):
            raise Http404("This story has no original-language text.")
        return article

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            english_url=absolute_url(article.get_absolute_url(), self.request),
            original_url=absolute_url(self.request.path, self.request),
            **kwargs,
        )


class PreviewView(PermissionRequiredMixin, StoryContextMixin, DetailView):
    """Any status, for staff; 404 (not a login page) for everyone else."""

    permission_required = "articles.view_article"
    raise_exception = True
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def handle_no_permission(self):
        raise Http404

    def get_queryset(self):
        # Staff see only what the admin shows them (a writer: their own).
        return visible_articles(self.request.user, Article.objects.for_detail())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preview=True,
            noindex=True,
            **self.story_context(self.object, public=False),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        return response
