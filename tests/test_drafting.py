"""Drafting: agendas, feedback, messages and agreements over the real knowledge base and index."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from langchain_core.runnables import RunnableLambda

from assistant.conversation.drafts import DraftWriter
from assistant.conversation.state import ConversationState, LastDraft
from assistant.data_files import placeholders
from assistant.drafting.agenda import agendas, allocate, draft_agenda, select_blocks
from assistant.drafting.agreement import agreement_sections, draft_agreement
from assistant.drafting.borrowed import Borrowed
from assistant.drafting.feedback import draft_feedback
from assistant.drafting.messages import draft_message, message_templates
from assistant.drafting.models import (
    AgendaRequest,
    AgreementRequest,
    DraftStyle,
    FeedbackKind,
    FeedbackRequest,
    MessageKind,
    MessageRequest,
    Party,
    SessionType,
    cited_numbers,
)
from assistant.drafting.render import to_markdown, to_text
from assistant.drafting.requests import build_request
from assistant.drafting.rewording import reword_behavior
from assistant.drafting.styles import VOICES
from assistant.drafting.tone import check_tone
from assistant.drafting.writer import STYLE_NOTES
from assistant.errors import InputError
from assistant.resources import builtin_knowledge
from evals.drafting import knowledge_text, load_cases, run_cases
from tests.fakes import FakeTools

GOALS = ["present confidently to senior leaders", "move into a team lead role"]
LENA = FeedbackRequest(
    situation="yesterday's project meeting",
    behavior="you interrupted Lena twice while she was explaining the budget",
    impact="she stopped contributing, and we never heard her concerns about the timeline",
    kind="redirecting",
)


def texts_of(draft) -> list[str]:
    """Every string of a draft's body, where its [n] markers live."""
    data = draft.model_dump(exclude={"citations", "warnings", "backend", "tone"})
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(data)
    return found


def assert_grounded(draft) -> None:
    """Citations are numbered 1..m, each is used, and every marker points at one of them."""
    assert [c.n for c in draft.citations] == list(range(1, len(draft.citations) + 1))
    assert draft.citations, "a draft must cite the knowledge it came from"
    assert cited_numbers(*texts_of(draft)) == [c.n for c in draft.citations]
    assert all(c.chunk_id and c.doc_id and c.title for c in draft.citations)


# Minute allocation and block selection


@pytest.mark.parametrize("minutes", [15, 16, 22, 30, 45, 47, 60, 90, 133, 180])
@pytest.mark.parametrize("weights", [[3, 4, 3, 2, 1], [1, 2, 5, 1], [3, 1, 1], [10, 1, 1, 1]])
@pytest.mark.unit
def test_minutes_add_up_exactly_in_five_minute_blocks(minutes, weights):
    split = allocate(minutes, weights)
    assert sum(split) == minutes
    if len(weights) * 5 <= minutes:
        assert min(split) >= 5
        assert sum(m % 5 for m in split) == minutes % 5  # the odd minutes go to one block
    biggest = weights.index(max(weights))
    assert split[biggest] == max(split)


@pytest.mark.unit
def test_longer_blocks_get_more_time():
    assert allocate(60, [1, 2, 5, 1]) == [5, 15, 35, 5]


@pytest.mark.parametrize(
    ("session", "kept"),
    [
        ("first", ["Goals", "Expectations, roles and boundaries", "Cadence and communication"]),
        ("stalled-reset", ["What changed", "Re-evaluating goals", "New cadence and format"]),
        ("closing", ["Accomplishments", "Gratitude", "Staying in touch"]),
    ],
)
@pytest.mark.unit
def test_short_sessions_drop_blocks_but_keep_the_essentials(session, kept):
    request = AgendaRequest(session=session, minutes=15, goals=["a goal"])
    titles = [block.title for block in select_blocks(agendas().sessions[session], request)]
    assert len(titles) == 3
    assert all(any(title.startswith(k) for title in titles) for k in kept)


@pytest.mark.unit
def test_optional_blocks_appear_only_with_their_input():
    regular = agendas().sessions["regular"]
    without = select_blocks(regular, AgendaRequest(goals=["a goal"]))
    with_challenge = select_blocks(regular, AgendaRequest(goals=["a goal"], challenges=["time"]))
    assert "Current challenges" not in [b.title for b in without]
    assert "Current challenges" in [b.title for b in with_challenge]


