"""UI pieces without a browser: escaping, citations, readable errors, downloads, launch."""

from __future__ import annotations

import socket
from pathlib import Path

import gradio as gr
import pytest

from assistant.errors import InputError
from assistant.models import Answer, Citation, Turn
from ui.chat import render_answer, render_turns
from ui.common import Downloads, citations_markdown, draft_markdown, esc, lines, readable_errors

PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>x()</script>'


def _citation(n: int = 1, snippet: str = "Ask what changed.") -> Citation:
    return Citation(
        n=n, doc_id="stalled", title="Stalled <b>", section="Restart", source="s", snippet=snippet
    )


@pytest.mark.unit
def test_esc_turns_html_into_text_but_keeps_markdown() -> None:
    assert esc(f"**bold** & {PAYLOAD}") == (
        '**bold** &amp; &lt;img src=x onerror="window.__pwned=1">&lt;script>x()&lt;/script>'
    )


@pytest.mark.unit
def test_esc_turns_images_into_links_so_nothing_is_fetched() -> None:
    text = esc("See ![chart](http://tracker.example/p.png), ![x][ref] and [a link](http://a.b)")
    assert "![" not in text
    assert "[chart](http://tracker.example/p.png)" in text and "[a link](http://a.b)" in text
    assert esc("Well done! [1]") == "Well done! [1]"


@pytest.mark.unit
def test_citations_are_numbered_with_an_expandable_snippet_panel() -> None:
    text = citations_markdown([_citation(1), _citation(2, f"Snippet {PAYLOAD}")])
    assert "1. Stalled &lt;b> > Restart" in text
    assert "<details><summary>Source snippets (2)</summary>" in text
    assert "**[2]** Stalled &lt;b> > Restart (stalled)" in text
    assert "<img" not in text and "<script" not in text
    assert citations_markdown([]) == ""


@pytest.mark.unit
def test_answers_and_turns_render_escaped_with_warnings_and_sources() -> None:
    answer = Answer(
        question=PAYLOAD,
        text=f"Do this. [1] {PAYLOAD}",
        citations=[_citation()],
        warnings=["Check <this>."],
    )
    rendered = render_answer(answer)
    assert rendered.startswith("Do this. [1] &lt;img")
    assert "**Note:** Check &lt;this>." in rendered
    assert "Source snippets (1)" in rendered
    turns = [
        Turn(speaker="user", content=PAYLOAD, created_at="2025-01-01T00:00:00"),
        Turn(
            speaker="assistant",
            content=answer.text,
            created_at="2025-01-01T00:00:00",
            answer=answer,
        ),
    ]
    messages = render_turns(turns)
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == esc(PAYLOAD)
    assert messages[1]["content"] == rendered


@pytest.mark.unit
def test_readable_errors_warn_and_change_nothing() -> None:
    @readable_errors
    def fails() -> str:
        raise InputError("The question is empty.", "Type something.")

    with pytest.warns(UserWarning, match="The question is empty. Type something."):
        assert fails() == gr.skip()


@pytest.mark.unit
def test_readable_errors_in_generators_keep_what_was_yielded() -> None:
    @readable_errors
    def streams():
        yield "first"
        raise RuntimeError("boom <b>")

    with pytest.warns(UserWarning, match="Something went wrong on our side"):
        assert list(streams()) == ["first", gr.skip()]


@pytest.mark.unit
def test_downloads_get_safe_file_names_in_a_private_folder() -> None:
    downloads = Downloads()
    path = Path(downloads.write("../../etc/con versation?.md", "# hi\n"))
    assert path.parent.parent == downloads.folder
    assert path.name == "etc-con-versation-.md"
    # The same name written for another person is another file: nobody gets someone else's.
    other = Path(downloads.write("../../etc/con versation?.md", "# theirs\n"))
    assert other != path and path.read_text(encoding="utf-8") == "# hi\n"
    assert path.read_text(encoding="utf-8") == "# hi\n"
    del downloads
    assert not path.exists(), "the folder goes when the app that wrote it does"


@pytest.mark.unit
def test_drafts_show_footnotes_as_numbered_sources_and_html_as_text() -> None:
    markdown = (
        "# Agenda for <b>Sam</b>\n\n> Quoted line [^1]\n\n- Ask first. [^2]\n\n"
        "[^1]: Stalled > Restart (stalled)\n[^2]: Stalled > Restart (stalled)\n"
    )
    shown = draft_markdown(markdown, [_citation(1), _citation(2)])
    assert shown.startswith("# Agenda for &lt;b>Sam&lt;/b>\n\n> Quoted line [1]")
    assert "- Ask first. [2]" in shown
    assert "[^" not in shown
    assert "Source snippets (2)" in shown


