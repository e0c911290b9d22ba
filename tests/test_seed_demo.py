import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, ArticlePhoto, Credit
from media.models import Photo
from people.models import Person

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Credit, Person, Photo, ArticlePhoto, get_user_model())
    }


def test_seed_demo_twice_gives_the_same_content(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first["Article"] >= 30 and first["Person"] >= 20
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses == set(Article.Status.values)
    assert Article.objects.scheduled().exists()
    assert (
        Credit.objects.filter(role__slug="attendee").exclude(position_title="").exists()
    )


def test_seed_demo_articles_adds_published_stories(settings):
    settings.DEBUG = True
    call_command("seed_demo", articles=50, no_demo=True, stdout=open("/dev/null", "w"))
    assert Article.objects.published().count() == 50
    assert Credit.objects.filter(article__slug__startswith="bulk-").count() == 200


def test_seed_demo_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert Article.objects.count() == 0
