import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section
from people.models import Person


class ArticleFilter(django_filters.FilterSet):
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
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(),
        to_field_name="slug",
        method="by_person",
        label=_("Person"),
        widget=forms.TextInput(),
    )
    year = django_filters.NumberFilter(
        field_name="published_at",
        lookup_expr="year",
        label=_("Year"),
        min_value=1900,
        max_value=2999,
    )
    month = django_filters.NumberFilter(
        field_name="published_at",
        lookup_expr="month",
        label=_("Month"),
        min_value=1,
        max_value=12,
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
        return queryset.filter(credits__person=value).distinct()
