from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.views.generic import DetailView

from articles.cache import cached_count
from articles.models import Article, ArticlePhoto, Credit
from articles.views import PublicPageMixin
from newsroom.links import slug_url
from people.models import Person, Role

PER_ROLE = 20
# The key of the photographed-but-not-credited total in role_totals().
PHOTOGRAPHED = "photographed"


@dataclass
class Entry:
    """One line on a person page: a story, and the person's title in it.

    Plain values rather than model instances, and the date formatted here
    once: a busy person page has 80 lines, and the template's ``date``
    filter costs ~35 µs a call (docs/PERFORMANCE.md)."""

    pk: int
    title: str
    slug: str
    published_at: datetime
    section_name: str | None
    position_title: str = ""

    # The columns of each row, in the field order above.
    COLUMNS = ("pk", "title", "slug", "published_at", "section__name")

    def __post_init__(self):
        local = timezone.localtime(self.published_at)
        self.iso_date = local.isoformat()  # as |date:"c" writes it
        self.short_date = f"{local:%Y/%m/%d}"  # as |date:"Y/m/d" writes it

    @property
    def url(self):
        return slug_url("articles:detail", self.slug)

    @property
    def sort_key(self):
        return (self.published_at, self.pk)


@dataclass
class RoleGroup:
    role: Role
    entries: list
    total: int


def photographed(person, photographer):
    """Published stories with the person's photos and no photographer credit
    for them (photos are credited on the photo itself)."""
    return (
        Article.objects.published()
        .filter(
            Exists(
                ArticlePhoto.objects.filter(
                    article=OuterRef("pk"), photo__photographer=person
                )
            )
        )
        .exclude(
            Exists(
                Credit.objects.filter(
                    article=OuterRef("pk"), person=person, role=photographer
                )
            )
        )
    )


def role_totals(person, photographer):
    """{role id: published stories crediting the person in that role} plus
    ``PHOTOGRAPHED``: counted once per change of the site (``cached_count``),
    not per request; a prolific writer has thousands."""

    def count():
        totals = dict(
            Credit.objects.filter(
                person=person, article__in=Article.objects.published()
            )
            .order_by()
            .values_list("role_id")
            .annotate(total=Count("id"))
        )
        if photographer is not None:
            totals[PHOTOGRAPHED] = photographed(person, photographer).count()
        return totals

    return cached_count(("person-role-totals", person.pk), count)


def newest_in_role(person, role):
    """The person's newest ``PER_ROLE`` published stories in ``role`` as
    ``Entry`` objects, with the person's title in each (one credit per
    story, person and role). PostgreSQL walks the stories' date index and
    looks each story up in the credits' (article, person, role) index until
    it has ``PER_ROLE`` (for someone with few credits it starts from their
    credits instead): never every credit of a prolific writer."""
    rows = (
        Article.objects.published()
        .filter(credits__person=person, credits__role=role)
        .order_by("-published_at", "-id")
        .values_list(*Entry.COLUMNS, "credits__position_title")[:PER_ROLE]
    )
    return [Entry(*row) for row in rows]


class PersonDetailView(PublicPageMixin, DetailView):
    """A person's published stories grouped by role (writer, translator,
    editor, photographer, attendee), newest first, ``PER_ROLE`` per role,
    with the number of stories in each role.

    A fixed number of queries whatever the number of stories: the person and
    the roles; the totals per role (two queries, once per change of the
    site: ``cached_count``); then one ``LIMIT`` query per role the person
    has stories in, and one for stories with their photos but no photo
    credit (at most six). One query ranking all of a person's credits with
    a window function took 200 ms at 100,000 stories; this takes ~5 ms of
    SQL (docs/PERFORMANCE.md).
    """

    model = Person
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        person = self.object
        roles = list(Role.objects.all())
        photographer = next((r for r in roles if r.slug == Role.PHOTOGRAPHER), None)
        totals = role_totals(person, photographer)

        credit_groups = []
        for role in roles:  # in credit order
            total = totals.get(role.pk, 0)
            entries = newest_in_role(person, role) if total else []
            if role == photographer and totals.get(PHOTOGRAPHED):
                total += totals[PHOTOGRAPHED]
                entries += [
                    Entry(*row)
                    for row in photographed(person, photographer)
                    .order_by("-published_at", "-id")
                    .values_list(*Entry.COLUMNS)[:PER_ROLE]
                ]
                entries.sort(key=lambda e: e.sort_key, reverse=True)
                del entries[PER_ROLE:]
            if entries:
                credit_groups.append(RoleGroup(role, entries, total))

        return super().get_context_data(
            credit_groups=credit_groups,
            noindex=not credit_groups,
            **kwargs,
        )
