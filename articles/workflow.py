"""The editorial workflow: one declarative table of transitions.

``available_transitions(article, user)`` is the single source of truth for
what a user may do now; the admin renders its buttons from it and
``perform()`` asks it again before acting, so a forged POST is refused.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, Credit, WorkflowEvent

Status = Article.Status


class TransitionRefused(Exception):
    """A workflow step that cannot be taken now; the message says why."""


def _is_writer_or_editor(article, user):
    if article.created_by_id == user.pk or user.has_perm("articles.approve_article"):
        return None
    return _("Only the story's writer or an editor can submit it for translation.")


def _translator_unassigned(article, user):
    if article.translator_id is None:
        return None
    if article.translator_id == user.pk:
        return _("You have already claimed this story.")
    return _("This story is already assigned to %(name)s.") % {
        "name": _user_name(article.translator)
    }


def _is_assigned_translator(article, user):
    if article.translator_id == user.pk or user.is_superuser:
        return None
    return _("Only the assigned translator can mark this translated.")


def _needs_source_text(article):
    if not (article.original_title.strip() and article.original_body.strip()):
        return _("The original title and body are required before submitting.")
    return None


def _needs_english_source(article):
    if article.source_language != Article.Language.ENGLISH:
        return _("Only a story written in English can skip translation.")
    return _needs_english_text(article)


def _needs_english_text(article):
    if not (article.title.strip() and article.body.strip()):
        return _("The English title and body are required.")
    return None


def _needs_alt_text(article):
    missing = [
        ap.photo
        for ap in article.article_photos.select_related("photo")
        if not ap.photo.alt_text.strip()
    ]
    if missing:
        names = ", ".join(f"“{p}”" for p in missing)
        return _("Add alt text to every photo before publishing: %(photos)s.") % {
            "photos": names
        }
    return _needs_english_text(article)


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    permission: str
    label: str
    needs_comment: bool = False
    # (article, user) -> reason or None: who, beyond the permission.
    actor_check: object = None
    # (article) -> reason or None: what the story must hold.
    requirement: object = None
    credit_role: str = ""
    # (article) -> iterable of users to tell, after the step is committed.
    notify: object = None
    style: str = field(default="default")


def _writer(article):
    return [article.created_by] if article.created_by else []


def _group(name):
    def users(article):
        return get_user_model().objects.filter(groups__name=name, is_active=True)

    return users


def _translators_of(article):
    if article.translator:
        return [article.translator]
    return _group("Translators")(article)


def _translator_and_writer(article):
    return [*_translators_of(article), *_writer(article)]


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            name="submit",
            source=Status.DRAFT,
            target=Status.IN_TRANSLATION,
            permission="articles.submit_article",
            label=gettext_lazy("Submit for translation"),
            actor_check=_is_writer_or_editor,
            requirement=_needs_source_text,
            notify=_translators_of,
            style="primary",
        ),
        Transition(
            name="skip_translation",
            source=Status.DRAFT,
            target=Status.TRANSLATED,
            permission="articles.approve_article",
            label=gettext_lazy("Skip translation (English story)"),
            requirement=_needs_english_source,
            notify=_group("Editors"),
        ),
        Transition(
            name="claim",
            source=Status.IN_TRANSLATION,
            target=Status.IN_TRANSLATION,
            permission="articles.translate_article",
            label=gettext_lazy("Claim"),
            actor_check=_translator_unassigned,
            style="primary",
        ),
        Transition(
            name="translate",
            source=Status.IN_TRANSLATION,
            target=Status.TRANSLATED,
            permission="articles.translate_article",
            label=gettext_lazy("Mark translated"),
            actor_check=_is_assigned_translator,
            requirement=_needs_english_text,
            credit_role="translator",
            notify=_group("Editors"),
            style="primary",
        ),
        Transition(
            name="return_to_translator",
            source=Status.TRANSLATED,
            target=Status.IN_TRANSLATION,
            permission="articles.approve_article",
            label=gettext_lazy("Send back to translator"),
            needs_comment=True,
            notify=_translator_and_writer,
        ),
        Transition(
            name="approve",
            source=Status.TRANSLATED,
            target=Status.EDITED,
            permission="articles.approve_article",
            label=gettext_lazy("Approve"),
            requirement=_needs_english_text,
            credit_role="editor",
            notify=_group("Publishers"),
            style="primary",
        ),
        Transition(
            name="publish",
            source=Status.EDITED,
            target=Status.PUBLISHED,
            permission="articles.publish_article",
            label=gettext_lazy("Publish"),
            requirement=_needs_alt_text,
            notify=_writer,
            style="primary",
        ),
        Transition(
            name="return_to_editor",
            source=Status.EDITED,
            target=Status.TRANSLATED,
            permission="articles.publish_article",
            label=gettext_lazy("Send back to copy desk"),
            needs_comment=True,
            notify=_writer,
        ),
        Transition(
            name="unpublish",
            source=Status.PUBLISHED,
            target=Status.EDITED,
            permission="articles.publish_article",
            label=gettext_lazy("Unpublish"),
            needs_comment=True,
            notify=_writer,
        ),
    ]
}


def _user_name(user):
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def refusal(transition, article, user):
    """Why ``user`` may not take ``transition`` on ``article`` now, or None.

    Covers who may act and from which status; what the story must contain is
    checked by ``perform()`` so the button still shows and explains itself.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return _("You must be signed in as active staff.")
    if article.status != transition.source:
        return _("This story is “%(status)s”; “%(step)s” needs it “%(source)s”.") % {
            "status": article.get_status_display(),
            "step": transition.label,
            "source": Status(transition.source).label,
        }
    if not user.has_perm(transition.permission):
        return _("You do not have permission to “%(step)s”.") % {
            "step": transition.label
        }
    if transition.actor_check:
        return transition.actor_check(article, user)
    return None


