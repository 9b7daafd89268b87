"""The YAML data files behind drafts and fixed replies: they load, a broken copy fails with an
error naming the file and the problem, and the drafts and replies use what the files say."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from assistant.answering import fixed_replies, own_documents, situation_drafts, triage
from assistant.conversation import drafts, replies, slots
from assistant.data_files import placeholders, shown
from assistant.drafting import agenda, agreement, feedback, messages, tone
from assistant.drafting.models import (
    AgendaRequest,
    AgreementRequest,
    MessageKind,
    MessageRequest,
    Party,
    SessionType,
    ToneIssue,
)
from assistant.errors import DataFileError
from assistant.ingest import screening
from assistant.models import ESCALATING, Role
from assistant.record import drafts as record_drafts
from assistant.record import notes, smart
from tests.fakes import FakeTools

pytestmark = pytest.mark.unit

# name: (loader, shipped file)
FILES = {
    "agendas": (agenda.load_agendas, agenda.AGENDAS_FILE),
    "messages": (messages.load_messages, messages.MESSAGES_FILE),
    "agreement": (agreement.load_agreement, agreement.AGREEMENT_FILE),
    "tone": (tone.load_tone, tone.TONE_FILE),
    "feedback": (feedback.load_feedback, feedback.FEEDBACK_FILE),
    "replies": (fixed_replies.load_replies, fixed_replies.REPLIES_FILE),
    "own_documents": (own_documents.load_words, own_documents.OWN_DOCUMENTS_FILE),
    "situations": (situation_drafts.load_situations, situation_drafts.SITUATIONS_FILE),
    "triage": (triage.load_triage, triage.TRIAGE_FILE),
    "slots": (slots.load_slots, slots.SLOTS_FILE),
    "conversation_replies": (replies.load_replies, replies.REPLIES_FILE),
    "conversation_drafting": (drafts.load_drafting, drafts.DRAFTING_FILE),
    "planted_instructions": (screening.load_rules, screening.PLANTED_FILE),
    "notes": (notes.load_notes_rules, notes.NOTES_FILE),
    "smart": (smart.load_smart_rules, smart.SMART_FILE),
    "record_drafts": (record_drafts.load_draft_wording, record_drafts.DRAFTS_FILE),
}


def edited_copy(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {source.name}"
    copy = tmp_path / source.name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


# Every file loads and covers what the code looks up


@pytest.mark.parametrize("name", FILES)
def test_every_shipped_data_file_loads_and_validates(name):
    load, path = FILES[name]
    assert path.is_file() and path.parent.name == "data"
    assert load() == load(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), "each data file starts with a comment saying what it holds"


def test_shipped_files_are_named_by_their_place_in_the_package():
    assert shown(messages.MESSAGES_FILE) == "assistant/drafting/data/messages.yaml"
    assert shown(fixed_replies.REPLIES_FILE) == "assistant/answering/data/replies.yaml"


def test_the_files_cover_every_session_message_role_and_category():
    assert set(agenda.agendas().sessions) == set(get_args(SessionType))
    assert set(agenda.agendas().bring) == set(get_args(Party))
    templates = messages.message_templates()
    for kind in get_args(MessageKind):
        for to in ["mentor"] if kind == "ask-mentor" else get_args(Party):
            assert templates.template(kind, to).paragraphs
    assert set(tone.tone_words().practice) == set(get_args(ToneIssue))
    openers = fixed_replies.ESCALATION_OPENERS
    assert set(openers) == set(ESCALATING) == set(fixed_replies.ESCALATION_DOCS)
    assert all(set(openers[category]) == set(get_args(Role)) for category in ESCALATING)
    assert set(fixed_replies.EXAMPLE_QUESTIONS) == set(get_args(Role))
    assert "{emergency}" not in " ".join(openers["conduct"].values())
    assert fixed_replies.replies().emergency in openers["conduct"]["mentor"]


def test_the_tone_rules_are_compiled_from_the_word_lists():
    rules = tone.tone_words().rules
    assert list(rules) == ["absolute", "label", "vague", "blame", "sarcasm"]
    absolute = rules["absolute"].pattern
    assert absolute.search("You ALWAYS interrupt") and not absolute.search("we never heard")
    assert rules["sarcasm"].pattern.search("great idea!!")


def test_a_placeholder_must_be_a_plain_name():
    assert placeholders("Hi {name}, I'm {your name}.") == {"name", "your name"}
    for bad in ["{0}", "{}", "{name!r}", "{name:>9}", "{a.b}", "{open"]:
        with pytest.raises(ValueError):
            placeholders(bad)


# A broken copy fails at once, naming the file and the problem


BROKEN = [
    ("agendas", "weight: 3\n", "weight: 0\n", "sessions.first.blocks.0.weight"),
    ("agendas", "  closing:\n", "  closed:\n", "sessions.closed"),
    ("agendas", "focus: [goals]", "focus: [goal]", "'goals', 'challenges' or 'progress'"),
    ("agendas", "title: Check-in\n", "title: Check-in\n        wieght: 1\n", "wieght"),
    ("agendas", "optional: true", "optional: true\n        focus: []", "never appears"),
    ("agendas", "text: Work on the goals, most important first.", "text: ' '", "empty"),
    (
        "agendas",
        "casual: Dig into the goals, biggest one first.",
        "casual: Dig into {goal}, biggest one first.",
        "block 'Goals', purpose (casual): 'Dig into {goal}, biggest one first.' uses {goal}",
    ),
    ("agendas", "formal: Address the goals", "formal: Address {0} goals", "not a plain {placeh"),
    ("agendas", "          warm: Work through the goals", "          wram: Work through", "wram"),
    ("messages", "{about}. Would", "{abuot}. Would", "uses {abuot}"),
    ("messages", "to: [mentor, mentee]", "to: [mentor]", "no template for reschedule"),
    ("messages", "        needs: detail", "        needs: details", "'details' is not one of"),
    ("messages", "at {times} instead", "at {times instead", "not a {placeholder}"),
    ("messages", "  - one line about who you are\n", "", "uses {one line about who you are}"),
    (
        "messages",
        "I'm free {times}.",
        "I'm free {tiems}.",
        "the reengage template to a mentor, 'A concrete proposal' (casual): ",
    ),
    ("messages", "I'm free {times}.", "I'm free {tiems}.", "uses {tiems}"),
    (
        "messages",
        "Could we do {times} instead?",
        "Could we do that instead?",
        "'New times' (casual): 'Could we do that instead?' leaves out {times} of the text",
    ),
    ("messages", "short: Hi {name}, just", "short: Hi {nmae}, just", "(short): 'Hi {nmae}"),
    ("messages", 'formal: "Kind regards,\\n{your name}', 'formal: "{you}', "sign_off (formal)"),
    ("messages", "        casual: Could we do", "        casul: Could we do", "casul: Extra"),
    ("agreement", "    short: false\n", "    short: sometimes\n", "short: Input should be a valid"),
    ("agreement", "title: Feedback", "title: Boundaries", "more than one section"),
    ("agreement", "  - off-limits topics\n", "", "uses {off-limits topics}"),
    ("agreement", "  - how many\n", "  - how.many\n", "'how.many' cannot be a {placeholder}"),
    (
        "agreement",
        'casual: "Topics we\'ll skip: {off-limits topics}."',
        "casual: Topics we'll skip.",
        "section 'Boundaries' (casual): \"Topics we'll skip.\" leaves out {off-limits topics}",
    ),
    ("agreement", "may decline a request.", "may decline {a request}.", "uses {a request}"),
    ("tone", "- rude\n", "- rude(\n", "'rude(' is not a regular expression"),
    ("tone", "not_after: [we, i]", "not_after: [we, i+]", "rules.absolute"),
    ("tone", "  length: ", "  lenth: ", "practice.lenth"),
    ("tone", "drop_clauses_with: [label,", "drop_clauses_with: [labels,", "drop_clauses_with"),
    ("tone", 'you never\\\\b"', 'you never(\\\\b"', "rewrite.replace.2.pattern"),
    ("tone", "placeholder: what they", "placeholder: x{what} they", "shown in braces"),
    ("feedback", "next time: {request}.", "next time: {requst}.", "uses {requst}"),
    (
        "feedback",
        "One idea for next time: {request}.",
        "One idea for next time: {req}.",
        "request (casual): 'One idea for next time: {req}.' uses {req}",
    ),
    ("feedback", 'idea for next time: {request}."\n  short', 'idea."\n  short', "(warm): "),
    ("feedback", "  redirecting:\n", "  redirected:\n", "next_step.redirected"),
    ("feedback", "example: ", "exampel: ", "exampel"),
    ("situations", "kind: thank-you", "kind: thanks", "situations.3.kind"),
    ("triage", 'says: "Who usually cancels: {answer}."', 'says: "Who: {answr}."', "uses {answr}"),
    ("triage", "stall: ['cancel\\w*'", "stall: ['cancel(\\w*'", "is not a regular expression"),
    ("triage", "    fact: since\n", "", "questions.0.fact"),
    (
        "conversation_replies",
        'revised: "**Here it is {change}:**"',
        'revised: "{how}"',
        "uses {how}",
    ),
    (
        "conversation_replies",
        '  agenda: "**An agenda{when}',
        '  agenda: "**An agenda{day}',
        "{day}",
    ),
    ("slots", "day: ['\\b(?P<day>", "day: ['\\b((?P<day>", "is not a regular expression"),
    ("slots", "  half an hour: 30", "  half an hour: thirty", "minute_words.half an hour"),
    ("conversation_drafting", "  first-session: first", "  first-session: 1st", "first-session"),
    ("messages", "about: what we have been working on", "about: '{what} we did'", "in braces"),
    ("situations", "'reschedul\\w*'", "'reschedul(\\w*'", "is not a regular expression"),
    ("situations", "(fill in the {{braces}}", "(fill in the {braces}", "{braces}"),
    ("replies", "    program-lead: *legal_medical\n", "", "legal_medical has nothing for"),
    ("replies", "{emergency}\n    mentor", "{emergancy}\n    mentor", "uses {emergancy}"),
    ("replies", "crisis: crisis-legal", "crisis: crisis-legally", "does not exist"),
    ("replies", "  mentee:\n    - My", "\tmentee:\n    - My", "is not valid YAML (line"),
    ("replies", "help_after_escalation: [conduct]", "help_after_escalation: [in_scope]", "never"),
    ("replies", "  legal_medical: >-\n    If part", "  legal: >-\n    If part", "caution_notes"),
    ("notes", "(?P<rest>.+)$'\n# A line that says", "(?P<rst>.+)$'\n# A line that says", "rest"),
    ("notes", "  - [monday, mon]\n", "", "weekdays"),
    ("notes", "\\d{4})-(?P<m>", "\\d{4})-(?P<m", "dates: "),
    ("smart", "  Measurable: How", "  Measurble: How", "questions"),
    ("smart", "  - 'improve'", "  - 'improve('", "is not a regular expression"),
    ("record_drafts", 'due {due})"\ncarried_undated', 'due {when})"\ncarried_undated', "{when}"),
]


@pytest.mark.parametrize(("name", "old", "new", "problem"), BROKEN)
def test_a_broken_data_file_names_the_file_and_the_problem(tmp_path, name, old, new, problem):
    load, path = FILES[name]
    copy = edited_copy(tmp_path, path, old, new)
    with pytest.raises(DataFileError) as raised:
        load(copy)
    message = str(raised.value)
    assert message.startswith(f"{copy}: ")
    assert problem in message
    assert isinstance(raised.value, RuntimeError)


def test_an_empty_or_missing_data_file_is_named(tmp_path):
    empty = tmp_path / "agendas.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="agendas.yaml: Input should be a valid dictionary"):
        agenda.load_agendas(empty)
    with pytest.raises(DataFileError, match="missing.yaml: cannot be read"):
        tone.load_tone(tmp_path / "missing.yaml")


# The drafts and replies use what the files say


def test_an_edited_message_template_changes_the_draft(tmp_path, monkeypatch):
    request = MessageRequest(kind="thank-you", to="mentor", name="Ana", about="public speaking")
    before = messages.draft_message(FakeTools(), request)
    assert before.subject == "Thank you"
    assert before.parts[0].text.startswith("Hi Ana, thank you for our sessions on public speaking")
    copy = edited_copy(tmp_path, messages.MESSAGES_FILE, "Best wishes,", "Warm regards,")
    copy.write_text(copy.read_text().replace("subject: Thank you", "subject: Many thanks"))
    monkeypatch.setattr(messages, "message_templates", lambda: messages.load_messages(copy))
    after = messages.draft_message(FakeTools(), request)
    assert after.subject == "Many thanks"
    assert after.parts[-1].text == "Warm regards,\n{your name}"
    assert [p.text for p in after.parts[:-1]] == [p.text for p in before.parts[:-1]]


def test_an_edited_agenda_template_changes_the_agenda(tmp_path, monkeypatch):
    request = AgendaRequest(session="closing", minutes=30, goals=["lead a team"])
    copy = edited_copy(tmp_path, agenda.AGENDAS_FILE, "title: Gratitude", "title: Thank-yous")
    monkeypatch.setattr(agenda, "agendas", lambda: agenda.load_agendas(copy))
    drafted = agenda.draft_agenda(FakeTools(), request)
    assert drafted.title == "Closing session: 30-minute agenda"
    assert "Thank-yous" in [item.title for item in drafted.items]
    assert "Gratitude" not in [item.title for item in drafted.items]


def test_an_edited_agreement_clause_changes_the_agreement(tmp_path, monkeypatch):
    copy = edited_copy(
        tmp_path, agreement.AGREEMENT_FILE, "Each of us is free to decline", "Both may decline"
    )
    monkeypatch.setattr(agreement, "agreement_sections", lambda: agreement.load_agreement(copy))
    drafted = agreement.draft_agreement(FakeTools(), AgreementRequest(mentor="Ana", mentee="Bo"))
    clauses = [c for section in drafted.sections for c in section.clauses]
    assert "Both may decline a request." in clauses
    assert "Ana is not Bo's manager or, by default, their sponsor." in clauses
    assert drafted.warnings == []


def test_a_purpose_or_clause_without_variants_is_its_standard_text_in_every_voice(
    tmp_path, monkeypatch
):
    agendas = edited_copy(
        tmp_path,
        agenda.AGENDAS_FILE,
        """        purpose:
          text: Work on the goals, most important first.
          casual: Dig into the goals, biggest one first.
          formal: Address the goals in order of priority.
          warm: Work through the goals together, starting with the one that matters most.
