import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.utils import timezone

from articles import workflow
from articles.models import Article, Credit, WorkflowEvent
from articles.workflow import TRANSITIONS, TransitionRefused, perform
from people.models import Person
from tests.factories import ArticleFactory, PhotoFactory, UserFactory, attach_photo

pytestmark = pytest.mark.django_db

S = Article.Status
ACTORS = [
    "writer",
    "other_writer",
    "translator",
    "other_translator",
    "editor",
    "publisher",
    "superuser",
    "anonymous",
]
ALLOWED = {
    "submit": {"writer", "editor", "superuser"},
    "skip_translation": {"editor", "superuser"},
    "claim": {"translator", "other_translator", "superuser"},
    "translate": {"translator", "superuser"},
    "return_to_translator": {"editor", "superuser"},
    "approve": {"editor", "superuser"},
    "publish": {"publisher", "superuser"},
    "return_to_editor": {"publisher", "superuser"},
    "unpublish": {"publisher", "superuser"},
}


@pytest.fixture
def staff(user_in):
    return {
        "writer": user_in("Writers", username="writer", email="w@example.org"),
        "other_writer": user_in("Writers", username="writer2"),
        "translator": user_in("Translators", username="tr", email="tr@example.org"),
        "other_translator": user_in("Translators", username="tr2"),
        "editor": user_in("Editors", username="ed", email="ed@example.org"),
        "publisher": user_in("Publishers", username="pub", email="pub@example.org"),
        "superuser": UserFactory(username="root", is_superuser=True),
        "anonymous": AnonymousUser(),
    }


def story_for(transition, staff):
    status = transition.source
    article = ArticleFactory(
        status=status,
        created_by=staff["writer"],
        translator=None if transition.name == "claim" else staff["translator"],
        source_language="en" if transition.name == "skip_translation" else "zh-hans",
        published_at=timezone.now() - timedelta(days=1)
        if status == S.PUBLISHED
        else None,
    )
    return article


def snapshot(article):
    article.refresh_from_db()
    return (
        article.status,
        article.version,
        article.translator_id,
        WorkflowEvent.objects.filter(article=article).count(),
        Credit.objects.filter(article=article).count(),
    )


@pytest.mark.parametrize("name", list(TRANSITIONS))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(staff, name, actor):
    transition = TRANSITIONS[name]
    article = story_for(transition, staff)
    user = staff[actor]
    before = snapshot(article)
    comment = "Please fix the second paragraph." if transition.needs_comment else ""
    if actor in ALLOWED[name]:
        assert transition in workflow.available_transitions(article, user)
        result = perform(article.pk, name, actor=user, comment=comment)
        assert result.status == transition.target
        article.refresh_from_db()
        assert article.status == transition.target
        assert article.version == before[1] + 1
        event = WorkflowEvent.objects.get(article=article)
        assert (event.transition, event.from_status, event.to_status) == (
            name,
            transition.source,
            transition.target,
        )
        assert event.actor == user and event.comment == comment
    else:
        assert transition not in workflow.available_transitions(article, user)
        with pytest.raises(TransitionRefused) as refused:
            perform(article.pk, name, actor=user, comment=comment)
        assert str(refused.value)
        assert snapshot(article) == before


@pytest.mark.parametrize("name", [n for n, t in TRANSITIONS.items() if t.needs_comment])
def test_send_backs_require_a_comment(staff, name):
    transition = TRANSITIONS[name]
    article = story_for(transition, staff)
    actor = staff["editor"] if name == "return_to_translator" else staff["publisher"]
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="comment is required"):
        perform(article.pk, name, actor=actor, comment="   ")
    assert snapshot(article) == before


def test_only_the_assigned_translator_can_mark_translated(staff):
    article = story_for(TRANSITIONS["translate"], staff)
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="(?i)only the assigned translator"):
        perform(article.pk, "translate", actor=staff["other_translator"])
    assert snapshot(article) == before


def test_refusal_from_the_wrong_status_says_why(staff):
    article = ArticleFactory(status=S.DRAFT, created_by=staff["writer"])
    with pytest.raises(TransitionRefused, match="Draft"):
        perform(article.pk, "approve", actor=staff["editor"])


def test_submit_needs_the_original_text(staff):
    article = ArticleFactory(
        status=S.DRAFT, created_by=staff["writer"], original_body=""
    )
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="original title and body"):
        perform(article.pk, "submit", actor=staff["writer"])
    assert snapshot(article) == before


