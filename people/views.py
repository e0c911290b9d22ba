from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.views.generic import DetailView

from articles.models import Article, ArticlePhoto, Credit
from articles.views import PublicPageMixin
from people.models import Person, Role

PER_ROLE = 20


@dataclass
class Entry:
    """One line on a person page: a story, and the person's title in it."""

    article: Article
    position_title: str = ""

    @property
    def sort_key(self):
        return (self.article.published_at or datetime.min, self.article.pk)


@dataclass
class RoleGroup:
    role: Role
    entries: list
    total: int


class PersonDetailView(PublicPageMixin, DetailView):
    """A person's published stories grouped by role (writer, translator,
    editor, photographer, attendee), newest first, ``PER_ROLE`` per role.

    A fixed number of queries whatever the number of stories: the person,
    the roles, the newest credits per role (a window function), and the
    stories with their photos but no photographer credit.
    """

    model = Person
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        person = self.object
        roles = {role.pk: role for role in Role.objects.all()}
        public = Article.objects.published()
        credits = (
            Credit.objects.filter(person=person, article__in=public)
            .select_related("article", "article__section")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("role_id")],
                    order_by=[
                        F("article__published_at").desc(),
                        F("article_id").desc(),
                    ],
                ),
                role_total=Window(Count("id"), partition_by=[F("role_id")]),
            )
            .filter(rank__lte=PER_ROLE)
            .order_by("role_id", "rank")
        )
        groups = {}
        for credit in credits:
            group = groups.setdefault(
                credit.role_id,
                RoleGroup(roles[credit.role_id], [], credit.role_total),
            )
            group.entries.append(Entry(credit.article, credit.position_title))

        # Photos in a story are credited on the photo itself; list those
        # stories under the photographer role too.
        photographer = next(
            (r for r in roles.values() if r.slug == Role.PHOTOGRAPHER), None
        )
        if photographer is not None:
            photographed = list(
                public.filter(
                    pk__in=ArticlePhoto.objects.filter(
                        photo__photographer=person
                    ).values("article_id")
                )
                .exclude(
                    pk__in=Credit.objects.filter(
                        person=person, role=photographer
                    ).values("article_id")
                )
                .select_related("section")
                .annotate(total=Window(Count("id")))
                .order_by("-published_at", "-id")[:PER_ROLE]
            )
            if photographed:
                group = groups.setdefault(
                    photographer.pk, RoleGroup(photographer, [], 0)
                )
                group.entries.extend(Entry(a) for a in photographed)
                group.entries.sort(key=lambda e: e.sort_key, reverse=True)
                del group.entries[PER_ROLE:]
                group.total += photographed[0].total

        credit_groups = sorted(groups.values(), key=lambda g: (g.role.order, g.role.pk))
        return super().get_context_data(
            credit_groups=credit_groups,
            noindex=not credit_groups,
            **kwargs,
        )