# Agendas


@pytest.fixture(scope="module")
def first_agenda(coach):
    request = AgendaRequest(
        session="first", minutes=45, goals=GOALS, challenges=["little time between projects"]
    )
    return coach.agenda(request)


@pytest.mark.integration
def test_first_session_agenda_is_timed_grounded_and_covers_the_basics(first_agenda):
    agenda = first_agenda
    assert agenda.backend == "composer" and agenda.warnings == []
    assert sum(item.minutes for item in agenda.items) == 45
    assert all(item.minutes >= 5 for item in agenda.items)
    titles = " ".join(item.title for item in agenda.items).lower()
    for topic in ("goals", "expectations", "boundaries", "cadence", "communication channels"):
        assert topic in titles
    focus = [entry for item in agenda.items for entry in item.focus]
    assert focus == [*(f"Goal: {g}" for g in GOALS), "Challenge: little time between projects"]
    assert all(item.citations and item.purpose for item in agenda.items)
    assert all(p.endswith("?") for item in agenda.items for p in map(_unmarked, item.prompts))
    assert agenda.prepare and agenda.follow_up
    assert "first-session" in {c.doc_id for c in agenda.citations}
    assert_grounded(agenda)


def _unmarked(text: str) -> str:
    return re.sub(r"\s*\[\d+\]$", "", text)


@pytest.mark.parametrize(
    ("session", "topics"),
    [
        ("stalled-reset", ["what changed", "goals", "cadence"]),
        ("closing", ["accomplishments", "gratitude", "staying in touch"]),
        ("midpoint-review", ["look back", "working", "decide"]),
        ("regular", ["check-in", "progress", "goals", "challenges", "wrap-up"]),
    ],
)
@pytest.mark.integration
def test_each_session_type_has_its_own_blocks(coach, session, topics):
    request = AgendaRequest(
        session=session,
        minutes=60,
        goals=["lead a cross-team project"],
        challenges=["meetings keep getting cancelled"],
        progress="drafted the project plan",
    )
    agenda = coach.agenda(request)
    titles = " ".join(item.title for item in agenda.items).lower()
    assert all(topic in titles for topic in topics), titles
    assert sum(item.minutes for item in agenda.items) == 60
    focus = " ".join(entry for item in agenda.items for entry in item.focus)
    assert "lead a cross-team project" in focus and "meetings keep getting cancelled" in focus
    assert_grounded(agenda)


@pytest.mark.integration
def test_agendas_follow_the_goals_given(coach):
    def goal_tips(goal: str) -> set[str]:
        agenda = coach.agenda(AgendaRequest(session="regular", goals=[goal]))
        goals_item = next(item for item in agenda.items if item.focus)
        return {c.doc_id for c in agenda.citations if c.n in goals_item.citations}

    sponsor = goal_tips("find a sponsor who will advocate for my promotion")
    network = goal_tips("build my network in the data science community")
    assert "sponsorship-vs-mentorship" in sponsor
    assert sponsor != network


@pytest.mark.integration
def test_style_and_role_shape_the_agenda(coach):
    request = AgendaRequest(
        goals=["get better at presenting"], mentoring_style="supportive", role="mentee"
    )
    agenda = coach.agenda(request)
    goals_item = next(item for item in agenda.items if item.focus)
    styles = {c.n for c in agenda.citations if c.doc_id == "mentorship-styles"}
    assert styles & set(goals_item.citations)
    assert not any(re.match(r"\W*mentors?\b", tip, re.I) for tip in agenda.prepare)


@pytest.mark.integration
def test_a_fifteen_minute_agenda_has_fewer_items(coach):
    agenda = coach.agenda(AgendaRequest(session="first", minutes=15, goals=GOALS))
    assert len(agenda.items) == 3
    assert [item.minutes for item in agenda.items] == [5, 5, 5]


@pytest.mark.integration
def test_agenda_renders_as_markdown_with_footnotes_and_as_plain_text(first_agenda):
    markdown = to_markdown(first_agenda)
    assert markdown.startswith("# First mentoring session: 45-minute agenda")
    assert "## 1. Introductions and backgrounds (" in markdown
    used = set(re.findall(r"\[\^(\d+)\](?!:)", markdown))
    defined = re.findall(r"^\[\^(\d+)\]: ", markdown, re.M)
    assert used == set(defined) == {str(c.n) for c in first_agenda.citations}
    text = to_text(first_agenda)
    assert "**" not in text and "[^" not in text and "\n#" not in text
    assert "\nSources:\n[1] " in text


