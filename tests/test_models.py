from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Credit
from tests.factories import ArticleFactory, PersonFactory, credit

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_english_title():
    assert ArticleFactory(title="HIT Wins a Prize!").slug == "hit-wins-a-prize"


def test_duplicate_titles_get_distinct_slugs():
    a = ArticleFactory(title="Same title")
    b = ArticleFactory(title="Same title")
    assert a.slug == "same-title"
    assert b.slug == "same-title-2"


def test_chinese_only_title_gets_a_unique_non_empty_slug():
    a = ArticleFactory(title="哈工大新闻")
    b = ArticleFactory(title="哈工大新闻")
    assert a.slug and b.slug and a.slug != b.slug


def test_credit_is_unique_per_person_and_role():
    article, person = ArticleFactory(), PersonFactory()
    credit(article, person, "writer")
    with pytest.raises(IntegrityError), transaction.atomic():
        credit(article, person, "writer")
    credit(article, person, "photographer")  # another role is fine
    assert Credit.objects.filter(article=article).count() == 2


def test_published_story_needs_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


def test_published_excludes_drafts_and_scheduled_stories():
    now = timezone.now()
    live = ArticleFactory(published=True)
    ArticleFactory(status=Article.Status.EDITED)
    scheduled = ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=now + timedelta(hours=2)
    )
    assert list(Article.objects.published()) == [live]
    assert list(Article.objects.scheduled()) == [scheduled]


def test_scheduled_story_becomes_public_at_its_time(time_machine):
    when = timezone.now() + timedelta(hours=2)
    story = ArticleFactory(status=Article.Status.PUBLISHED, published_at=when)
    assert not Article.objects.published().filter(pk=story.pk).exists()
    time_machine.move_to(when + timedelta(seconds=1))
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_long_titles_sharing_their_start_get_distinct_slugs():
    stem = "A very long headline about the university " * 3
    slugs = {ArticleFactory(title=f"{stem} part {n}").slug for n in range(4)}
    assert len(slugs) == 4
    assert all(len(slug) <= 100 for slug in slugs)
