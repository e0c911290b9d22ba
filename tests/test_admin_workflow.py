import pytest
from django.urls import reverse

from articles.models import Article, WorkflowEvent
from tests.factories import ArticleFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db
S = Article.Status


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def open_form(client, article):
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response, form_data(response, "article_form")


def test_change_form_shows_only_allowed_workflow_buttons(client, user_in):
    editor = user_in("Editors")
    article = ArticleFactory(status=S.TRANSLATED)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert 'value="approve"' in html
    assert 'value="return_to_translator"' in html
    assert 'value="publish"' not in html
    assert 'value="translate"' not in html


def test_status_is_never_an_editable_field(client, user_in):
    client.force_login(user_in("Editors"))
    article = ArticleFactory(status=S.TRANSLATED)
    response, data = open_form(client, article)
    assert "status" not in data
    data["status"] = "published"
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == S.TRANSLATED


def test_translator_edits_and_marks_translated_in_one_step(client, user_in):
    translator = user_in("Translators")
    article = ArticleFactory(
        status=S.IN_TRANSLATION, translator=translator, title="", body=""
    )
    client.force_login(translator)
    response, data = open_form(client, article)
    html = response.content.decode()
    # The original is shown beside the English fields while translating.
    assert "中文正文" in html and "show_original_beside" not in html
    data.update(title="Forum on innovation", body="<p>Translated text.</p>")
    data["_transition"] = "translate"
    response = client.post(change_url(article), data, follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == S.TRANSLATED
    assert article.title == "Forum on innovation"
    assert article.slug == "forum-on-innovation"
    assert WorkflowEvent.objects.filter(
        article=article, transition="translate"
    ).exists()


def test_translator_cannot_edit_the_source_text(client, user_in):
    translator = user_in("Translators")
    article = ArticleFactory(status=S.IN_TRANSLATION, translator=translator)
    client.force_login(translator)
    _, data = open_form(client, article)
    assert "original_title" not in data
    data["original_title"] = "改过的标题"
    data["title"] = "New English title"
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.original_title == "中文标题"
    assert article.title == "New English title"


def test_refused_step_is_a_form_error_and_keeps_the_text(client, user_in):
    editor = user_in("Editors")
    article = ArticleFactory(status=S.TRANSLATED, body="<p>Old body.</p>")
    client.force_login(editor)
    _, data = open_form(client, article)
    data["body"] = "<p>My careful edit.</p>"
    data["_transition"] = "return_to_translator"
    data["workflow_comment"] = ""
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A comment is required" in html
    assert "My careful edit." in html
    article.refresh_from_db()
    assert article.status == S.TRANSLATED
    assert article.body == "<p>Old body.</p>"
    assert article.version == 1
    assert not WorkflowEvent.objects.filter(article=article).exists()


def test_forged_transition_is_refused(client, user_in):
    translator = user_in("Translators")
    article = ArticleFactory(status=S.EDITED)
    client.force_login(translator)
    # Not theirs: a translator cannot even open an edited story.
    assert client.get(change_url(article)).status_code == 302
    publisher_view = ArticleFactory(status=S.EDITED, translator=translator)
    _, data = open_form(client, publisher_view)
    data["_transition"] = "publish"
    response = client.post(change_url(publisher_view), data)
    publisher_view.refresh_from_db()
    assert publisher_view.status == S.EDITED
    assert "permission" in response.content.decode()


def test_stale_save_is_refused_naming_who_and_keeping_the_text(client, user_in):
    editor_a = user_in("Editors", username="alice", first_name="Alice", last_name="Ho")
    editor_b = user_in("Editors", username="bob")
    article = ArticleFactory(status=S.TRANSLATED, body="<p>Original.</p>")
    client.force_login(editor_b)
    _, stale = open_form(client, article)
    client.force_login(editor_a)
    _, fresh = open_form(client, article)
    fresh["body"] = "<p>Alice's edit.</p>"
    assert client.post(change_url(article), fresh).status_code == 302
    client.force_login(editor_b)
    stale["body"] = "<p>Bob's edit.</p>"
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this story" in html
    assert "Alice Ho" in html
    assert "Bob&#x27;s edit." in html or "Bob's edit." in html
    article.refresh_from_db()
    assert article.body == "<p>Alice's edit.</p>"
    assert article.version == 2


def test_publish_with_a_future_time_schedules(client, user_in):
    from datetime import timedelta

    from django.utils import timezone

    publisher = user_in("Publishers")
    article = ArticleFactory(status=S.EDITED)
    client.force_login(publisher)
    _, data = open_form(client, article)
    when = timezone.localtime(timezone.now() + timedelta(days=1))
    data["published_at_0"] = when.strftime("%Y-%m-%d")
    data["published_at_1"] = when.strftime("%H:%M:%S")
    data["_transition"] = "publish"
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.PUBLISHED
    assert Article.objects.scheduled().filter(pk=article.pk).exists()


def test_revisions_list_compare_and_restore(client, user_in):
    editor = user_in("Editors")
    article = ArticleFactory(status=S.TRANSLATED, body="<p>First version.</p>")
    client.force_login(editor)
    _, data = open_form(client, article)
    data["body"] = "<p>Second version.</p>"
    client.post(change_url(article), data)
    revisions = list(article.history.all())
    assert len(revisions) == 2
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    html = client.get(
        url, {"a": revisions[1].history_id, "b": revisions[0].history_id}
    ).content.decode()
    diff = html[html.index("Differences") :]
    assert "First" in diff and "Second" in diff and 'class="diff"' in diff
    article.refresh_from_db()
    restore = reverse(
        "admin:articles_article_restore", args=[article.pk, revisions[1].history_id]
    )
    client.post(restore, {"based_on_version": article.version})
    article.refresh_from_db()
    assert article.body == "<p>First version.</p>"
    assert article.status == S.TRANSLATED
    assert client.get(url, {"a": "x", "b": "y"}).status_code == 404
