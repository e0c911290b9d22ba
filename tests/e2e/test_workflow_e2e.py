"""A story's whole life in a real browser: writer → translator → editor
(sends it back once, then approves) → publisher → reader."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Article
from people.models import Person
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-pass-1234"


def staff(username, group, family, given, family_first=True):
    user = UserFactory(username=username, password=PASSWORD, first_name=given)
    user.groups.add(Group.objects.get(name=group))
    Person.objects.create(
        family_name=family,
        given_name=given,
        family_name_first=family_first,
        user=user,
    )
    return user


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def set_rich_text(page, field_id, html):
    """Type into a CKEditor field through its API, as the toolbar would."""
    page.wait_for_function(
        f"window.CKEDITOR && CKEDITOR.instances['{field_id}'] "
        f"&& CKEDITOR.instances['{field_id}'].status === 'ready'"
    )
    page.evaluate(f"CKEDITOR.instances['{field_id}'].setData({html!r})")


def open_queue_story(page, base, queue_label, title):
    page.goto(f"{base}/admin/")
    page.locator("#newsroom-queues").get_by_role("link", name=queue_label).click()
    page.get_by_role("link", name=title).first.click()
    expect(page.locator("#article_form")).to_be_visible()


def test_story_from_draft_to_reader(live_server, page, screenshot_dir):
    base = live_server.url
    staff("zhang", "Writers", "Zhang", "Yan")
    staff("yang", "Translators", "Yang", "Yue")
    staff("william", "Editors", "Mosteller", "William", family_first=False)
    staff("pat", "Publishers", "Lee", "Pat", family_first=False)
    shot = 0

    def snap(name):
        nonlocal shot
        shot += 1
        page.screenshot(
            path=screenshot_dir / f"workflow-{shot:02d}-{name}.png", full_page=True
        )

    # The writer drafts the Chinese original and submits it to a translator.
    log_in(page, base, "zhang")
    page.goto(f"{base}/admin/articles/article/add/")
    page.fill("#id_original_title", "副省长来校调研科技成果转化")
    set_rich_text(page, "id_original_body", "<p>副省长一行来校调研。</p>")
    page.select_option("#id_translator", label="yang")
    snap("writer-draft")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.get_by_role("button", name="Submit for translation").first.click()
    expect(page.locator(".messagelist")).to_contain_text("In translation")
    article = Article.objects.get()
    assert article.status == Article.Status.IN_TRANSLATION

    # The translator finds it in their queue and translates side by side.
    log_in(page, base, "yang")
    page.goto(f"{base}/admin/")
    expect(page.locator("#newsroom-queues")).to_contain_text("My translation queue")
    page.locator("#newsroom-queues").get_by_role(
        "link", name="My translation queue"
    ).click()
    page.get_by_role("link", name=re.compile("副省长")).first.click()
    expect(page.locator("fieldset.original-text")).to_contain_text("副省长一行来校调研")
    page.fill("#id_title", "Vice-governor visits to discuss research commercialisation")
    set_rich_text(
        page, "id_body", "<p>The vice-governor and his entourage visited.</p>"
    )
    snap("translator-side-by-side")
    page.get_by_role("button", name="Mark translated").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Translated")

    # The editor sends it back once with a comment...
    title = "Vice-governor visits to discuss research commercialisation"
    log_in(page, base, "william")
    open_queue_story(page, base, "Copy desk", title)
    page.get_by_role("button", name="Send back to translator").first.click()
    expect(page.locator(".errorlist")).to_contain_text("comment is required")
    page.fill("#id_workflow_comment", "Please name the province in the first line.")
    page.get_by_role("button", name="Send back to translator").first.click()
    expect(page.locator(".messagelist")).to_contain_text("In translation")
    snap("editor-sent-back")

    # ...the translator fixes it...
    log_in(page, base, "yang")
    open_queue_story(page, base, "My translation queue", title)
    expect(page.locator("#article_form")).to_contain_text("Please name the province")
    set_rich_text(
        page,
        "id_body",
        "<p>The vice-governor of Heilongjiang province and his entourage visited.</p>",
    )
    page.get_by_role("button", name="Mark translated").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Translated")

    # ...and the editor approves.
    log_in(page, base, "william")
    open_queue_story(page, base, "Copy desk", title)
    page.get_by_role("button", name="Approve").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Edited")

    # The publisher publishes.
    log_in(page, base, "pat")
    open_queue_story(page, base, "Ready to publish", title)
    page.get_by_role("button", name="Publish").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Published")
    snap("publisher-published")

    # An anonymous reader sees the story with its credit lines.
    page.context.clear_cookies()
    article.refresh_from_db()
    page.goto(f"{base}/news/{article.slug}/")
    expect(page.locator("h1")).to_have_text(title)
    credits = page.locator(".credits")
    expect(credits).to_contain_text(re.compile(r"Written by:\s*ZHANG Yan"))
    expect(credits).to_contain_text(re.compile(r"Translated by:\s*YANG Yue"))
    expect(credits).to_contain_text(re.compile(r"Edited by:\s*William Mosteller"))
    expect(page.locator("main")).to_contain_text("Heilongjiang province")
    snap("reader-story")
