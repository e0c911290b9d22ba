"""``{% story_cards articles level=2 %}``: the story cards of the lists.

Built with ``format_html``, as the admin builds its change list rows
(``django.contrib.admin.templatetags.admin_list``): twenty cards, each an
include through the template engine, took 8.7 ms of the 38 ms of /news/
on the bench machine (docs/PERFORMANCE.md).
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join

register = template.Library()

CARD = (
    '<article class="card">'
    '<h{level} class="card-title"><a href="{url}">{title}</a></h{level}>'
    '<p class="meta"><time datetime="{iso}">{date}</time>{section}</p>'
    "{summary}"
    "</article>\n"
)


@register.simple_tag
def story_cards(articles, level=2, hide_section=False):
    """A card per story: headline, date, section (unless ``hide_section``)
    and summary. Needs the stories' sections (``select_related``)."""
    cards = ((card(article, level, hide_section),) for article in articles)
    return format_html_join("", "{}", cards)


def card(article, level, hide_section):
    published = timezone.localtime(article.published_at)
    section = article.section
    return format_html(
        CARD,
        level=level,
        url=article.get_absolute_url(),
        title=article.title,
        iso=format_date(published, "c"),
        date=format_date(published, "Y/m/d"),
        section=format_html(
            ' · <a href="{}">{}</a>', section.get_absolute_url(), section.name
        )
        if section and not hide_section
        else "",
        summary=format_html('<p class="summary">{}</p>', article.summary)
        if article.summary
        else "",
    )