# Feedback and its tone


@pytest.mark.integration
def test_feedback_follows_sbi_and_cites_each_part(coach):
    draft = coach.feedback(LENA)
    assert [p.label for p in draft.parts] == [
        "Ask permission",
        "Situation and behaviour",
        "Impact",
        "Invite a response",
        "Next step",
    ]
    sbi = draft.parts[1].text
    assert sbi == (
        "In yesterday's project meeting, you interrupted Lena twice while she was explaining "
        "the budget."
    )
    assert draft.parts[2].text.startswith("She stopped contributing")
    assert draft.parts[3].text.endswith("?") and draft.parts[4].text.endswith("?")
    assert all(part.citations for part in draft.parts)
    assert draft.tone == []
    assert draft.text == "\n\n".join(p.text for p in draft.parts)
    assert "giving-feedback-as-a-mentor" in {c.doc_id for c in draft.citations}
    assert_grounded(draft)
    assert "**Tone check:** no issues found." in to_markdown(draft)


@pytest.mark.integration
def test_feedback_uses_the_requested_next_step_and_direction(coach):
    request = LENA.model_copy(
        update={"request": "Let her finish before you come in", "direction": "mentee-to-mentor"}
    )
    draft = coach.feedback(request)
    assert draft.parts[-1].text == "My suggestion for next time: Let her finish before you come in."
    assert draft.subject == "Redirecting feedback for your mentor"
    assert "(mentee → mentor)" in to_markdown(draft)


@pytest.mark.integration
def test_harsh_feedback_gets_tone_warnings_and_the_words_to_avoid(coach):
    request = FeedbackRequest(
        situation="the team meeting",
        behavior="you always interrupt people, which is so unprofessional",
        impact="nobody else gets to speak",
    )
    draft = coach.feedback(request)
    assert {w.issue for w in draft.tone} == {"absolute", "label"}
    sources = {c.section for c in draft.citations if c.n in draft.parts[1].citations}
    assert "Words to avoid" in sources
    markdown = to_markdown(draft)
    assert "**absolute** (always)" in markdown and "**label** (unprofessional)" in markdown


@pytest.mark.parametrize(
    ("text", "issue", "words"),
    [
        ("You never prepare for our sessions.", "absolute", ["never"]),
        ("You interrupt every single time.", "absolute", ["every single time"]),
        ("Honestly, you were lazy and careless with the report.", "label", ["lazy", "careless"]),
        ("You have a bad attitude in meetings.", "vague", ["bad attitude"]),
        ("People are saying you are hard to work with.", "vague", ["people are saying"]),
        ("The launch slipped and it was your fault.", "blame", ["your fault"]),
        ("You made me look bad in front of the client.", "blame", ["you made me"]),
        ("Obviously you knew the deadline.", "sarcasm", ["obviously"]),
        ("Great, late again?!", "sarcasm", ["?!"]),
        ("Thanks a lot for the heads-up.", "sarcasm", ["thanks a lot"]),
    ],
)
@pytest.mark.unit
def test_tone_check_names_the_offending_words(text, issue, words):
    warnings = {w.issue: w for w in check_tone(text)}
    assert issue in warnings
    assert warnings[issue].words == words
    assert warnings[issue].suggestion


@pytest.mark.unit
def test_tone_check_flags_behaviour_with_nothing_observable():
    warnings = check_tone("In the review, rude.", behavior="rude")
    assert [(w.issue, w.words) for w in warnings] == [("label", ["rude"]), ("vague", ["rude"])]


@pytest.mark.unit
def test_tone_check_flags_excessive_length():
    warnings = check_tone(" ".join(["In the review you spoke over the client."] * 12))
    assert [(w.issue, w.words) for w in warnings] == [("length", ["96 words"])]


@pytest.mark.parametrize(
    "text",
    [
        "In Tuesday's review, you presented the budget before the options, and the directors "
        "asked for the options twice. We never heard the recommendation.",
        "When you shared the agenda two days early, everyone came prepared.",
    ],
)
@pytest.mark.unit
def test_tone_check_passes_clean_feedback(text):
    assert check_tone(text, behavior="you presented the budget before the options") == []


# Messages and agreements


