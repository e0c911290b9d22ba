"""Accessibility of the public pages in a real browser: axe-core finds no
serious or critical violation on the home page, the news list, a story and a
person page, and each is photographed at desktop and phone widths."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    SectionFactory,
    attach_photo,
    credit,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def newsroom():
    """A small but complete site: sections, credited stories with photos,
    attendees, related stories and a Chinese original."""
    campus = SectionFactory(name="Campus", slug="campus")
    SectionFactory(name="Research", slug="research")
    writer = PersonFactory(family_name="Zhang", given_name="Yan", native_name="张岩")
    translator = PersonFactory(family_name="Yang", given_name="Yue")
    editor = PersonFactory(
        family_name="Mosteller", given_name="William", family_name_first=False
    )
    guest = PersonFactory(
        family_name="Cheng",
        given_name="Zhiming",
        native_name="程志明",
        current_title="Vice-governor of Heilongjiang province",
        bio="Visits the university regularly.",
    )
    now = timezone.now()
    stories = []
    for n in range(6):
        story = ArticleFactory(
            status="published",
            published_at=now - timedelta(days=n, hours=1),
            section=campus,
            title=f"Vice-governor visits laboratory number {n}",
            summary="Speakers discussed how laboratory results reach industry.",
            body="<p>The delegation toured the laboratories.</p>"
            "<h2>Cooperation</h2><p>Both sides agreed to work together.</p>",
            original_title="副省长参观实验室",
            original_body="<p>代表团参观了实验室。</p>",
        )
        credit(story, writer, "writer")
        credit(story, translator, "translator")
        credit(story, editor, "editor")
        credit(story, guest, "attendee", position_title="the vice-governor")
        stories.append(story)
    lead = stories[0]
    for order in range(2):
        photo = PhotoFactory(
            caption=f"Guests in the laboratory, view {order + 1}",
            alt_text="Visitors in white coats around a microscope",
            photographer=translator,
        )
        attach_photo(lead, photo, order=order)
    return {"story": lead, "person": guest}


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: [
                "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    )


@pytest.mark.parametrize("name", ["home", "news", "story", "person"])
def test_public_page_has_no_serious_axe_violations(
    live_server, browser, screenshot_dir, newsroom, name
):
    assert AXE.exists(), (
        "axe-core is missing: run `npm ci --prefix tests/e2e` (make e2e does)"
    )
    path = {
        "home": "/",
        "news": "/news/",
        "story": newsroom["story"].get_absolute_url(),
        "person": newsroom["person"].get_absolute_url(),
    }[name]
    for label, width in WIDTHS.items():
        # bypass_csp: the site forbids inline scripts, and axe is injected inline.
        context = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200
        # The stylesheet loaded (contrast is checked on the real design).
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        ) not in ("", "rgba(0, 0, 0, 0)")
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"
        page.screenshot(
            path=str(screenshot_dir / f"{name}-{label}.png"), full_page=True
        )
        violations = axe_violations(page)
        assert not violations, f"{path} at {width}px:\n{describe(violations)}"
        context.close()


def test_skip_link_is_first_and_moves_focus_to_the_content(live_server, page, newsroom):
    page.goto(live_server.url + newsroom["story"].get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_story_reads_without_javascript(live_server, browser, newsroom):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + newsroom["story"].get_absolute_url())
    assert page.locator("h1").inner_text().startswith("Vice-governor visits")
    assert "Written by:" in page.locator(".credits").inner_text()
    assert page.locator("article .body").inner_text().startswith("The delegation")
    page.goto(live_server.url + "/news/?q=laboratory&month=13")
    assert "Choose a month from the list." in page.locator("form.filters").inner_text()
    context.close()
