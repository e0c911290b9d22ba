from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from articles.models import Article, ArticlePhoto, Credit, Section
from people.models import Person

# /sitemap.xml is an index of section sitemaps of at most this many URLs
# each, so no single response grows with the archive (the protocol allows
# 50,000, which takes seconds to render at 100,000 stories).
LIMIT = 5_000


def _public_through(via):
    """Article.objects.published() as lookups through a relation, so an
    EXISTS can stop at the first public story instead of listing them all."""
    return {
        f"{via}__status": Article.Status.PUBLISHED,
        f"{via}__published_at__lte": timezone.now(),
    }


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

    def get_latest_lastmod(self):
        # Django's default walks every item to find the newest: one
        # aggregate query instead (the index's <lastmod> for this part).
        # The newest publication comes from the list index; a correction to
        # an old story shows in that story's own <lastmod>.
        return Article.objects.published().aggregate(latest=Max("published_at"))[
            "latest"
        ]


class SectionSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        has_public = Article.objects.published().filter(section=OuterRef("pk"))
        return Section.objects.filter(Exists(has_public))


class PersonSitemap(PublicSitemap):
    """People credited on (or photographing for) a public story."""

    changefreq = "monthly"

    def items(self):
        # EXISTS per person stops at their first public story; an IN over
        # every credit of the archive read all of them (600 ms at 100,000).
        credited = Credit.objects.filter(
            person=OuterRef("pk"), **_public_through("article")
        )
        photographed = ArticlePhoto.objects.filter(
            photo__photographer=OuterRef("pk"), **_public_through("article")
        )
        return (
            Person.objects.filter(Exists(credited) | Exists(photographed))
            .only("slug")
            .order_by("id")
        )


SITEMAPS = {
    "stories": ArticleSitemap,
    "sections": SectionSitemap,
    "people": PersonSitemap,
}