@pytest.mark.parametrize(
    ("kind", "to", "must"),
    [
        ("reengage", "mentor", "such as a shorter call"),
        ("reengage", "mentee", "Are you still keen to continue"),
        ("thank-you", "mentor", "What helped most was"),
        ("thank-you", "mentee", "I've seen real growth"),
        ("ask-mentor", "mentor", "please don't worry"),
        ("reschedule", "mentee", "Could we meet at"),
    ],
)
@pytest.mark.integration
def test_messages_are_short_warm_and_use_placeholders(coach, kind, to, must):
    draft = coach.message(MessageRequest(kind=kind, to=to))
    assert must in draft.text
    assert draft.text.startswith("Hi {name},") and draft.text.endswith("{your name}")
    assert len(draft.text.split()) < 120
    assert all(part.citations for part in draft.parts if part.label != "Sign-off")
    assert_grounded(draft)


@pytest.mark.integration
def test_a_message_uses_what_the_person_gave(coach):
    request = MessageRequest(
        kind="reengage",
        name="Sam",
        sender="Alex",
        about="my move into product",
        detail="I've had a heavy quarter myself",
        times=["Tuesday 12:00", "Thursday 16:00"],
    )
    draft = coach.message(request)
    assert draft.text.startswith("Hi Sam,") and draft.text.endswith("Alex")
    assert "I've had a heavy quarter myself." in draft.text
    assert "our sessions on my move into product" in draft.text
    assert "Tuesday 12:00 or Thursday 16:00" in draft.text
    assert "{" not in draft.text


@pytest.mark.integration
def test_ask_mentor_cites_how_to_ask(coach):
    draft = coach.message(MessageRequest(kind="ask-mentor", about="leading a team"))
    assert draft.subject == "A short question about leading a team"
    assert "asking-someone-to-mentor-you" in {c.doc_id for c in draft.citations}


@pytest.mark.integration
def test_agreement_covers_every_section_with_placeholders_for_the_rest(coach):
    request = AgreementRequest(
        mentor="Sam", goals=["Lead the Q3 planning meeting"], cadence="every two weeks"
    )
    draft = coach.agreement(request)
    assert [s.title for s in draft.sections] == [
        "Goals",
        "Roles and responsibilities",
        "Cadence and channels",
        "Time commitment",
        "Confidentiality",
        "Boundaries",
        "Feedback",
        "Review date",
        "No-fault ending",
    ]
    clauses = {s.title: " ".join(s.clauses) for s in draft.sections}
    assert clauses["Goals"] == "Lead the Q3 planning meeting (by {date})"
    assert "We meet every two weeks for 60 minutes" in clauses["Cadence and channels"]
    assert (
        "{review date}" in clauses["Review date"]
        and "{mentee}" in clauses["Roles and responsibilities"]
    )
    assert all(section.citations for section in draft.sections)
    assert "mentoring-agreement" in {c.doc_id for c in draft.citations}
    assert_grounded(draft)
    assert "## No-fault ending" in to_markdown(draft)


# Request validation


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (AgendaRequest, {"minutes": 200, "goals": ["x"]}, "minutes: input should be less than"),
        (AgendaRequest, {"minutes": 10, "goals": ["x"]}, "(got 10)"),
        (AgendaRequest, {"goals": []}, "give at least one goal"),
        (AgendaRequest, {"goals": ["x"], "session": "kickoff"}, "session: input should be 'first'"),
        (FeedbackRequest, {"situation": "s", "behavior": "  ", "impact": "i"}, "behavior must not"),
        (MessageRequest, {"kind": "apology"}, "kind: input should be 'reengage'"),
        (
            MessageRequest,
            {"kind": "reengage", "style": "loud"},
            "style: input should be 'standard'",
        ),
        (AgendaRequest, {"goals": ["x"], "style": "supportive"}, "(got 'supportive')"),
    ],
)
@pytest.mark.unit
def test_bad_requests_are_input_errors_that_say_what_is_wrong(model, fields, message):
    with pytest.raises(InputError, match=re.escape(message)):
        build_request(model, **fields)


@pytest.mark.integration
def test_message_accepts_a_kind_and_fields(coach):
    from assistant.errors import InputError

    draft = coach.message("reschedule", to="mentee", name="Sam", times=["Tuesday 10:00"])
    assert draft.kind == "reschedule" and "Sam" in draft.text and "Tuesday 10:00" in draft.text
    assert draft.citations
    with pytest.raises(InputError, match="kind"):
        coach.message("serenade")


