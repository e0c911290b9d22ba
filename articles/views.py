from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from articles.filters import ArticleFilter
from articles.models import Article, Section

RELATED_COUNT = 5


def related_stories(article):
    """Published stories in the same section or sharing a person, newest first
    (stories the importer linked explicitly come first)."""
    people = [c.person_id for c in article.credits.all()]
    published = Article.objects.published().exclude(pk=article.pk)
    explicit = list(
        published.filter(pk__in=article.related.values("pk"))
        .select_related("section")
        .only("title", "slug", "published_at", "section__name", "section__slug")[
            :RELATED_COUNT
        ]
    )
    wanted = RELATED_COUNT - len(explicit)
    if wanted <= 0:
        return explicit
    match = Q(credits__person__in=people)
    if article.section_id:
        match |= Q(section_id=article.section_id)
    others = (
        published.filter(match)
        .exclude(pk__in=[a.pk for a in explicit])
        .select_related("section")
        .only("title", "slug", "published_at", "section__name", "section__slug")
        .distinct()
        .order_by("-published_at", "-id")[:wanted]
    )
    return explicit + list(others)


class PaginationMixin:
    """Page links that keep the other query parameters."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            query = self.request.GET.copy()
            query.pop("page", None)
            context["query_string"] = query.urlencode()
            context["page_range"] = page.paginator.get_elided_page_range(page.number)
        return context


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()[:13]


class ArticleListView(PaginationMixin, FilterView):
    filterset_class = ArticleFilter
    paginate_by = 20
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response


class SectionView(PaginationMixin, ListView):
    paginate_by = 20
    template_name = "articles/section_detail.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return Article.objects.published().for_listing().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_detail()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related_stories=related_stories(self.object), **kwargs
        )


class ArticleOriginalView(ArticleDetailView):
    template_name = "articles/article_original.html"

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not (article.original_title or article.original_body):
            raise Http404("This story has no original-language text.")
        return article

    def get_context_data(self, **kwargs):
        return DetailView.get_context_data(self, **kwargs)


class PreviewView(PermissionRequiredMixin, DetailView):
    """Any status, for staff; 404 (not a login page) for everyone else."""

    permission_required = "articles.view_article"
    raise_exception = True
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def handle_no_permission(self):
        raise Http404

    def get_queryset(self):
        return Article.objects.for_detail()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preview=True, related_stories=related_stories(self.object), **kwargs
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        return response
