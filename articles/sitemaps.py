from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Q

from articles.models import Article, ArticlePhoto, Credit, Section
from people.models import Person

# /sitemap.xml is an index of section sitemaps of at most this many URLs
# each, so no single response grows with the archive (the protocol allows
# 50,000, which takes seconds to render at 100,000 stories).
LIMIT = 5_000


class PublicSitemap(Sitemap):
    """URLs on NEWSROOM_SITE_URL when it is set, else on the request's host."""

    limit = LIMIT

    def get_protocol(self, protocol=None):
        if settings.NEWSROOM_SITE_URL:
            return urlsplit(settings.NEWSROOM_SITE_URL).scheme or "https"
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.NEWSROOM_SITE_URL:
            return urlsplit(settings.NEWSROOM_SITE_URL).netloc
        return super().get_domain(site)


class ArticleSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(item.published_at, item.updated_at)


class SectionSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        return Section.objects.filter(
            articles__in=Article.objects.published()
        ).distinct()


class PersonSitemap(PublicSitemap):
    """People credited on (or photographing for) a public story."""

    changefreq = "monthly"

    def items(self):
        public = Article.objects.published()
        credited = Credit.objects.filter(article__in=public).values("person_id")
        photographed = ArticlePhoto.objects.filter(article__in=public).values(
            "photo__photographer_id"
        )
        return (
            Person.objects.filter(Q(pk__in=credited) | Q(pk__in=photographed))
            .only("slug")
            .order_by("id")
        )


SITEMAPS = {
    "stories": ArticleSitemap,
    "sections": SectionSitemap,
    "people": PersonSitemap,
}
