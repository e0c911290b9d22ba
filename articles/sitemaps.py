from django.contrib.sitemaps import Sitemap

from articles.models import Article
from people.models import Person


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-id")

    def lastmod(self, item):
        return item.updated_at


class PersonSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        public = Article.objects.published()
        return (
            Person.objects.filter(credits__article__in=public)
            .distinct()
            .only("slug")
            .order_by("id")
        )


SITEMAPS = {"stories": ArticleSitemap, "people": PersonSitemap}