# Redirecting feedback is reworded, beside what was typed


@pytest.mark.parametrize(
    ("typed", "said", "left_out"),
    [
        (
            "you always interrupt people, it's lazy and unprofessional",
            "I noticed you interrupt people",
            ["always", "it's lazy and unprofessional"],
        ),
        (
            "you never send the agenda before our calls",
            "I noticed you didn't send the agenda before our calls",
            ["never"],
        ),
        ("you're always late to our 1:1s", "I noticed you were late to our 1:1s", ["always"]),
        (
            "you are so lazy",
            "I noticed {what they did or said, as a camera would record it}",
            ["you are so lazy"],
        ),
    ],
)
@pytest.mark.unit
def test_labels_and_absolutes_are_taken_out_and_what_happened_is_kept(typed, said, left_out):
    rewording = reword_behavior(typed)
    assert rewording is not None
    assert (rewording.original, rewording.rewritten, rewording.left_out) == (typed, said, left_out)


@pytest.mark.unit
def test_an_observable_behaviour_is_not_reworded():
    assert reword_behavior("you interrupted Lena twice while she was explaining the budget") is None


@pytest.mark.integration
def test_redirecting_feedback_sends_the_rewrite_and_shows_the_original_beside_it(coach):
    request = FeedbackRequest(
        situation="in Tuesday's team meeting",
        behavior="you always interrupt people, it's lazy and unprofessional",
        impact="others stopped sharing ideas",
        kind="redirecting",
    )
    draft = coach.feedback(request)
    assert draft.parts[1].text == "In Tuesday's team meeting, I noticed you interrupt people."
    assert not re.search(r"always|lazy|unprofessional", draft.text)
    assert {w.issue for w in draft.tone} == {"absolute", "label"}
    markdown = to_markdown(draft)
    assert f"You wrote: “{request.behavior}”" in markdown
    assert "The draft says: “I noticed you interrupt people”" in markdown
    reinforcing = coach.feedback(request.model_copy(update={"kind": "reinforcing"}))
    assert reinforcing.rewording is None and "always" in reinforcing.text


# Nothing borrowed: the text to send holds the person's words, ours and placeholders


def every_builtin_request():
    yield from (
        MessageRequest(kind=kind, to=to) for kind in get_args(MessageKind) for to in get_args(Party)
    )
    yield from (
        LENA,
        LENA.model_copy(update={"kind": "reinforcing", "direction": "mentee-to-mentor"}),
    )


@pytest.mark.integration
def test_no_draft_sends_a_sentence_of_the_guides(coach):
    guides = Borrowed(knowledge_text(coach.settings.knowledge_dir))
    borrowed = []
    for request in every_builtin_request():
        draft = (coach.feedback if isinstance(request, FeedbackRequest) else coach.message)(request)
        given = [str(v) for v in request.model_dump().values()]
        borrowed += guides.found_in(draft.text, given)
    agreement = coach.agreement(AgreementRequest(mentor="Ana", mentee="Bo", goals=GOALS))
    borrowed += [
        run for section in agreement.sections for c in section.clauses for run in guides.found_in(c)
    ]
    assert borrowed == []
    results = run_cases(coach, load_cases())
    assert len(results) == 30
    assert [(r.id, r.borrowed) for r in results if r.borrowed] == []
    assert [(r.id, r.kept_flagged) for r in results if r.kept_flagged] == []


@pytest.mark.unit
def test_a_borrowed_run_of_words_is_found_but_placeholders_and_common_phrases_are_not():
    guides = Borrowed(["Last time we talked about how you open presentations. How did it go?"])
    assert guides.found_in("Hi! Last time we talked about how you open presentations.") == [
        "last time we talked about how you",
        "time we talked about how you open",
        "we talked about how you open presentations",
    ]
    assert guides.found_in("Last time we talked, {how you open presentations}") == []
    assert guides.found_in("How did it go last time we talked?") == []
    assert guides.found_in("Presentations. How did it go?") == []
    said = "last time we talked about how you open presentations"
    assert guides.found_in(f"As you said: {said}.", given=[said]) == []


# Styles: a chat revises its last draft from the templates' variants, never by free rewriting

