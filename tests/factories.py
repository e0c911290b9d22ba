from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, ArticlePhoto, Credit, Section
from media.models import Photo
from people.models import Person, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("pw-for-tests-1")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family_name = factory.Sequence(lambda n: f"Fam{n}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name_first = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Story number {n}")
    summary = "A short summary."
    body = "<p>English body.</p>"
    original_title = "中文标题"
    original_body = "<p>中文正文。</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() - timedelta(hours=1)
            ),
        )


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    caption = factory.Sequence(lambda n: f"Caption {n}")
    alt_text = "A photo"
    image = factory.django.ImageField(width=64, height=48, format="JPEG")


def role(slug):
    return Role.objects.get(slug=slug)


def credit(article, person, role_slug, **kwargs):
    return Credit.objects.create(
        article=article, person=person, role=role(role_slug), **kwargs
    )


def attach_photo(article, photo, order=0):
    return ArticlePhoto.objects.create(article=article, photo=photo, order=order)
