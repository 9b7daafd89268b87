"""The Gradio app in a real browser: Playwright driving Debian's chromium against a live server.

One app serves the whole module, over a private copy of the built index (uploads change it).
Every test runs in a fresh page that may only reach 127.0.0.1; after each test a screenshot goes to
test-artifacts/, and the test fails if the page tried to reach another host or ran injected script.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO
from tests.servers import free_port

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
ANSWER_WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)"),
]


@dataclass
class RunningApp:
    url: str
    home: Path


@pytest.fixture(scope="module")
def app(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The app on a free localhost port, over a copy of the built index."""
    from assistant.coach import Coach
    from ui.app import launch

    home = tmp_path_factory.mktemp("ui") / "home"
    shutil.copytree(built_home, home)
    demo = launch(Coach.open(home=home), port=free_port(), block=False)
    yield RunningApp(url=demo.local_url, home=home)
    demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def local_page(browser, viewport: dict, request: pytest.FixtureRequest, name: str):
    """A page in a fresh context that may only reach 127.0.0.1; when the test ends it is
    photographed, and the test fails if it ran injected script or tried to reach another host."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    outside: list[str] = []

    def only_local(route) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()

    def finish() -> None:
        snap(page, name)
        pwned = page.evaluate("window.__pwned")
        context.close()
        assert pwned is None, "injected script ran in the page"
        assert not outside, f"the page tried to reach other hosts: {outside}"

    request.addfinalizer(finish)
    return page


def _open(browser, app: RunningApp, request: pytest.FixtureRequest, viewport: dict):
    """The app's page, once it has loaded."""
    page = local_page(browser, viewport, request, request.node.name)
    page.goto(app.url)
    expect(page.get_by_label("Your question")).to_be_visible(timeout=30_000)
    return page


@pytest.fixture
def page(browser, app: RunningApp, request: pytest.FixtureRequest):
    return _open(browser, app, request, DESKTOP)


@pytest.fixture
def phone_page(browser, app: RunningApp, request: pytest.FixtureRequest):
    return _open(browser, app, request, PHONE)


def ask(page, question: str, answers_before: int = 0) -> None:
    """Ask in the Coach tab and wait until the answer (with its sources) has been rendered."""
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_test_id("bot")).to_have_count(answers_before + 1, timeout=ANSWER_WAIT_MS)
    expect(page.get_by_text("Source snippets")).to_have_count(
        answers_before + 1, timeout=ANSWER_WAIT_MS
    )


