import calendar
from datetime import datetime

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles.cache import sections
from articles.models import Article, ArticlePhoto, Credit
from people.models import Person

MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter accepts decimals such as 2024.5)."""

    field_class = forms.IntegerField


class UntemplatedWidget:
    """A widget built with ``format_html`` rather than a template (and a
    template per option): /news/ renders its filter form on every view, and
    the widget templates took about a tenth of the page's time
    (docs/PERFORMANCE.md). The markup is that of Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        return self.html(self.get_context(name, value, attrs)["widget"])


class UntemplatedInput(UntemplatedWidget, forms.widgets.Input):
    def __init__(self, input_type, attrs=None):
        super().__init__(attrs)
        self.input_type = input_type

    def html(self, widget):
        value = widget["value"]
        value = "" if value is None else format_html(' value="{}"', value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            value,
            flatatt(widget["attrs"]),
        )


class UntemplatedSelect(UntemplatedWidget, forms.Select):
    def html(self, widget):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            options,
        )


def section_choices():
    return [(section.slug, section.name) for section in sections()]


class ArticleFilter(django_filters.FilterSet):
    """The /news/ filters. An invalid value is a form error; FilterView then
    lists nothing and the view answers 400."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=200,
        widget=UntemplatedInput("search"),
    )
    # Choices from the sections every page already has (articles.cache),
    # not a query of their own.
    section = django_filters.ChoiceFilter(
        choices=section_choices,
        method="in_section",
        label=_("Section"),
        empty_label=_("All sections"),
        widget=UntemplatedSelect,
        error_messages={"invalid_choice": _("There is no such section.")},
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(),
        to_field_name="slug",
        method="by_person",
        label=_("Person"),
        widget=UntemplatedInput("hidden"),
        error_messages={"invalid_choice": _("There is no such person.")},
    )
    # Year (and month with it) filter on a [start, end) range of local time,
    # which the published_at index answers; published_at__year would
    # convert every story's date first.
    year = IntegerFilter(
        method="in_year",
        label=_("Year"),
        min_value=1900,
        max_value=2999,
        widget=UntemplatedInput("number", attrs={"min": 1900, "max": 2999, "size": 6}),
    )
    month = django_filters.TypedChoiceFilter(
        method="in_month",
        label=_("Month"),
        choices=[("", _("Any month")), *MONTHS],
        widget=UntemplatedSelect,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a month from the list.")},
    )

    class Meta:
        model = Article
        fields = ["q", "section", "person", "year", "month"]

    def in_year(self, queryset, name, year):
        """Stories published in ``year`` (and ``month``, when one is chosen),
        in the newsroom's time zone."""
        month = self.form.cleaned_data.get("month")
        zone = timezone.get_current_timezone()
        if month:
            start = datetime(year, month, 1, tzinfo=zone)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        else:
            start = datetime(year, 1, 1, tzinfo=zone)
            end = datetime(year + 1, 1, 1, tzinfo=zone)
        return queryset.filter(published_at__gte=start, published_at__lt=end)

    def in_section(self, queryset, name, slug):
        section = next(s for s in sections() if s.slug == slug)
        return queryset.filter(section=section)

    def in_month(self, queryset, name, month):
        """A month of any year; with a year, ``in_year`` has done it."""
        if self.form.cleaned_data.get("year"):
            return queryset
        return queryset.filter(published_at__month=month)

    # The search text when PostgreSQL full-text search is in use; set by
    # search(), read by in_reading_order().
    search_text = None

    def search(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            from articles.search import full_text_search

            self.search_text = value
            return full_text_search(queryset, value)
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(body__icontains=value)
        )

    def in_reading_order(self, queryset, total=None):
        """``queryset`` (this filter's ``qs``) in the order the list shows
        it: with a full-text search, best matches first (a sequence for the
        paginator, ``articles.search.RankedResults``; ``total``: a callable
        giving the number of stories, if known); otherwise as is, newest
        first."""
        if self.search_text is None:
            return queryset
        from articles.search import RankedResults

        return RankedResults(queryset, self.search_text, total)

    def by_person(self, queryset, name, value):
        """Stories crediting the person in any role, or with their photos."""
        return queryset.filter(
            Q(pk__in=Credit.objects.filter(person=value).values("article_id"))
            | Q(
                pk__in=ArticlePhoto.objects.filter(photo__photographer=value).values(
                    "article_id"
                )
            )
        )