""",
        "        purpose: Work on {which} goals.\n",
    )
    monkeypatch.setattr(agenda, "agendas", lambda: agenda.load_agendas(agendas))
    sections = edited_copy(
        tmp_path,
        agreement.AGREEMENT_FILE,
        """      - text: We meet {cadence} for {minutes} minutes, by {channels}.
        casual: We'll catch up {cadence} for {minutes} minutes, by {channels}.
        formal: Meetings take place {cadence}, for {minutes} minutes, by {channels}.
        warm: We'll get together {cadence} for {minutes} minutes, by {channels}.
""",
        "      - We meet {cadence}.\n",
    )
    monkeypatch.setattr(agreement, "agreement_sections", lambda: agreement.load_agreement(sections))
    for style in ("standard", "short", "casual", "formal", "warm"):
        request = AgendaRequest(session="regular", goals=["lead a team"], style=style)
        drafted = agenda.draft_agenda(FakeTools(), request)
        (goals,) = [item for item in drafted.items if item.focus]
        assert goals.purpose == "Work on {which} goals."  # shown as written, its blank kept
        assert drafted.style == style
        signed = agreement.draft_agreement(
            FakeTools(), AgreementRequest(cadence="weekly", style=style)
        )
        assert "We meet weekly." in [c for section in signed.sections for c in section.clauses]


def test_a_voice_of_an_agenda_purpose_keeps_its_blanks(tmp_path):
    copy = edited_copy(
        tmp_path,
        agenda.AGENDAS_FILE,
        "text: Work on the goals, most important first.",
        "text: Work on the goals, most important first, by {date}.",
    )
    with pytest.raises(DataFileError) as raised:
        agenda.load_agendas(copy)
    assert "block 'Goals', purpose (casual): " in str(raised.value)
    assert "leaves out {date} of the text" in str(raised.value)


def test_an_added_tone_word_is_flagged(tmp_path, monkeypatch):
    assert tone.check_tone("You were flaky in the review.") == []
    copy = edited_copy(tmp_path, tone.TONE_FILE, "- bossy\n", "- bossy\n      - flaky\n")
    monkeypatch.setattr(tone, "tone_words", lambda: tone.load_tone(copy))
    (warning,) = tone.check_tone("You were flaky in the review.")
    assert warning.issue == "label" and warning.words == ["flaky"]


def test_edited_fixed_replies_change_the_replies(tmp_path, monkeypatch):
    assert fixed_replies.refusal_text("mentor").startswith("That's outside what I can help with.")
    copy = edited_copy(
        tmp_path, fixed_replies.REPLIES_FILE, "That's outside what I can help with.", "Not mine."
    )
    text = copy.read_text().replace("call your local emergency number.\n", "call 112.\n", 1)
    copy.write_text(text)
    monkeypatch.setattr(fixed_replies, "replies", lambda: fixed_replies.load_replies(copy))
    refusal = fixed_replies.refusal_text("mentor")
    assert refusal.startswith(f"Not mine. {fixed_replies.SCOPE}\n\nYou could ask, for example:\n")
    assert refusal.endswith("- My mentee has gone quiet. How do I re-engage them?")
    assert fixed_replies.ESCALATION_OPENERS["conduct"]["mentee"].endswith(
        "If anyone is in danger right now, call 112."
    )
