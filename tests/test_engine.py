"""The coaching engine end to end: routing, grounded composition, citations, conversations."""

from __future__ import annotations

import re

import pytest

from assistant.errors import InputError
from assistant.generation.citations import CITATION_MARK
from assistant.index.sentences import split_units

CANCELLING = "My mentor keeps cancelling our meetings, what should I do?"


def cited_numbers(text: str) -> set[int]:
    return {int(n) for n in CITATION_MARK.findall(text)}


@pytest.mark.integration
def test_stalled_mentorship_answer_is_readable_cited_and_on_topic(coach):
    answer = coach.ask(CANCELLING, role="mentee", detail="full")
    assert answer.mode == "answer"
    framing, lead, _, then, *_ = answer.text.splitlines()
    assert framing == "**First, on restarting a stalled mentorship** for you as the mentee:"
    assert len(lead.split()) <= 60 and cited_numbers(lead) == {1}
    assert then == "**Then:**"
    bullets = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 7
    # one bold label per line: list items of a guide are sub-items, never glued together
    assert all(len(re.findall(r"\*\*[^*]+\*\*", line)) <= 1 for line in bullets)
    assert cited_numbers(answer.text) == {c.n for c in answer.citations}
    assert "stalled-mentorship" in {c.doc_id for c in answer.citations}
    assert re.search(r"cancel|reschedul|restart", answer.text, re.I)
    assert answer.timings_ms["total"] >= answer.timings_ms["retrieve"] > 0


@pytest.mark.integration
def test_a_stall_answer_ends_with_the_message_to_send_filled_from_the_question(coach):
    answer = coach.ask(
        "My mentor Sam keeps cancelling our meetings. What should I do?", detail="full"
    )
    assert answer.draft and answer.draft in answer.text
    offer, _, greeting, *_ = answer.draft.splitlines()
    assert offer.startswith("**A message you could send**") and "coach message" not in offer
    assert greeting == "> Hi Sam, I know things have been busy lately, and I wanted to check in."
    assert "{your name}" in answer.draft
    as_mentor = coach.ask("my mentee has gone quiet and stopped replying", role="mentor")
    assert "> Hi {name}," in as_mentor.draft
    assert as_mentor.draft.startswith("**A message you could send** (fill in the {braces}, or ask")
    assert coach.ask("how do I write SMART goals", role="mentee").draft == ""


@pytest.mark.integration
def test_outline_names_the_lead_guides_other_sections(coach):
    answer = coach.ask("how do i pick a mentor", role="mentee", detail="full")
    (outline,) = re.findall(r"^\*\*Also in this guide:\*\* (.+)\.$", answer.text, re.M)
    outline = CITATION_MARK.sub("", outline).replace(" ;", ";").strip()
    lead = answer.citations[0].doc_id
    sections = {
        c.section.split(" > ")[-1] for c in coach.index.vectors.all_chunks() if c.doc_id == lead
    }
    in_points = set(re.findall(r"^- \*\*(.+?):\*\*", answer.text, re.M))
    for heading in outline.split("; "):
        assert heading in sections and heading not in in_points


@pytest.mark.integration
def test_escalation_speaks_to_who_is_asking(coach):
    question = "my mentee told me her manager keeps touching her and making crude remarks"
    as_mentor = coach.ask(question, role="mentor")
    as_lead = coach.ask("a mentee reported that her mentor keeps touching her", role="program-lead")
    assert as_mentor.mode == as_lead.mode == "escalation"
    assert "believe your mentee" in as_mentor.text and "not your fault" not in as_mentor.text
    assert "retaliation" in as_lead.text and "end the match" in as_lead.text


@pytest.mark.integration
def test_every_point_is_quoted_from_the_passage_it_cites(coach):
    for question, role in [
        (CANCELLING, "mentee"),
        ("How do I give feedback my mentee can act on?", "mentor"),
        ("how should we match mentors and mentees in our program", "program-lead"),
    ]:
        answer = coach.ask(question, role=role)
        passages = {c.n: c for c in answer.citations}
        chunks = {c.id: c for c in coach.index.vectors.get([c.chunk_id for c in answer.citations])}
        for line in answer.text.splitlines():
            numbers = cited_numbers(line)
            if not numbers or line.startswith("**Also in this guide:**"):
                continue
            (n,) = numbers
            claim = CITATION_MARK.sub("", line).strip().removeprefix("- ").strip()
            heading = passages[n].section.split(" > ")[-1]
            claim = claim.removeprefix(f"**{heading}:** ")
            source = chunks[passages[n].chunk_id].text.replace("**", "")
            # must be made up entirely of sentences of the cited passage (a list item's label
            # may lose its bold inside a point)
            rest = claim.replace("**", "")
            for sentence in split_units(source):
                rest = rest.replace(sentence, "")
            # a next step drops its "This week:" lead-in and capitalises what follows
            assert not rest.strip() or rest.strip()[1:] in source, f"[{n}] not quoted: {rest}"


@pytest.mark.parametrize(
    "question",
    ["what's a good lasagne recipe?", "how do I file my tax return", "fix my python TypeError"],
)
@pytest.mark.integration
def test_out_of_scope_is_refused_politely_with_examples(coach, question):
    answer = coach.ask(question)
    assert answer.mode == "refusal"
    assert not answer.citations
    assert "I help with mentorship" in answer.text and "You could ask" in answer.text


