"""PostgreSQL full-text search over title, summary and body.

Stories are matched with ``websearch_to_tsquery`` (quoted phrases, ``or``,
``-word``; never a syntax error whatever the reader types) and ranked by
``ts_rank``, newest first among equals. The vector is computed per query:
there is no GIN expression index yet (a migration can add one on this exact
expression when the archive grows).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

CONFIG = "english"


def search_vector():
    """Title words weigh most, then the summary, then the body (HTML tags in
    the body are skipped by PostgreSQL's parser)."""
    # SearchVector already coalesces NULL to "" for each column.
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
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