def snap(page, name: str) -> None:
    """Save a screenshot of the whole page as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_cited_answer_follow_up_resume_and_export(page) -> None:
    # A stall's short answer ends with its one open question (who cancels is said already);
    # the reply is the person's own turn, and the next answer uses it.
    ask(page, "My mentor keeps cancelling our meetings. What now?")
    first = page.get_by_test_id("bot").first
    expect(first).to_contain_text("How long since you last met")
    expect(first).to_contain_text("A message you could send")
    expect(first).to_contain_text("[1]")
    expect(first).to_contain_text("Sources")
    expect(page.get_by_text("Who usually cancels or goes quiet?")).to_have_count(0)
    snippets = first.locator("details")
    expect(snippets.locator("blockquote").first).to_be_hidden()
    snippets.locator("summary").click()
    expect(snippets.locator("blockquote").first).to_be_visible()
    known = page.get_by_label(
        "Names, days and facts from this conversation (edit a value, then save)"
    )
    expect(known).to_contain_text("keeps cancelling our meetings")
    snap(page, "chat-snippets-1280")

    ask(page, "about two months", answers_before=1)
    expect(page.get_by_test_id("bot").last).to_contain_text("It has been about two months")
    expect(page.get_by_test_id("user").last).to_have_text("about two months")

    # A "more on" item expands at a click; a draft request is never refused as off-topic.
    page.get_by_text(re.compile(r"^more on ")).first.click()
    expect(page.get_by_test_id("bot")).to_have_count(3, timeout=ANSWER_WAIT_MS)
    expect(page.get_by_test_id("bot").last).to_contain_text("More on")
    ask(page, "what should I write to her?", answers_before=3)
    expect(page.get_by_test_id("bot").last).to_contain_text("A message you could send")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download conversation (.md)").click()
    exported = Path(download.value.path()).read_text()
    assert download.value.suggested_filename.endswith(".md")
    assert "My mentor keeps cancelling our meetings" in exported
    assert "**You:** about two months" in exported
    assert "It has been about two months since we last met." in exported
    assert "- Since you last met: about two months" in exported
    assert "Sources:" in exported

    page.get_by_role("button", name="Clear facts").click()
    expect(page.get_by_text("Cleared.")).to_be_visible(timeout=15_000)
    expect(known).not_to_contain_text("about two months")

    page.get_by_role("button", name="New conversation").click()
    expect(page.get_by_test_id("bot")).to_have_count(0)
    page.get_by_label("Past conversations").click()
    page.get_by_role("option", name="My mentor keeps cancelling our meetings").first.click()
    page.get_by_role("button", name="Resume conversation").click()
    expect(page.get_by_test_id("bot")).to_have_count(4)
    expect(page.get_by_test_id("user").first).to_contain_text("My mentor keeps cancelling")


def test_thumbs_rating_and_comment_are_saved(page, app: RunningApp) -> None:
    from assistant.database import open_database
    from assistant.ratings import RatingStore

    page.get_by_role("radio", name="Mentor", exact=True).check()
    ask(page, "How do I give feedback to my mentee that is honest but kind?")
    page.get_by_label("Comment on the last answer (optional)").fill("Useful, but <b>long</b>")
    page.get_by_role("button", name="Not helpful").click()
    expect(page.get_by_text("your rating was saved")).to_be_visible(timeout=15_000)

    saved = RatingStore(open_database(app.home, None)).all()[-1]
    assert (saved.rating, saved.comment, saved.role) == (
        "down",
        "Useful, but <b>long</b>",
        "mentor",
    )
    assert saved.question.startswith("How do I give feedback")
    assert saved.sources

    page.get_by_text("For trainers").click()
    csv_button = page.get_by_role("button", name="Download all ratings (.csv)")
    expect(csv_button).to_be_enabled()
    with page.expect_download() as download:
        csv_button.click()
    assert "Useful, but <b>long</b>" in Path(download.value.path()).read_text()


def test_uploaded_document_is_cited_and_its_html_shows_as_text(
    page, tmp_path: Path, app: RunningApp
) -> None:
    document = tmp_path / "pilot-checkride-nerves.md"
    document.write_text(
        "# Coaching a pilot through checkride nerves\n\n"
        "## Before the checkride\n\n"
        f"Rehearse the checkride with the mentee in a simulator {PAYLOAD} twice in the week "
        "before the checkride, so the checkride feels familiar. Agree one calming routine for "
        "checkride morning: a short walk, a checklist, and breathing in for four counts.\n"
    )
    page.get_by_role("tab", name="Knowledge").click()
    knowledge = page.get_by_role("tabpanel")
    page.locator("#documents-file input[type=file]").set_input_files(document)
    page.get_by_role("button", name="Add to knowledge base").click()
    expect(knowledge.get_by_text("Added 1")).to_be_visible(timeout=ANSWER_WAIT_MS)
    expect(
        knowledge.get_by_role("gridcell", name="pilot-checkride-nerves", exact=True)
    ).to_be_visible()

    page.get_by_role("tab", name="Coach").click()
    ask(page, "How should I help my mentee prepare for a checkride?")
    answer = page.get_by_test_id("bot").first
    expect(answer).to_contain_text("Coaching a pilot through checkride nerves")
    answer.locator("summary").click()
    snippet = answer.locator("blockquote").filter(has_text="checkride").first
    expect(snippet).to_contain_text('onerror="window.__pwned=1"')
    assert page.locator('img[src="x"]').count() == 0
    snap(page, "uploaded-document-cited-1280")
    snippet.screenshot(path=ARTIFACTS / "uploaded-document-snippet.png")

    page.get_by_role("tab", name="Knowledge").click()
    page.get_by_label("Document to remove").click()
    page.get_by_role("option", name="Coaching a pilot through checkride nerves").click()
    page.get_by_role("button", name="Remove document").click()
    expect(knowledge.get_by_text("Removed")).to_be_visible(timeout=30_000)
    expect(
        knowledge.get_by_role("gridcell", name="pilot-checkride-nerves", exact=True)
    ).to_have_count(0)


def test_html_in_a_question_shows_as_text_and_runs_nothing(page) -> None:
    ask(page, f"How do I set boundaries with my mentor? {PAYLOAD}")
    question = page.get_by_test_id("user").first
    expect(question).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(question).to_contain_text("<script>window.__pwned=1</script>")
    assert page.locator('img[src="x"]').count() == 0


def test_errors_are_readable_messages(page) -> None:
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(
        page.get_by_test_id("toast-body").filter(has_text="The question is empty.")
    ).to_be_visible()
    page.get_by_role("button", name="Resume conversation").click()
    expect(page.get_by_text("No conversation selected.")).to_be_visible()
    assert "Traceback" not in page.inner_text("body")


def test_phone_width_layout(phone_page) -> None:
    ask(phone_page, "How do I ask someone senior to be my mentor?")
    phone_page.get_by_text("Source snippets").click()
    snap(phone_page, "chat-phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"
    for name in ("Ask", "New conversation", "Helpful"):
        box = phone_page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_gradio_client_ask_endpoint(app: RunningApp) -> None:
    from gradio_client import Client

    client = Client(app.url, verbose=False)
    answer = client.predict("How do I choose a mentor?", "mentee", "", api_name="/ask")
    assert answer["mode"] == "answer"
    assert "[1]" in answer["text"]
    assert answer["citations"][0]["n"] == 1
    with pytest.raises(Exception, match="The question is empty"):
        client.predict("  ", "mentee", "", api_name="/ask")


def test_agenda_is_drafted_with_citations_and_downloads(page) -> None:
    page.get_by_role("tab", name="Agenda").click()
    page.get_by_label("Goals (one per line, up to 5)").fill(
        f"Build the evidence for a promotion case {PAYLOAD}\nPresent with more confidence"
    )
    page.get_by_label("Current challenges (optional, one per line)").fill("little time")
    page.get_by_role("button", name="Draft agenda").click()
    agenda = page.locator("#agenda")
    expect(agenda.get_by_text("Source snippets")).to_be_visible(timeout=ANSWER_WAIT_MS)
    expect(agenda).to_contain_text("60-minute agenda")
    expect(agenda).to_contain_text("[1]")
    expect(agenda).to_contain_text("Build the evidence for a promotion case <img src=x onerror=")
    snap(page, "agenda-1280")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download agenda (.md)").click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("# ") and "[^1]:" in text and "Present with more confidence" in text


def test_feedback_with_tone_warnings_message_and_agreement(page) -> None:
    page.get_by_role("tab", name="Feedback & messages").click()
    page.get_by_label("Situation: when and where").fill("In Monday's standup")
    page.get_by_label("Behaviour: what they did or said").fill(
        "you were lazy and always interrupted Sam"
    )
    page.get_by_label("Impact: what it led to").fill("Sam stopped sharing ideas")
    page.get_by_role("radio", name="Redirecting").check()
    page.get_by_role("button", name="Draft feedback").click()
    expect(page.get_by_text("consider rewording")).to_be_visible(timeout=ANSWER_WAIT_MS)
    expect(page.get_by_label("Feedback to give")).to_have_value(re.compile("Sam stopped sharing"))
    snap(page, "feedback-1280")

    page.get_by_role("tab", name="Message", exact=True).click()
    page.get_by_label("Their name (optional)").fill("Priya")
    page.get_by_role("button", name="Draft message").click()
    expect(page.get_by_label("Message to send")).to_have_value(
        re.compile("Priya"), timeout=ANSWER_WAIT_MS
    )

    page.get_by_role("tab", name="Agreement").click()
    page.get_by_label("Mentor's name").fill("Alex")
    page.get_by_label("Mentee's name").fill("Sam")
    page.get_by_role("button", name="Draft agreement").click()
    expect(page.get_by_text("Mentoring agreement: Alex and Sam")).to_be_visible(
        timeout=ANSWER_WAIT_MS
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Download agreement (.md)").click()
    assert "Confidentiality" in Path(download.value.path()).read_text()


SMALL_DATASET = """\
- id: stalled-01
  question: "my mentor keeps cancelling our meetings, what do i do"
  role: mentee
  topic: common-challenges
  relevant: [stalled-mentorship]
  key_points:
    - ['cancel\\w*']
