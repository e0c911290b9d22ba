import calendar

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticlePhoto, Credit, Section
from people.models import Person

MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter accepts decimals such as 2024.5)."""

    field_class = forms.IntegerField


class ArticleFilter(django_filters.FilterSet):
    """The /news/ filters. An invalid value is a form error; FilterView then
    lists nothing and the view answers 400."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.all(),
        to_field_name="slug",
        label=_("Section"),
        empty_label=_("All sections"),
        error_messages={"invalid_choice": _("There is no such section.")},
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(),
        to_field_name="slug",
        method="by_person",
        label=_("Person"),
        widget=forms.HiddenInput(),
        error_messages={"invalid_choice": _("There is no such person.")},
    )
    year = IntegerFilter(
        field_name="published_at",
        lookup_expr="year",
        label=_("Year"),
        min_value=1900,
        max_value=2999,
        widget=forms.NumberInput(attrs={"min": 1900, "max": 2999, "size": 6}),
    )
    month = django_filters.TypedChoiceFilter(
        field_name="published_at",
        lookup_expr="month",
        label=_("Month"),
        choices=[("", _("Any month")), *MONTHS],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a month from the list.")},
    )

    class Meta:
        model = Article
        fields = ["q", "section", "person", "year", "month"]

    def search(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            from articles.search import full_text_search

            return full_text_search(queryset, value)
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(body__icontains=value)
        )

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