STYLES = get_args(DraftStyle)
FACTS = {
    "name": "Sam",
    "sender": "Alex",
    "about": "my move into product",
    "detail": "I've had a heavy quarter myself",
    "times": ["Tuesday 12:00", "Thursday 16:00"],
}
RECIPIENTS = [(t.kind, to) for t in message_templates().templates for to in t.to]
LENA_ASKS = LENA.model_copy(update={"request": "let others finish before you come in"})


def in_style(request, style: str):
    """The draft of ``request`` in ``style``, by the offline composer (no index needed)."""
    request = request.model_copy(update={"style": style})
    draft = {
        MessageRequest: draft_message,
        FeedbackRequest: draft_feedback,
        AgendaRequest: draft_agenda,
        AgreementRequest: draft_agreement,
    }[type(request)]
    return draft(FakeTools(), request)


def word_count(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("given", [{}, FACTS], ids=["placeholders", "facts"])
@pytest.mark.parametrize(("kind", "to"), RECIPIENTS)
@pytest.mark.unit
def test_a_short_message_keeps_the_greeting_ask_and_sign_off_in_60_percent_of_the_words(
    kind, to, given
):
    request = MessageRequest(kind=kind, to=to, **given)
    standard, short = in_style(request, "standard"), in_style(request, "short")
    assert (standard.style, short.style) == ("standard", "short")
    assert word_count(short.text) <= 0.6 * word_count(standard.text), short.text
    greeting = standard.text.split(",")[0]
    assert greeting in ("Hi Sam", "Hi {name}") and short.text.startswith(f"{greeting},")
    assert short.text.endswith("\nAlex" if given else "\n{your name}")
    asked = ("Tuesday 12:00 or Thursday 16:00", "my move into product")
    assert [f for f in asked if f in standard.text] == [f for f in asked if f in short.text]
    assert short.parts[-1].label == "Sign-off" and len(short.parts) < len(standard.parts)


@pytest.mark.parametrize(("kind", "to"), RECIPIENTS)
@pytest.mark.unit
def test_every_paragraph_has_its_own_wording_in_each_voice_and_keeps_every_fact(kind, to):
    request = MessageRequest(kind=kind, to=to, **FACTS)
    drafts = {style: in_style(request, style) for style in ("standard", *VOICES)}
    standard = drafts["standard"]
    assert len({draft.text for draft in drafts.values()}) == 4
    for style, draft in drafts.items():
        assert draft.style == style
        assert [p.label for p in draft.parts] == [p.label for p in standard.parts]
        for fact in ("Sam", "Alex", "my move into product", "Tuesday 12:00 or Thursday 16:00"):
            assert (fact in draft.text) == (fact in standard.text), (style, fact)
        if style != "standard":
            for ours, theirs in zip(draft.parts, standard.parts, strict=True):
                assert ours.text != theirs.text, (style, ours.label)
    for one, other in [("casual", "formal"), ("casual", "warm"), ("formal", "warm")]:
        pairs = zip(drafts[one].parts, drafts[other].parts, strict=True)
        assert all(a.text != b.text for a, b in pairs), (one, other)


@pytest.mark.parametrize("request_", [LENA, LENA_ASKS], ids=["question", "their-request"])
@pytest.mark.parametrize("kind", get_args(FeedbackKind))
@pytest.mark.unit
def test_feedback_in_each_style_keeps_what_the_person_typed(kind, request_):
    request = request_.model_copy(update={"kind": kind})
    drafts = {style: in_style(request, style) for style in STYLES}
    typed = {p.label: p.text for p in drafts["standard"].parts[1:3]}
    assert typed["Situation and behaviour"].startswith("In yesterday's project meeting, ")
    for style, draft in drafts.items():
        assert draft.style == style
        assert {p.label: p.text for p in draft.parts if p.label in typed} == typed
        if request.request:
            assert request.request in draft.text
    assert len({draft.text for draft in drafts.values()}) == len(STYLES)
    short, standard = drafts["short"], drafts["standard"]
    assert [p.label for p in short.parts] == ["Situation and behaviour", "Impact", "Next step"]
    if not request.request:  # what they typed is never cut: 60% holds for feedback this long
        assert word_count(short.text) <= 0.6 * word_count(standard.text), short.text


@pytest.mark.unit
def test_no_style_sends_a_sentence_of_the_guides():
    guides = Borrowed(knowledge_text(builtin_knowledge()))
    borrowed = []
    # not FACTS: a guide's example message has those very name and times
    facts = {"name": "Priya", "about": "public speaking", "times": ["Mon 9:30", "Wed 15:00"]}
    requests = [MessageRequest(kind=k, to=to, **g) for k, to in RECIPIENTS for g in ({}, facts)]
    for request in [*requests, LENA, LENA_ASKS.model_copy(update={"kind": "reinforcing"})]:
        given = [str(value) for value in request.model_dump().values()]
        for style in STYLES:
            borrowed += guides.found_in(in_style(request, style).text, given)
    agreement = AgreementRequest(mentor="Ana", mentee="Bo", goals=GOALS)
    for style in STYLES:  # an agreement's clauses are sent too
        clauses = [clause for s in in_style(agreement, style).sections for clause in s.clauses]
        borrowed += [run for clause in clauses for run in guides.found_in(clause)]
    assert borrowed == []


@pytest.mark.parametrize("session", get_args(SessionType))
@pytest.mark.unit
def test_a_short_agenda_keeps_the_essential_blocks_with_one_question_each(session):
    request = AgendaRequest(session=session, minutes=60, goals=GOALS)
    standard, short = in_style(request, "standard"), in_style(request, "short")
    assert (standard.style, short.style) == ("standard", "short")
    assert len(short.items) < len(standard.items)
    blocks = {block.title: block for block in agendas().sessions[session].blocks}
    for item in short.items:
        assert blocks[item.title].priority == 1 or item.focus, item.title
        assert len(item.prompts) == 1 and len(item.tips) == 1
    assert sum(item.minutes for item in short.items) == 60
    assert [e for item in short.items for e in item.focus] == [f"Goal: {g}" for g in GOALS]
    assert (len(short.prepare), len(short.follow_up)) == (2, 1)
    assert (len(standard.prepare), len(standard.follow_up)) == (4, 3)
    assert [i.purpose for i in short.items] == [blocks[i.title].purpose.text for i in short.items]


@pytest.mark.unit
def test_a_short_agreement_keeps_only_the_essential_sections():
    request = AgreementRequest(mentor="Ana", mentee="Bo", goals=GOALS, months=6)
    standard, short = in_style(request, "standard"), in_style(request, "short")
    kept = ["Goals", *(s.title for s in agreement_sections().sections if s.short)]
    assert [s.title for s in short.sections] == kept
    assert len(kept) < len(standard.sections) and short.style == "short"
    assert short.sections[0] == standard.sections[0]
    assert [s.clauses for s in short.sections] == [
        s.clauses for s in standard.sections if s.title in kept
    ]


VOICE_PAIRS = [("casual", "formal"), ("casual", "warm"), ("formal", "warm")]
BLANK = re.compile(r"\{[^{}]+\}")  # a placeholder left for the person to fill in


@pytest.mark.parametrize("session", get_args(SessionType))
@pytest.mark.unit
def test_an_agenda_in_each_voice_rewords_every_purpose_and_keeps_the_rest(session):
    request = AgendaRequest(
        session=session, goals=GOALS, progress="led one meeting", challenges=["nerves"]
    )
    drafts = {style: in_style(request, style) for style in ("standard", *VOICES)}
    standard = drafts["standard"]
    shown = {block.title for block in agendas().sessions[session].blocks}
    assert {item.title for item in standard.items} == shown  # every block, so every purpose
    for style, draft in drafts.items():
        assert draft.style == style
        assert (draft.title, draft.session, draft.minutes) == (
            standard.title,
            standard.session,
            standard.minutes,
        )
        assert [item.model_dump(exclude={"purpose"}) for item in draft.items] == [
            item.model_dump(exclude={"purpose"}) for item in standard.items
        ]
        assert (draft.prepare, draft.follow_up) == (standard.prepare, standard.follow_up)
        assert draft.citations == standard.citations
        if style != "standard":
            for ours, theirs in zip(draft.items, standard.items, strict=True):
                assert ours.purpose != theirs.purpose, (style, ours.title)
    for one, other in VOICE_PAIRS:
        pairs = zip(drafts[one].items, drafts[other].items, strict=True)
        assert all(a.purpose != b.purpose for a, b in pairs), (one, other)
    assert len({to_text(draft) for draft in drafts.values()}) == len(drafts)


@pytest.mark.unit
def test_an_agreement_in_each_voice_rewords_every_clause_and_keeps_every_fact():
    request = AgreementRequest(
        mentor="Ana",
        mentee="Bo",
        goals=GOALS,
        cadence="every two weeks",
        minutes=45,
        channels=["video", "phone"],
        months=6,
        review="1 March",
    )
    facts = ["Ana", "Bo", *GOALS, "every two weeks", "45", "video or phone", "6 months", "1 March"]
    drafts = {style: in_style(request, style) for style in ("standard", *VOICES)}
    standard = drafts["standard"]
    for style, draft in drafts.items():
        assert draft.style == style and draft.title == standard.title
        assert [s.title for s in draft.sections] == [s.title for s in standard.sections]
        assert [s.guidance for s in draft.sections] == [s.guidance for s in standard.sections]
        assert draft.citations == standard.citations
        assert draft.sections[0] == standard.sections[0]  # the goals are the person's own
        for ours, theirs in zip(draft.sections[1:], standard.sections[1:], strict=True):
            assert len(ours.clauses) == len(theirs.clauses)
            for clause, standard_clause in zip(ours.clauses, theirs.clauses, strict=True):
                kept = [fact for fact in facts if fact in clause]
                assert kept == [fact for fact in facts if fact in standard_clause], clause
                assert sorted(BLANK.findall(clause)) == sorted(BLANK.findall(standard_clause))
                if style != "standard":
                    assert clause != standard_clause, (style, clause)
    for one, other in VOICE_PAIRS:
        for a, b in zip(drafts[one].sections[1:], drafts[other].sections[1:], strict=True):
            assert all(x != y for x, y in zip(a.clauses, b.clauses, strict=True)), (one, other)


@pytest.mark.parametrize("kind", ["agenda", "agreement"])
@pytest.mark.unit
def test_a_chat_asking_for_an_agenda_or_agreement_in_another_voice_gets_it(kind):
    def write(request):
        return in_style(request, request.style)

    writer, state = DraftWriter(write), ConversationState()
    shown = {
        style: writer.written(LastDraft(kind=kind, style=style), state, "mentor").text
        for style in ("standard", *VOICES)
    }
    assert len(set(shown.values())) == len(shown)
    first = agendas().sessions["regular"].blocks[0].purpose
    if kind == "agreement":
        first = agreement_sections().sections[0].clauses[0]
    for style, text in shown.items():
        assert first.voiced(style) in text, style


@pytest.mark.unit
def test_every_voice_of_an_agenda_purpose_and_agreement_clause_keeps_its_placeholders():
    wordings = [block.purpose for s in agendas().sessions.values() for block in s.blocks]
    wordings += [clause for section in agreement_sections().sections for clause in section.clauses]
    with_placeholders = 0
    for wording in wordings:
        needed = placeholders(wording.text)
        with_placeholders += bool(needed)
        for voice in VOICES:
            variant = getattr(wording, voice)
            assert variant and variant != wording.text, (voice, wording.text)
            assert placeholders(variant) == needed, (voice, variant)
    assert with_placeholders >= 10  # the agreement's clauses name the people, dates and times


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.unit
def test_an_llm_is_told_the_style_and_given_the_composers_draft_in_it(style, fake_backend):
    seen = []

    class Fake:
        def with_structured_output(self, schema):
            return RunnableLambda(lambda messages: seen.append(messages) or None)

    fake_backend("openai", Fake())
    request = MessageRequest(kind="reschedule", name="Sam", style=style)
    draft = draft_message(FakeTools(), request, backend="openai")
    assert draft.backend == "composer" and "no structured output" in draft.warnings[0]
    (system, human) = seen[0]
    assert [told for told, note in STYLE_NOTES.items() if note in system[1]] == [style]
    assert f'"style":"{style}"' in human[1] and draft.parts[0].text in human[1]


@pytest.mark.integration
def test_short_drafts_are_grounded_in_the_real_index(coach):
    agenda = coach.agenda(AgendaRequest(session="first", goals=GOALS, style="short"))
    agreement = coach.agreement(AgreementRequest(mentor="Ana", style="short"))
    message = coach.message(MessageRequest(kind="ask-mentor", style="formal"))
    for draft in (agenda, agreement, message):
        assert draft.warnings == [] and draft.style in ("short", "formal")
        assert_grounded(draft)