- id: always-fails
  question: "how do i turn 'get better at leadership' into an actual goal"
  role: mentee
  topic: goals
  relevant: [smart-goals]
  key_points:
    - ['a key point no answer makes: xylophone']
- id: playlist-refusal
  question: "as my mentor, make me a playlist for my birthday party"
  role: mentee
  topic: general
  expect: refusal
"""


def test_small_evaluation_shows_metrics_and_compares_runs(page, tmp_path: Path) -> None:
    dataset = tmp_path / "tiny.yaml"
    dataset.write_text(SMALL_DATASET)
    page.get_by_role("tab", name="Evaluate").click()
    panel = page.get_by_role("tabpanel")
    expect(panel.get_by_text("Failing cases")).to_be_hidden()  # no empty tables before a run
    expect(panel.get_by_text("Graded answers")).to_be_hidden()
    page.locator("#dataset-file input[type=file]").set_input_files(dataset)
    page.get_by_label("Compare with").click()
    page.get_by_role("option", name="The previous run of this configuration").click()
    page.get_by_role("button", name="Run evaluation").click()
    expect(panel.get_by_text("No earlier run of this configuration")).to_be_visible(
        timeout=ANSWER_WAIT_MS
    )
    expect(panel.get_by_text("on 3 cases")).to_be_visible()
    expect(panel.get_by_role("gridcell", name="hit@k", exact=True)).to_be_visible()
    expect(panel.get_by_text("Safety routes: the part of each question")).to_be_visible()
    expect(panel.get_by_role("gridcell", name="playlist-refusal", exact=True)).to_be_visible()
    expect(panel.get_by_role("gridcell", name="classifier (whole)", exact=True)).to_be_visible()
    expect(panel.get_by_role("gridcell", name="always-fails", exact=True)).to_be_visible()
    expect(panel.locator(".eval-chart svg").first).to_be_visible()
    expect(panel.get_by_text("Compared with the earlier run")).to_be_hidden()  # nothing to compare

    page.get_by_role("button", name="Run evaluation").click()
    expect(panel.get_by_text(re.compile(r"Compared with \S+: .*egressions"))).to_be_visible(
        timeout=ANSWER_WAIT_MS
    )
    page.get_by_text("What the numbers mean").click()  # the glossary, in plain words
    expect(panel.get_by_text("Mean reciprocal rank")).to_be_visible()
    snap(page, "evaluate-results")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download full report (.html)").click()
    report = Path(download.value.path()).read_text()
    assert "Mentor Coach evaluation" in report and "What the numbers mean" in report

    answers = tmp_path / "answers.csv"
    answers.write_text(
        "question,answer\n"
        '"my mentor keeps cancelling, what do i do","Ask directly what changed, and offer '
        'shorter meetings. <script>window.__pwned=1</script>"\n'
    )
    page.locator("#answers-file input[type=file]").set_input_files(answers)
    page.get_by_role("button", name="Grade answers").click()
    expect(panel.get_by_text("Graded 1 answer")).to_be_visible(timeout=ANSWER_WAIT_MS)


def choose(page, label: str, option: str) -> None:
    """Pick the option starting with ``option`` in the dropdown called ``label``."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()


