from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article

register = template.Library()

QUEUES = [
    # (count key, label, admin changelist, permission)
    ("translation", _("My translation queue"), "translationqueue", "translate_article"),
    ("copy_desk", _("Copy desk"), "copydesk", "approve_article"),
    ("ready", _("Ready to publish"), "readytopublish", "publish_article"),
    ("scheduled", _("Scheduled"), "scheduled", "publish_article"),
]


@register.simple_tag(takes_context=True)
def queue_links(context):
    """The queues this user works from, with live counts (one query)."""
    user = context["request"].user
    mine = [q for q in QUEUES if user.has_perm(f"articles.{q[3]}")]
    if not mine:
        return []
    counts = Article.objects.queue_counts(user)
    return [
        {
            "label": label,
            "count": counts[key],
            "url": reverse(f"admin:articles_{model}_changelist"),
        }
        for key, label, model, _perm in mine
    ]