@pytest.mark.unit
def test_lines_keeps_one_item_per_non_empty_line() -> None:
    assert lines("  first \n\n second\n") == ["first", "second"]
    assert lines(None) == []


@pytest.mark.integration
def test_a_busy_port_is_a_readable_error(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from assistant.config import Settings
    from assistant.errors import CoachError
    from ui.app import launch

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        coach = SimpleNamespace(settings=Settings(home=tmp_path))
        with pytest.raises(CoachError, match=f"Cannot start the app on 127.0.0.1:{port}"):
            launch(coach, port=port, block=False)  # type: ignore[arg-type]


@pytest.mark.unit
def test_ui_choices_are_the_literal_types_values():
    from typing import Literal

    from ui.common import choices

    Kind = Literal["a-b", "c"]
    assert choices(Kind, {"c": "See"}) == [("A b", "a-b"), ("See", "c")]
    with pytest.raises(ValueError, match="does not have"):
        choices(Kind, {"gone": "Gone"})


@pytest.mark.unit
@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("Dataset /tmp/mentor-coach-web-x/gradio/ab12/set.yaml is not valid", "set.yaml is"),
        ("Cannot read '/srv/coach/home/documents/a.md' (denied)", "Cannot read 'a.md'"),
        ("Cannot read C:\\Users\\lee\\notes.txt now", "Cannot read notes.txt now"),
    ],
)
def test_errors_on_the_page_name_files_without_server_paths(message, shown):
    from ui.common import without_paths

    assert shown in without_paths(message)
    assert "/tmp" not in without_paths(message) and "Users" not in without_paths(message)


@pytest.mark.unit
def test_urls_fractions_and_words_with_slashes_are_kept():
    from ui.common import without_paths

    text = "See https://example.org/guide/a for 3/4 of mentors and/or mentees."
    assert without_paths(text) == text


@pytest.mark.unit
def test_the_record_tab_says_bad_fields_in_the_forms_words_and_lists_every_entry() -> None:
    from datetime import date, datetime, timezone

    from assistant.record.models import ActionItem, Goal, Meeting, Mentorship, Record
    from ui.record import checked, entry_choices, nudges_markdown, open_item_choices, tables

    with pytest.raises(InputError, match=r"Meeting date: .*dates as YYYY-MM-DD"):
        checked("meeting", {"mentorship_id": "m1", "held_on": "next tuesday"})
    with pytest.raises(InputError, match=r"Item due: "):
        checked("action", {"mentorship_id": "m1", "text": "Send it", "due": "soon"})
    assert checked("goal", {"mentorship_id": "m1", "text": "Lead a review"}).due is None

    stamp = {"source": "by hand", "created_at": datetime(2026, 12, 1, tzinfo=timezone.utc)}
    pair = Mentorship(
        id="m1",
        role="mentee",
        other_name="<b>Sam</b>",
        started=date(2026, 1, 1),
        cadence_days=14,
        **stamp,
    )
    record = Record(
        mentorships=[pair],
        goals=[Goal(id="g1", mentorship_id="m1", text="Lead a review", **stamp)],
        meetings=[Meeting(id="e1", mentorship_id="m1", held_on=date(2026, 11, 1), **stamp)],
        actions=[
            ActionItem(id="a1", mentorship_id="m1", text="Send it", due=date(2026, 11, 2), **stamp),
            ActionItem(id="a2", mentorship_id="m1", text="Done one", done=True, **stamp),
        ],
    )
    assert [label for label, _ in entry_choices(record)] == [
        "mentorship · with <b>Sam</b> (you are the mentee) · m1",
        "goal · Lead a review · g1",
        "meeting · 2026-11-01 with <b>Sam</b>, held · e1",
        "action item · Send it · a1",
        "action item · Done one · a2",
    ]
    assert [value for _, value in open_item_choices(record)] == ["a1"]
    rows = tables(record)
    assert rows["goal"][0][-2:] == ["by hand", "g1"]  # where it came from, and its id
    said = nudges_markdown(record, date(2026, 12, 8))
    assert "&lt;b>Sam" in said and "<b>" not in said  # a name shows as text
    assert nudges_markdown(Record(), date(2026, 12, 8)) == ""
