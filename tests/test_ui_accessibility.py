"""Accessibility of both web apps ('coach ui' and the app 'coach serve' mounts at /ui), checked
by axe-core (WCAG 2 A and AA) in a real browser on every tab, signed out and signed in, at
desktop and phone widths; keyboard-only use of the main flows; and a click-through of every tab
that fails on a traceback in the server's output. Each tab is photographed at both widths under
test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.security.served import PASSWORDS
from tests.test_ui_browser import (
    ANSWER_WAIT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    app,  # noqa: F401 (the single-user app, a module fixture)
    ask,
    expect,
    local_page,
    snap,
)

playwright_api = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)"),
]
TABS = ("Coach", "Your record", "Agenda", "Feedback & messages", "Knowledge", "Evaluate")
SHORT_NAMES = {"Your record": "record"}  # the screenshots' names: tab-<app>-<width>-<name>.png
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    found = axe_playwright.Axe().run(page, options=WCAG).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} × {v['nodes'][0]['target']} "
        f"{v['nodes'][0].get('failureSummary', '')[:160]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def open_tab(page, name: str) -> None:
    """Click a tab, through the overflow menu where a narrow page puts it."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if not tab.is_visible():
        page.locator(".overflow-menu button, button.overflow-menu").first.click()
        tab = page.get_by_role("button", name=name, exact=True).last
    tab.click()
    page.wait_for_timeout(400)


def every_tab(page, label: str) -> dict[str, list[str]]:
    """axe's serious findings on each tab (none: an empty dict); the page keeps one width."""
    problems, widths = {}, {}
    for name in TABS:
        open_tab(page, name)
        snap(page, f"tab-{label}-{SHORT_NAMES.get(name, name.split()[0].lower())}")
        widths[name] = page.locator(".gradio-container").first.bounding_box()["width"]
        if found := serious(page):
            problems[name] = found
    for name, found in problems.items():  # shown with the failure
        print(f"\n{label} {name}:\n  " + "\n  ".join(found))
    assert len(set(widths.values())) == 1, f"the page width changes from tab to tab: {widths}"
    return problems


def fill_record(home) -> None:
    """A record with one entry of each kind (and so a nudge: the cadence is missed), once."""
    from datetime import date, timedelta

    from assistant.database import open_database
    from assistant.record.models import ActionItemIn, GoalIn, MeetingIn, MentorshipIn
    from assistant.record.store import RecordStore

    store = RecordStore(open_database(home, None))
    if not store.record().empty:
        return
    today = date.today()
    pair = store.add(
        MentorshipIn(
            role="mentee", other_name="Priya", started=today - timedelta(days=60), cadence_days=14
        )
    )
    store.add(
        GoalIn(
            mentorship_id=pair.id, text="Present at the team review", due=today + timedelta(days=30)
        )
    )
    store.add(
        MeetingIn(
            mentorship_id=pair.id,
            held_on=today - timedelta(days=30),
            minutes=45,
            notes="Talked about presenting",
            agreed="I draft the first slides",
        )
    )
    store.add(
        ActionItemIn(
            mentorship_id=pair.id, text="Draft the first slides", due=today - timedelta(days=2)
        )
    )


def record_forms(page, label: str) -> list[str]:
    """axe's serious findings on the record tab with every form open."""
    open_tab(page, "Your record")
    for name in (
        "Add a mentorship",
        "Add a goal, a meeting or an action item",
        "Mark done or delete",
    ):
        page.get_by_role("tabpanel").get_by_text(name, exact=True).click()
    page.wait_for_timeout(400)
    snap(page, f"tab-{label}-record-forms")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the record tab scrolls sideways ({width}px)"
    return serious(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_single_user_app_has_no_serious_violations_on_any_tab(browser, app, request, width):  # noqa: F811
    fill_record(app.home)
    page = local_page(browser, WIDTHS[width], request, f"a11y-ui-{width}")
    page.goto(app.url)
    expect(page.get_by_label("Your question")).to_be_visible(timeout=30_000)
    ask(page, "My mentor keeps cancelling our meetings. What should I do?")
    assert every_tab(page, f"ui-{width}") == {}
    assert record_forms(page, f"ui-{width}") == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_served_app_signed_out_and_in_has_no_serious_violations(
    browser, served, request, width
):
    page = local_page(browser, WIDTHS[width], request, f"a11y-serve-{width}")
    page.goto(f"{served.url}/ui/")
    expect(page.get_by_label("Password")).to_be_visible(timeout=30_000)
    snap(page, f"tab-serve-{width}-signin")
    assert serious(page) == []
    page.get_by_label("User name").fill("lee")
    page.get_by_label("Password").fill(PASSWORDS["lee"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Your question")).to_be_visible(timeout=30_000)
    assert every_tab(page, f"serve-{width}") == {}


def tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused control is called ``name`` (reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement;
              const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
              return (el.getAttribute('aria-label') || label || el.innerText || '').trim(); }"""
        )
        if focused == name:
            return
    raise AssertionError(f"'{name}' cannot be reached with the Tab key")


def focus_ring(page) -> str:
    """The focused control's outline (or its label's, for a radio button)."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const shown = (e) => e && getComputedStyle(e).outlineStyle !== 'none'
            && parseFloat(getComputedStyle(e).outlineWidth) > 0;
          if (shown(el)) return getComputedStyle(el).outlineStyle;
          const label = el.closest('label');
          return shown(label) ? getComputedStyle(label).outlineStyle : 'none';
        }"""
    )


def test_the_main_flows_work_with_the_keyboard_alone(browser, app, request, capfd):  # noqa: F811
    """Ask, rate, download and draft by keyboard, controls with a visible focus ring; and
    across every tab the server prints no traceback."""
    page = local_page(browser, DESKTOP, request, "keyboard")
    page.goto(app.url)
    expect(page.get_by_label("Your question")).to_be_visible(timeout=30_000)
    tab_to(page, "Mentee")  # the role radios: one stop, with a visible ring
    assert focus_ring(page) != "none"
    tab_to(page, "Your question")
    page.keyboard.type("How do I give feedback to my mentee that is honest but kind?")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Source snippets")).to_have_count(1, timeout=ANSWER_WAIT_MS)
    tab_to(page, "Helpful")
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_text("your rating was saved")).to_be_visible(timeout=15_000)
    tab_to(page, "Download conversation (.md)")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".md")

    open_tab(page, "Feedback & messages")
    tab_to(page, "Draft feedback")  # with nothing filled in: said in the web app's words
    page.keyboard.press("Enter")
    expect(page.get_by_text("Correct the fields named above").first).to_be_visible(timeout=15_000)
    assert "--help" not in page.inner_text("body")
    tab_to(page, "Message")
    page.keyboard.press("Enter")
    tab_to(page, "Draft message")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Message to send")).to_have_value(
        re.compile(r"^Hi \{name\}"), timeout=ANSWER_WAIT_MS
    )
    for name in TABS:  # every tab opened once more, by keyboard-reachable tabs
        open_tab(page, name)
    assert "Traceback" not in capfd.readouterr().err