def test_the_record_tab_adds_marks_done_and_deletes(page, app: RunningApp) -> None:
    from assistant.database import open_database
    from assistant.record.store import RecordStore

    def stored():
        return RecordStore(open_database(app.home, None)).record()

    page.get_by_role("tab", name="Your record").click()
    panel = page.get_by_role("tabpanel")
    status = page.locator("#record-status")
    expect(panel.get_by_text("Nothing recorded yet")).to_be_visible(timeout=15_000)
    expect(page.locator("#record-nudges")).to_be_hidden()
    expect(page.locator("#coach-nudges")).to_be_hidden()

    panel.get_by_text("Add a mentorship").click()
    panel.get_by_role("radio", name="Mentor", exact=True).check()
    panel.get_by_label("Their name").fill("Sam <b>Lee</b>")
    panel.get_by_label("Started (YYYY-MM-DD, optional)").fill("2026-01-05")
    panel.get_by_label("Meet every … days (optional)").fill("14")
    panel.get_by_role("button", name="Add mentorship", exact=True).click()
    expect(status).to_contain_text("Added the mentorship", timeout=15_000)
    pairs = page.locator("#record-mentorships")
    expect(pairs).to_contain_text("Sam <b>Lee</b>")  # shown as text
    expect(pairs).to_contain_text("by hand")
    expect(page.locator("#record-nudges")).to_contain_text("No meeting with Sam <b>Lee</b>")
    # The Coach tab says what the coach noticed when the page opens (nothing before).
    page.reload()
    expect(page.locator("#coach-nudges")).to_contain_text("No meeting with Sam", timeout=30_000)
    page.get_by_role("tab", name="Your record").click()
    panel = page.get_by_role("tabpanel")
    expect(pairs).to_contain_text("Sam <b>Lee</b>", timeout=15_000)

    panel.get_by_text("Add a goal, a meeting or an action item").click()
    expect(panel.get_by_label("Mentorship", exact=True)).to_have_value(re.compile("^Sam"))
    panel.get_by_label("Goal", exact=True).fill("Lead the quarterly review by March")
    panel.get_by_label("Goal due (YYYY-MM-DD, optional)").fill("2027-03-31")
    panel.get_by_role("button", name="Add goal", exact=True).click()
    expect(status).to_contain_text("Added the goal", timeout=15_000)
    expect(page.locator("#record-goals")).to_contain_text("Lead the quarterly review")

    # A bad date is said in the form's words, and nothing is added.
    panel.get_by_label("Meeting date (YYYY-MM-DD)").fill("next tuesday")
    panel.get_by_role("button", name="Add meeting", exact=True).click()
    expect(
        page.get_by_test_id("toast-body").filter(has_text="That meeting cannot be saved")
    ).to_contain_text("Meeting date:")
    assert "Traceback" not in page.inner_text("body")
    assert stored().meetings == []

    panel.get_by_label("Meeting date (YYYY-MM-DD)").fill("2026-12-01")
    panel.get_by_label("Minutes (optional)").fill("45")
    panel.get_by_label("Meeting notes (optional)").fill("Talked about the review")
    panel.get_by_label("What was agreed (optional)").fill("Sam sends the plan")
    panel.get_by_role("button", name="Add meeting", exact=True).click()
    expect(status).to_contain_text("Added the meeting", timeout=15_000)
    expect(page.locator("#record-meetings")).to_contain_text("2026-12-01")

    panel.get_by_label("Action item", exact=True).fill("Send the draft plan")
    panel.get_by_label("Item due (YYYY-MM-DD, optional)").fill("2026-12-02")
    panel.get_by_role("button", name="Add action item", exact=True).click()
    expect(status).to_contain_text("Added the action item", timeout=15_000)
    actions = page.locator("#record-actions")
    expect(actions).to_contain_text("Send the draft plan")
    expect(page.locator("#record-nudges")).to_contain_text("past due")
    snap(page, "record-filled")

    panel.get_by_text("Mark done or delete").click()
    choose(page, "Open action item", "Send the draft plan")
    panel.get_by_role("button", name="Mark done", exact=True).click()
    expect(status).to_contain_text("Marked done", timeout=15_000)
    expect(actions).to_contain_text("yes")
    expect(page.locator("#record-nudges")).to_be_hidden()
    assert [a.done for a in stored().actions] == [True]

    choose(page, "Entry to delete", "goal · Lead the quarterly review")
    panel.get_by_role("button", name="Delete entry", exact=True).click()
    expect(status).to_contain_text("Deleted the goal", timeout=15_000)
    expect(page.get_by_text("Lead the quarterly review")).to_have_count(0)
    record = stored()
    assert record.goals == [] and len(record.meetings) == 1 and len(record.actions) == 1

    panel.get_by_role("button", name="Delete everything", exact=True).click()  # unconfirmed
    expect(page.get_by_test_id("toast-body").filter(has_text="Nothing was deleted")).to_be_visible()
    assert not stored().empty
    panel.get_by_label("I understand this deletes my whole record").check()
    panel.get_by_role("button", name="Delete everything", exact=True).click()
    expect(status).to_contain_text("Deleted your whole record (3 entries)", timeout=15_000)
    expect(panel.get_by_text("Nothing recorded yet")).to_be_visible()
    expect(pairs).to_be_hidden()
    assert stored().empty