def test_translate_needs_english_text(staff):
    article = ArticleFactory(
        status=S.IN_TRANSLATION, translator=staff["translator"], body=""
    )
    with pytest.raises(TransitionRefused, match="English title and body"):
        perform(article.pk, "translate", actor=staff["translator"])


def test_claim_assigns_the_claimer_and_a_second_claim_is_refused(staff):
    article = ArticleFactory(status=S.IN_TRANSLATION, translator=None)
    perform(article.pk, "claim", actor=staff["translator"])
    article.refresh_from_db()
    assert article.translator == staff["translator"]
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="already assigned"):
        perform(article.pk, "claim", actor=staff["other_translator"])
    assert snapshot(article) == before


def test_translate_and_approve_credit_the_actor_through_their_person(staff):
    translator_person = Person.objects.create(
        family_name="Yang",
        given_name="Yue",
        family_name_first=True,
        user=staff["translator"],
    )
    article = ArticleFactory(status=S.IN_TRANSLATION, translator=staff["translator"])
    perform(article.pk, "translate", actor=staff["translator"])
    perform(article.pk, "approve", actor=staff["editor"])
    credits = {
        (c.role.slug, str(c.person)) for c in Credit.objects.filter(article=article)
    }
    assert ("translator", "YANG Yue") in credits
    editor_credit = Credit.objects.get(article=article, role__slug="editor")
    assert editor_credit.person.user == staff["editor"]
    assert translator_person.credits.count() == 1


def test_stale_expected_version_is_refused(staff):
    article = story_for(TRANSITIONS["approve"], staff)
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="Someone else saved"):
        perform(
            article.pk, "approve", actor=staff["editor"], expected_version=before[1] - 1
        )
    assert snapshot(article) == before


def test_publish_in_the_future_schedules_the_story(staff, time_machine):
    article = story_for(TRANSITIONS["publish"], staff)
    when = timezone.now() + timedelta(hours=3)
    perform(article.pk, "publish", actor=staff["publisher"], published_at=when)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.scheduled().filter(pk=article.pk).exists()
    time_machine.move_to(when + timedelta(seconds=5))
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publish_in_the_past_is_refused(staff):
    article = story_for(TRANSITIONS["publish"], staff)
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="now or in the future"):
        perform(
            article.pk,
            "publish",
            actor=staff["publisher"],
            published_at=timezone.now() - timedelta(days=2),
        )
    assert snapshot(article) == before


def test_publish_refused_while_a_photo_has_no_alt_text(staff):
    article = story_for(TRANSITIONS["publish"], staff)
    attach_photo(article, PhotoFactory(caption="The Forum", alt_text=""))
    before = snapshot(article)
    with pytest.raises(TransitionRefused, match="The Forum"):
        perform(article.pk, "publish", actor=staff["publisher"])
    assert snapshot(article) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("submit", {"tr@example.org"}),
        ("translate", {"ed@example.org"}),
        ("approve", {"pub@example.org"}),
        ("publish", {"w@example.org"}),
        ("return_to_translator", {"tr@example.org", "w@example.org"}),
        ("return_to_editor", {"w@example.org"}),
        ("unpublish", {"w@example.org"}),
    ],
)
def test_notifications(staff, name, expected, django_capture_on_commit_callbacks):
    transition = TRANSITIONS[name]
    article = story_for(transition, staff)
    actor = next(staff[a] for a in ACTORS if a in ALLOWED[name])
    with django_capture_on_commit_callbacks(execute=True):
        perform(article.pk, name, actor=actor, comment="Needs work.")
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == expected
    assert (
        article.title in mail.outbox[0].subject
        or str(article) in mail.outbox[0].subject
    )
    if transition.needs_comment:
        assert "Needs work." in mail.outbox[0].body


def test_submit_without_translator_tells_the_translators_pool(
    staff, django_capture_on_commit_callbacks
):
    article = ArticleFactory(
        status=S.DRAFT, created_by=staff["writer"], translator=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        perform(article.pk, "submit", actor=staff["writer"])
    assert set(mail.outbox[0].to) == {"tr@example.org", "tr2@example.org"}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_at_once_exactly_one_succeeds(user_in):
    editors = [user_in("Editors", username=f"ed{i}") for i in range(2)]
    article = ArticleFactory(status=S.TRANSLATED)
    barrier = threading.Barrier(2)
    results = []

    def approve(editor):
        try:
            barrier.wait()
            perform(article.pk, "approve", actor=editor)
            results.append("ok")
        except TransitionRefused as refused:
            results.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(e,)) for e in editors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    article.refresh_from_db()
    assert article.status == S.EDITED and article.version == 2
    assert WorkflowEvent.objects.filter(article=article).count() == 1
