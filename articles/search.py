"""PostgreSQL full-text search over title, summary and body.

Stories are matched with ``websearch_to_tsquery`` (quoted phrases, ``or``,
``-word``; never a syntax error whatever the reader types) and ranked by
``ts_rank``, newest first among equals.

The document is ``search_vector()``. PostgreSQL keeps it for every story in
the generated column ``articles_article.search_vector`` with a GIN index
(migration 0003_search_index), so a search reads the index and ranks the
stored vectors instead of parsing the text of every story per query: 18 ms
instead of 485 ms for a word in one headline in twelve at 100,000 stories
(docs/PERFORMANCE.md). The column is not a model field (SQLite has no
tsvector type; PostgreSQL computes it on every write), so queries name it
through ``StoredSearchVector``.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db.models import Expression

CONFIG = "english"
COLUMN = "search_vector"


def search_vector():
    """Title words weigh most, then the summary, then the body (HTML tags in
    the body are skipped by PostgreSQL's parser). The migration's column
    definition is this expression, written out in SQL."""
    # SearchVector already coalesces NULL to "" for each column.
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


class StoredSearchVector(Expression):
    """The stored ``search_vector`` column of the query's story table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(COLUMN)}", []


def full_text_search(queryset, text):
    query = SearchQuery(text, config=CONFIG, search_type="websearch")
    document = StoredSearchVector()
    return (
        queryset.alias(search=document)
        .filter(search=query)
        .annotate(rank=SearchRank(document, query))
        .order_by("-rank", "-published_at", "-id")
    )
