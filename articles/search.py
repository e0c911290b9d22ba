"""PostgreSQL full-text search over title, summary and body.

The vector expression here matches the GIN expression index created by
migration 0002 exactly, so PostgreSQL can use the index.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, Value
from django.db.models.functions import Coalesce

CONFIG = "english"


def search_vector():
    return SearchVector(
        Coalesce(F("title"), Value("")),
        Coalesce(F("summary"), Value("")),
        Coalesce(F("body"), Value("")),
        config=CONFIG,
    )


def full_text_search(queryset, text):
    query = SearchQuery(text, config=CONFIG, search_type="websearch")
    return (
        queryset.annotate(
            search=search_vector(), rank=SearchRank(search_vector(), query)
        )
        .filter(search=query)
        .order_by("-rank", "-published_at", "-id")
    )
