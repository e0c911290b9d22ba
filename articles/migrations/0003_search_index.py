"""Indexes for an archive of 100,000 stories (docs/PERFORMANCE.md).

1. ``article_pub_id_idx`` on (published_at DESC, id DESC): the order of every
   story list, public and admin, read from an index instead of sorting the
   archive (the admin story list spent 170 ms sorting 100,000 rows).

2. ``article_title_idx``: import_stories finds the stories that related
   headlines name by their title (a full scan per story: 36 ms at 100,000).

3. PostgreSQL only: the search document of articles/search.py stored per
   story in the generated column ``search_vector`` and GIN-indexed. A GIN
   index on the expression alone made matching fast but not ranking, which
   recomputed the vector of every matching story (485 ms for a word in one
   headline in twelve; 18 ms from the stored column). The column is not a
   model field: SQLite has no tsvector, and PostgreSQL computes it on every
   INSERT and UPDATE, so the ORM never writes it. The expression below must
   stay the one ``articles.search.search_vector()`` builds;
   tests/test_performance.py compares them.
"""

from django.db import migrations, models

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE articles_article ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX article_search_idx ON articles_article USING gin (search_vector)"
    )


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")
    schema_editor.execute(
        "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_queues"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-published_at", "-id"], name="article_pub_id_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["title"], name="article_title_idx"),
        ),
        migrations.RunPython(add_search_vector, drop_search_vector),
    ]
