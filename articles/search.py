"""PostgreSQL full-text search over title, summary and body.

Stories are matched with ``websearch_to_tsquery`` (quoted phrases, ``or``,
``-word``; never a syntax error whatever the reader types). ``RankedResults``
lists the matches best first: the newest ``RANKED`` matches by ``ts_rank``
(newest first among equals), then any older matches newest first. A search
with up to ``RANKED`` matches is ranked whole.

The document is ``search_vector()``. PostgreSQL keeps it for every story in
the generated column ``articles_article.search_vector`` with a GIN index
(migration 0003_search_index), so a search reads the index and ranks the
stored vectors instead of parsing the text of every story per query: 18 ms
instead of 485 ms for a word in one headline in twelve at 100,000 stories
(docs/PERFORMANCE.md). The column is not a model field (SQLite has no
tsvector type; PostgreSQL computes it on every write), so queries name it
through ``StoredSearchVector``.

Why only the newest ``RANKED``: ranking reads the stored vector of every
story it ranks, one table page each. For a word in one story in twelve
(8,300 matches at 100,000 stories) ranking them all took 33 ms of the
page's 57, and a word in most stories 75 ms. The newest 300 are found by
walking the date index (for a rarer word, from the GIN index) and ranked
in ~6 ms, whatever the size of the archive (docs/PERFORMANCE.md).
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
# The newest matches of a search that are ranked by relevance; older ones
# follow, newest first. 15 pages of 20.
RANKED = 300


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


def search_query(text):
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def full_text_search(queryset, text):
    """The stories of ``queryset`` that match ``text``, newest first (the
    GIN index finds them); ``RankedResults`` puts the best first."""
    return (
        queryset.alias(search=StoredSearchVector())
        .filter(search=search_query(text))
        .order_by("-published_at", "-id")
    )


class RankedResults:
    """The matches of a search in the order readers see them, for the
    paginator: the newest ``RANKED`` matches by rank (newest first among
    equals), then older matches newest first.

    ``matches`` is ``full_text_search()`` with any other filters applied.
    With at most ``RANKED`` matches, a slice is one query ranking them all
    (the GIN index finds them). With more, a slice within the first
    ``RANKED`` ranks only the newest ``RANKED`` (``id IN (...)``, found by
    walking the date index), a slice beyond them is an ``OFFSET`` into the
    matches by date, and a slice across both is the two.

    ``total`` is a callable giving the number of matches; the list view
    passes its paginator's cached count. The choice needs the true number:
    PostgreSQL's estimate for a phrase is that of its words anywhere, and a
    phrase with no matches estimated at thousands walked the whole date
    index (120 ms at 100,000 stories).
    """

    ordered = True  # for Paginator's warning about unordered lists

    def __init__(self, matches, text, total=None):
        self.matches = matches.order_by("-published_at", "-id")
        self.query = search_query(text)
        self.total = total or self.count

    def count(self):
        return self.matches.count()

    def __len__(self):
        return self.count()

    def ranked(self, candidates):
        return candidates.annotate(
            rank=SearchRank(StoredSearchVector(), self.query)
        ).order_by("-rank", "-published_at", "-id")

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if start < 0 or (stop is not None and stop < 0) or index.step:
            raise ValueError("RankedResults takes slices from 0 with no step.")
        if stop is not None and stop <= start:
            return []
        if self.total() <= RANKED:
            return list(self.ranked(self.matches)[start:stop])
        results = []
        if start < RANKED:
            newest = self.matches.values("pk")[:RANKED]
            best = self.ranked(self.matches.filter(pk__in=newest))
            results += best[start : RANKED if stop is None else min(stop, RANKED)]
        if stop is None or stop > RANKED:
            results += self.matches[max(start, RANKED) : stop]
        return results
