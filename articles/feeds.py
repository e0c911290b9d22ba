import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse

from articles.models import Article, Credit
from articles.seo import absolute_url

# XML 1.0 forbids most control characters, even escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

FEED_LENGTH = 30


def xml_safe(text):
    return _CONTROL.sub("", str(text or ""))


class LatestStoriesFeed(Feed):
    """RSS 2.0: the newest published stories. Every text goes through
    ``xml_safe()``, so a stray control character in a title cannot break the
    feed (Django refuses to serialise it)."""

    def title(self):
        return xml_safe(settings.NEWSROOM_SITE_NAME)

    def link(self):
        return absolute_url(reverse("articles:list"))

    def description(self):
        return xml_safe(f"Latest stories from {settings.NEWSROOM_SITE_NAME}")

    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .prefetch_related(
                Prefetch("credits", queryset=Credit.objects.for_display())
            )[:FEED_LENGTH]
        )

    def item_title(self, item):
        return xml_safe(item.title)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_description(self, item):
        return xml_safe(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.published_at, item.updated_at)

    def item_author_name(self, item):
        writers = item.credits_for("writer")
        return xml_safe(", ".join(str(c.person) for c in writers)) or None

    def item_categories(self, item):
        return [xml_safe(item.section.name)] if item.section else []
