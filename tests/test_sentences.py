"""One sentence rule for the composer's units, the evaluator's claims and safety's message parts
(no embedding model: fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.index.sentences import plain, split_units
from assistant.ingest.loaders import load_file
from assistant.safety.parts import sentences as message_sentences
from assistant.text.sentences import split_into_sentences
from evals.support import claims_of, split_sentences

pytestmark = pytest.mark.unit

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

ISSUE_EXAMPLE = "Book the next meeting now (e.g. Tuesday). Then send the agenda."

TRICKY = [
    (ISSUE_EXAMPLE, ["Book the next meeting now (e.g. Tuesday).", "Then send the agenda."]),
    (
        "Pick one channel, i.e. Slack or email. Reply within two working days.",
        ["Pick one channel, i.e. Slack or email.", "Reply within two working days."],
    ),
    (
        "Bring notes, slides, drafts etc. The mentor reads them first.",
        ["Bring notes, slides, drafts etc.", "The mentor reads them first."],
    ),
    (
        "Ask Dr. Okafor and Ms. Lee for an introduction. They know the field well.",
        ["Ask Dr. Okafor and Ms. Lee for an introduction.", "They know the field well."],
    ),
    (
        "Read the page on Mentoring vs. Sponsorship first. It explains the difference.",
        ["Read the page on Mentoring vs. Sponsorship first.", "It explains the difference."],
    ),
    (  # a question mark inside a closing quote, then a new sentence
        'Ask directly, "Would it help to meet less often?" Then listen to the answer.',
        ['Ask directly, "Would it help to meet less often?"', "Then listen to the answer."],
    ),
    (  # a quotation of several sentences stays whole
        'Raise it kindly: "I\u2019ve noticed we moved the last sessions. Would shorter ones '
        'work?" Then agree a new time together.',
        [
            'Raise it kindly: "I\u2019ve noticed we moved the last sessions. Would shorter ones '
            'work?"',
            "Then agree a new time together.",
        ],
    ),
    (  # curly quotes, and a stop inside closing brackets
        "Close warmly: \u201cThank you. I\u2019ll send an update.\u201d Keep the note short "
        "(two lines at most.) Send it the same day.",
        [
            "Close warmly: \u201cThank you. I\u2019ll send an update.\u201d",
            "Keep the note short (two lines at most.)",
            "Send it the same day.",
        ],
    ),
    (  # a parenthesis of several sentences stays whole
        "Agree the agenda (Keep it short. Three items is plenty.) Then share it with your mentor.",
        [
            "Agree the agenda (Keep it short. Three items is plenty.)",
            "Then share it with your mentor.",
        ],
    ),
    (  # Markdown emphasis closing after the stop
        "**Write the goal down.** Then review it every month together.",
        ["**Write the goal down.**", "Then review it every month together."],
    ),
    (  # no split inside a quotation or before a lower-case word; a digit starts a sentence
        'Avoid saying "Yes, but..." in reply. Say instead, "Let me check I understand." '
        "Meet again on 3 May. 2 sessions a month is enough for most pairs.",
        [
            'Avoid saying "Yes, but..." in reply.',
            'Say instead, "Let me check I understand."',
            "Meet again on 3 May.",
            "2 sessions a month is enough for most pairs.",
        ],
    ),
    (  # a stray quote mark does not join the rest of the line
        'He wrote "sorry about the delay. Then we met again last week. It went well enough.',
        [
            'He wrote "sorry about the delay.',
            "Then we met again last week.",
            "It went well enough.",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TRICKY)
def test_tricky_sentences_split_once_the_same_for_composer_and_evaluator(text, expected):
    assert split_into_sentences(text) == expected
    units = split_units(text)
    assert units == expected
    # the evaluator's sentences are the composer's units, word for word, and each unit the
    # composer quotes is one sentence (one claim, when it has enough content words) to it
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == [plain(u) for u in units]
    assert all(c.text in sentences for c in claims_of(text))
    for unit in units:
        assert [s.text for s in split_sentences(unit)] == [plain(unit)]


def test_the_issue_example_is_quoted_as_two_whole_sentences():
    units = split_units(ISSUE_EXAMPLE)
    assert units == ["Book the next meeting now (e.g. Tuesday).", "Then send the agenda."]
    assert [c.text for c in claims_of(ISSUE_EXAMPLE)] == [units[0]]  # the other is too short


def test_a_bullet_is_one_unit_whose_claims_are_its_sentences():
    text = "- Pick one goal for the quarter (e.g. a talk). Drop the rest for now.\n1. Book dates."
    assert split_units(text) == [
        "Pick one goal for the quarter (e.g. a talk). Drop the rest for now.",
    ]  # "Book dates." has too few words to quote
    assert [s.text for s in split_sentences(text)] == [
        "Pick one goal for the quarter (e.g. a talk).",
        "Drop the rest for now.",
        "Book dates.",
    ]


def test_citation_markers_after_the_stop_stay_with_their_sentence():
    answer = "- Pick one goal for the quarter. [1] Then drop every other goal [2].\n"
    assert [(s.text, s.citations) for s in split_sentences(answer)] == [
        ("Pick one goal for the quarter.", [1]),
        ("Then drop every other goal.", [2]),
    ]


def test_typed_messages_split_in_any_case_but_not_after_e_g():
    assert split_into_sentences("we met twice. he said no. ok", any_case=True) == [
        "we met twice.",
        "he said no.",
        "ok",
    ]
    assert split_into_sentences("we met twice. he said no.") == ["we met twice. he said no."]
    message = "my mentor, e.g. my lead, bring slides etc. and notes. then what do i say"
    assert split_into_sentences(message, any_case=True) == [
        "my mentor, e.g. my lead, bring slides etc. and notes.",
        "then what do i say",
    ]
    assert message_sentences("we met twice.\nhe said no to every date") == [
        "we met twice.",
        "he said no to every date",
    ]


def test_empty_and_single_sentence_text():
    assert split_into_sentences("") == []
    assert split_into_sentences("   ") == []
    assert split_into_sentences(" One sentence without a stop ") == ["One sentence without a stop"]
    assert split_into_sentences("Ends with a stop. ") == ["Ends with a stop."]


def prose_lines() -> list[str]:
    lines = []
    for path in sorted(p for p in KNOWLEDGE.glob("*.md") if p.name != "README.md"):
        for line in load_file(path, 10_000_000).text.splitlines():
            line = line.strip()
            bullet_or_markup = line.startswith(("-", "*", "+", "#", "|", ">", "`"))
            if line and not bullet_or_markup and not line[:1].isdigit():
                lines.append(line)
    return lines


def test_every_sentence_the_composer_quotes_from_the_knowledge_base_is_one_claim():
    lines = prose_lines()
    assert len(lines) > 300
    for line in lines:
        sentences = [s.text for s in split_sentences(line)]
        for unit in split_units(line):
            text = " ".join(plain(unit).split())
            if text.endswith(":"):  # a form line ("Mentor: ____"): no claim without its blanks
                continue
            assert [s.text for s in split_sentences(unit)] == [text], line
            assert text in sentences, line
