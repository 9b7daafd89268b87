"""The app 'coach serve' mounts, signed in, in a real browser: each person sees only their own
conversations, and only program leads see (and may use) the Knowledge and Evaluate tabs.

One server (FastAPI + the mounted Gradio UI, on uvicorn) serves the module over a copy of the
built index; every page may only reach 127.0.0.1 and must not run injected script.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tests.security.served import PASSWORDS
from tests.test_ui_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PAYLOAD,
    ask,
    expect,
    local_page,
)

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)"),
]


@pytest.fixture(scope="module")
def service(served) -> SimpleNamespace:
    """The whole service (tests.security.served), its web app's address."""
    return SimpleNamespace(url=f"{served.url}/ui/", coach=served.coach)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def sign_in(browser, service, request):
    """Open a fresh browser (no shared cookies) and sign in as someone."""

    def open_as(name: str, password: str | None = None, expect_app: bool = True):
        page = local_page(browser, DESKTOP, request, f"{request.node.name}-{name}")
        page.goto(service.url)
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill(password or PASSWORDS[name])
        page.get_by_role("button", name="Sign in").click()
        if expect_app:
            expect(page.get_by_label("Your question")).to_be_visible(timeout=30_000)
        return page

    return open_as


def test_a_wrong_password_does_not_sign_in(sign_in, service):
    page = sign_in("ann", "not-her-password", expect_app=False)
    expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    time.sleep(1)
    expect(page.get_by_label("Your question")).to_have_count(0)


def test_each_person_sees_only_their_own_conversations(sign_in, service):
    ann = sign_in("ann")
    expect(ann.locator("#signed-in")).to_contain_text("Signed in as ann (mentee)")
    ask(ann, f"My mentor is hard to reach between our meetings. What should I do? {PAYLOAD}")
    expect(ann.get_by_test_id("bot")).to_contain_text("[1]")
    (mine,) = service.coach.list_sessions(user="ann")
    ann.get_by_label("Past conversations").click()
    expect(ann.get_by_role("option", name="My mentor is hard to reach")).to_have_count(1)
    ann.keyboard.press("Escape")

    ben = sign_in("ben")
    expect(ben.locator("#signed-in")).to_contain_text("Signed in as ben (mentor)")
    ben.get_by_label("Past conversations").click()
    time.sleep(1)  # what the page shows once loaded: nothing of ann's
    assert not any("hard to reach" in o for o in ben.get_by_role("option").all_inner_texts())
    ben.keyboard.press("Escape")
    expect(ben.get_by_role("tab", name="Knowledge")).to_have_count(0)
    expect(ben.get_by_role("tab", name="Evaluate")).to_have_count(0)
    # The role radio starts at the account's role.
    expect(ben.get_by_role("radio", name="Mentor", exact=True)).to_be_checked()
    assert service.coach.list_sessions(user="ben") == []
    assert [s.id for s in service.coach.list_sessions(user="ann")] == [mine.id]


def test_program_leads_see_the_knowledge_and_evaluate_tabs(sign_in):
    lead = sign_in("lee")
    expect(lead.get_by_role("tab", name="Knowledge")).to_be_visible(timeout=15_000)
    expect(lead.get_by_role("tab", name="Evaluate")).to_be_visible()
    lead.get_by_role("tab", name="Knowledge").click()
    expect(lead.get_by_text("Add your own guides and notes")).to_be_visible()


def test_lead_only_handlers_refuse_others_server_side(service):
    """A hidden tab's events can still be called through Gradio's API: the handlers check."""
    from assistant.errors import InputError
    from ui.common import Viewer

    viewer = Viewer(service.coach, accounts=True)
    for name in ("ann", "ben"):
        with pytest.raises(InputError, match="Only program leads can add documents"):
            viewer.require_lead(SimpleNamespace(username=name), "add documents")
    viewer.require_lead(SimpleNamespace(username="lee"), "add documents")
    with pytest.raises(InputError, match="not signed in"):
        viewer.user(SimpleNamespace(username=None))
    assert Viewer(service.coach, accounts=False).user(None) is None


def test_signing_out_ends_the_session(sign_in, service):
    page = sign_in("ben")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    page.goto(service.url)  # the old cookie opens nothing
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Your question")).to_have_count(0)


def test_each_person_sees_only_their_own_record(sign_in, service):
    amy = sign_in("amy")
    amy.get_by_role("tab", name="Your record").click()
    panel = amy.get_by_role("tabpanel")
    expect(panel.get_by_text("Nothing recorded yet")).to_be_visible(timeout=15_000)
    panel.get_by_text("Add a mentorship").click()
    panel.get_by_label("Their name").fill("Quinn Okafor")
    panel.get_by_role("button", name="Add mentorship", exact=True).click()
    expect(amy.locator("#record-mentorships")).to_contain_text("Quinn Okafor", timeout=15_000)
    (mine,) = service.coach.record.record("amy").mentorships

    ben = sign_in("ben")
    ben.get_by_role("tab", name="Your record").click()
    expect(ben.get_by_role("tabpanel").get_by_text("Nothing recorded yet")).to_be_visible(
        timeout=15_000
    )
    expect(ben.get_by_text("Quinn Okafor")).to_have_count(0)
    ben.get_by_role("tabpanel").get_by_text("Mark done or delete").click()
    ben.get_by_label("Entry to delete", exact=True).click()
    assert not any("Quinn" in o for o in ben.get_by_role("option").all_inner_texts())
    assert service.coach.record.record("ben").empty
    assert [m.id for m in service.coach.record.record("amy").mentorships] == [mine.id]
    service.coach.record.delete_all("amy")