def available_transitions(article, user):
    """The transitions ``user`` may take on ``article`` now, in table order."""
    return [t for t in TRANSITIONS.values() if refusal(t, article, user) is None]


def stale_message(article):
    """Who changed the story last, and when, for a refused stale save."""
    last = article.history.select_related("history_user").first()
    who = _user_name(last.history_user if last else None)
    when = timezone.localtime(last.history_date if last else article.updated_at)
    return _(
        "Someone else saved this story after you opened it: %(who)s at %(when)s. "
        "Your text is still in the form; compare it with the current version "
        "(reload in another tab) before saving again."
    ) % {"who": who, "when": date_format(when, "Y-m-d H:i")}


def perform(
    article_id,
    name,
    *,
    actor,
    comment="",
    expected_version=None,
    published_at=None,
):
    """Take transition ``name`` on the article, or raise TransitionRefused.

    One transaction, the row locked; on refusal nothing is written.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(_("Unknown workflow step “%(name)s”.") % {"name": name})
    comment = (comment or "").strip()
    with transaction.atomic():
        try:
            article = Article.objects.select_for_update().get(pk=article_id)
        except Article.DoesNotExist:
            raise TransitionRefused(_("This story no longer exists.")) from None
        if expected_version is not None and int(expected_version) != article.version:
            raise TransitionRefused(stale_message(article))
        reason = refusal(transition, article, actor)
        if reason is None and transition.requirement:
            reason = transition.requirement(article)
        if reason is None and transition.needs_comment and not comment:
            reason = _(
                "A comment is required to “%(step)s”: say what needs to change."
            ) % {"step": transition.label}
        if reason is None and name == "publish":
            reason = _check_publish_time(published_at)
        if reason:
            raise TransitionRefused(reason)

        # Claim the version first: on SQLite select_for_update() is a no-op,
        # so this conditional UPDATE is what makes concurrent steps exclusive.
        claimed = Article.objects.filter(
            pk=article.pk, version=article.version, status=transition.source
        ).update(version=F("version") + 1)
        if not claimed:
            article.refresh_from_db()
            raise TransitionRefused(stale_message(article))
        article.version += 1

        from_status = article.status
        article.status = transition.target
        if name == "claim":
            article.translator = actor
        elif name == "translate" and not article.published_at:
            # The slug follows the English title until first publication.
            article.slug = ""
        elif name == "approve" and article.editor_id is None:
            article.editor = actor
        elif name == "publish":
            article.published_at = published_at or timezone.now()
        article._change_reason = transition.name
        article.save()

        WorkflowEvent.objects.create(
            article=article,
            transition=transition.name,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            comment=comment,
        )
        if transition.credit_role:
            _credit(article, actor, transition.credit_role)
        if name == "submit" and article.created_by:
            # The story's writer is credited, whoever sends it on.
            _credit(article, article.created_by, "writer")
        if transition.notify:
            transaction.on_commit(lambda: _notify(transition, article, actor, comment))
    return article


def _check_publish_time(published_at):
    if published_at is None:
        return None
    # A minute's grace for the time it takes to press the button.
    if published_at < timezone.now() - timedelta(minutes=1):
        return _("The publication time must be now or in the future.")
    return None


def _credit(article, user, role_slug):
    from people.models import Person, Role

    person = getattr(user, "person", None)
    if person is None:
        person = Person.objects.create(
            given_name=user.first_name or user.get_username(),
            family_name=user.last_name,
            user=user,
        )
    role = Role.objects.get(slug=role_slug)
    if not Credit.objects.filter(article=article, person=person, role=role).exists():
        last = Credit.objects.filter(article=article, role=role).aggregate(
            n=Max("order")
        )["n"]
        Credit.objects.create(
            article=article,
            person=person,
            role=role,
            order=0 if last is None else last + 1,
        )


def _notify(transition, article, actor, comment):
    recipients = sorted(
        {u.email for u in transition.notify(article) if u.email and u.pk != actor.pk}
    )
    if not recipients:
        return
    subject = _("[Newsroom] %(step)s: %(title)s") % {
        "step": transition.label,
        "title": article,
    }
    lines = [
        _("%(who)s took the step “%(step)s” on “%(title)s”.")
        % {"who": _user_name(actor), "step": transition.label, "title": article},
        _("Status: %(status)s") % {"status": article.get_status_display()},
    ]
    if comment:
        lines += ["", _("Comment:"), comment]
    send_mail(subject, "\n".join(lines), None, recipients, fail_silently=True)


# Who may edit what, by status (DESIGN.md "Workflow"). Field groups are
# named so the admin can map them to its fields.
SOURCE_FIELDS = ("original_title", "original_body", "source_language", "original_date")
ENGLISH_FIELDS = ("title", "summary", "body")
STORY_FIELDS = ("section",)  # plus credits and photos (inlines)


def editable_fields(article, user):
    """The model fields ``user`` may change on ``article`` now.

    A new story (``article`` is None) is a draft of whoever creates it.
    """
    if user.is_superuser:
        return {
            *SOURCE_FIELDS,
            *ENGLISH_FIELDS,
            *STORY_FIELDS,
            *_assignment(user),
            "published_at",
        }
    status = article.status if article else Status.DRAFT
    fields = set()
    if status == Status.DRAFT and user.has_perm("articles.submit_article"):
        fields |= {*SOURCE_FIELDS, *ENGLISH_FIELDS, *STORY_FIELDS, "translator"}
    elif status == Status.IN_TRANSLATION:
        if article.translator_id == user.pk and user.has_perm(
            "articles.translate_article"
        ):
            fields |= set(ENGLISH_FIELDS)
    elif status == Status.TRANSLATED and user.has_perm("articles.approve_article"):
        fields |= {*ENGLISH_FIELDS, *STORY_FIELDS, *SOURCE_FIELDS}
    elif status in (Status.EDITED, Status.PUBLISHED) and user.has_perm(
        "articles.publish_article"
    ):
        fields |= {*ENGLISH_FIELDS, *STORY_FIELDS, "published_at"}
    if status != Status.PUBLISHED:
        fields |= _assignment(user)
    return fields


def _assignment(user):
    """Editors assign translators and editors at any stage before publishing."""
    if user.has_perm("articles.approve_article"):
        return {"translator", "editor"}
    return set()


def visible_articles(user, queryset=None):
    """The stories ``user`` may open in the admin or preview.

    Editors and publishers see everything; a writer sees the stories they
    created; a translator sees what is assigned to them plus the unclaimed
    pool.
    """
    from django.db.models import Q

    queryset = Article.objects.all() if queryset is None else queryset
    if not (user.is_active and user.is_staff):
        return queryset.none()
    if (
        user.is_superuser
        or user.has_perm("articles.approve_article")
        or user.has_perm("articles.publish_article")
    ):
        return queryset
    allowed = Q(pk__in=[])
    if user.has_perm("articles.submit_article"):
        allowed |= Q(created_by=user)
    if user.has_perm("articles.translate_article"):
        allowed |= Q(translator=user) | Q(
            status=Status.IN_TRANSLATION, translator__isnull=True
        )
    return queryset.filter(allowed)
