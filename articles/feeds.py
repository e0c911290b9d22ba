import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from articles.models import Article

# XML 1.0 forbids most control characters, even escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return _CONTROL.sub("", text or "")


class LatestStoriesFeed(Feed):
    link = reverse_lazy("articles:list")

    def title(self):
        return settings.NEWSROOM_SITE_NAME

    def description(self):
        return f"Latest stories from {settings.NEWSROOM_SITE_NAME}"

    def items(self):
        return Article.objects.published().for_listing()[:30]

    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        return xml_safe(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        writers = item.credits_for("writer")
        return xml_safe(", ".join(str(c.person) for c in writers)) or None