@pytest.mark.parametrize(
    ("question", "doc_id", "must_say"),
    [
        ("My mentor keeps making sexual comments about me", "harassment-and-misconduct", "HR"),
        (
            "my mentor said I'm not leadership material because of my race",
            "harassment-and-misconduct",
            "not your fault",
        ),
        (
            "I've been thinking about ending my life",
            "crisis-legal-and-medical-matters",
            "emergency number",
        ),
        ("should I sue my employer for firing me?", "crisis-legal-and-medical-matters", "lawyer"),
    ],
)
@pytest.mark.integration
def test_escalations_point_to_help_and_cite_the_guidance(coach, question, doc_id, must_say):
    answer = coach.ask(question)
    assert answer.mode == "escalation"
    assert must_say in answer.text
    assert answer.citations and {c.doc_id for c in answer.citations} == {doc_id}
    assert cited_numbers(answer.text) == {c.n for c in answer.citations}


@pytest.mark.parametrize(
    "question",
    [
        "my mentee took my harsh feedback badly",
        "we had a heated argument about my career plan",
        "my mentee is stressed about deadlines",
        "how do I tell my mentor their advice hurt",
        "my presentation bombed and I feel like a failure",
    ],
)
@pytest.mark.integration
def test_near_misses_are_coached_not_escalated(coach, question):
    assert coach.ask(question, role="mentor").mode == "answer"


@pytest.mark.integration
def test_no_relevant_passage_means_no_guessing(coach):
    # Pure gibberish is refused as off-topic (the verifier reads it so); a question about
    # something the knowledge base does not hold gets no answer made up.
    answer = coach.ask("what about the zxqv plorth wibble")
    assert answer.mode == "no_context" and answer.route.category == "in_scope"
    assert not answer.citations and "won't guess" in answer.text


@pytest.mark.integration
def test_safety_guidance_is_not_used_for_ordinary_answers(coach):
    answer = coach.ask(CANCELLING)
    assert "safety" not in {t for c in answer.contexts for t in c.topics}


@pytest.mark.integration
def test_follow_up_retrieves_with_the_conversation(coach_copy):
    session = coach_copy.new_session("mentee")
    coach_copy.ask(CANCELLING, session_id=session)
    follow_up = coach_copy.ask("and what if they still don't reply?", session_id=session)
    alone = coach_copy.ask("and what if they still don't reply?")
    assert CANCELLING in follow_up.search_query and follow_up.search_query != alone.search_query
    assert follow_up.mode == "answer"
    assert "stalled-mentorship" in {c.doc_id for c in follow_up.citations}


@pytest.mark.integration
def test_sessions_persist_list_export_and_delete(coach_copy):
    session = coach_copy.new_session("mentor")
    first = coach_copy.ask("How often should we meet?", role="mentor", session_id=session)
    turns = coach_copy.session_turns(session)
    assert [t.speaker for t in turns] == ["user", "assistant"]
    assert turns[1].answer == first
    info = next(s for s in coach_copy.list_sessions() if s.id == session)
    assert info.title == "How often should we meet?" and info.turns == 2
    exported = coach_copy.export_session(session)
    assert "**You:** How often should we meet?" in exported and "Sources:" in exported
    coach_copy.delete_session(session)
    with pytest.raises(InputError, match="No conversation"):
        coach_copy.session_turns(session)


@pytest.mark.integration
def test_stream_yields_text_then_the_final_answer(coach):
    items = list(coach.stream("how do I find a mentor", role="mentee"))
    *pieces, final = items
    assert all(isinstance(p, str) for p in pieces) and len(pieces) > 3
    assert "".join(pieces) == final.text


@pytest.mark.parametrize(
    ("question", "role", "message"),
    [
        ("", "mentee", "empty"),
        ("   \x00\x01  ", "mentee", "empty"),
        ("goal " * 1000, "mentee", "limit is 2000"),
        ("how do I find a mentor", "manager", "Unknown role 'manager'"),
    ],
)
@pytest.mark.integration
def test_bad_questions_get_clear_errors(coach, question, role, message):
    with pytest.raises(InputError, match=message):
        coach.ask(question, role=role)


@pytest.mark.unit
def test_units_keep_quoted_questions_whole():
    text = (
        'Ask directly, "Would it help to meet less often?" Then listen to the answer.\n'
        "- A bullet item here\nLook for:"
    )
    assert split_units(text) == [
        'Ask directly, "Would it help to meet less often?"',
        "Then listen to the answer.",
        "A bullet item here",
    ]


@pytest.mark.unit
def test_units_keep_a_quotation_of_several_sentences_whole():
    text = (
        'Raise it kindly: "I\'ve noticed we moved the last sessions. Would shorter ones work?" '
        "Then agree a time. Close warmly: \u201cThank you. I\u2019ll send an update.\u201d"
    )
    assert split_units(text) == [
        'Raise it kindly: "I\'ve noticed we moved the last sessions. Would shorter ones work?"',
        "Then agree a time.",
        "Close warmly: \u201cThank you. I\u2019ll send an update.\u201d",
    ]


@pytest.mark.integration
def test_the_first_step_is_addressed_to_who_is_asking(coach):
    answer = coach.ask("how should we match mentors and mentees in our program", "program-lead")
    assert not re.search(r"^(Mentors|Mentees),", answer.text, re.M)
