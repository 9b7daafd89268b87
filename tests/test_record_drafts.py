"""The record's drafts: meeting notes read into proposals, the SMART check of a goal, the next
agenda and the follow-up from the record (over the real index), and the next meeting's .ics."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest

from assistant.database import Database
from assistant.drafting.render import to_text
from assistant.record.drafts import (
    agenda_request,
    draft_follow_up,
    draft_next_agenda,
    escape_text,
    fold,
    follow_up_request,
    next_meeting_day,
    next_meeting_ics,
)
from assistant.record.models import (
    ActionItem,
    Goal,
    GoalIn,
    Meeting,
    Mentorship,
    MentorshipIn,
    Record,
)
from assistant.record.notes import ME, WE, read_notes
from assistant.record.smart import check_goal
from assistant.record.store import RecordStore
from assistant.resources import builtin_knowledge

MEETING = date(2026, 12, 8)  # a Tuesday
NOW = datetime(2026, 12, 9, 8, 30, tzinfo=timezone.utc)


def found(notes: str, me: str = "Ben", other: str = "Priya") -> list[tuple[str, str, date | None]]:
    proposal = read_notes(notes, MEETING, me=me, other=other)
    return [(a.who, a.text, a.due) for a in proposal.actions]


# Meeting notes -> proposals

NOTES = [
    pytest.param(
        "- [ ] send CV to Priya by Friday",
        [(ME, "Send CV to Priya", date(2026, 12, 11))],
        id="checkbox-by-weekday",
    ),
    pytest.param(
        "Action: Ann to draft the proposal (due 12 Jan)",
        [("Ann", "Draft the proposal", date(2027, 1, 12))],
        id="action-label-due-next-year",
    ),
    pytest.param(
        "TODO update the portfolio site by 2026-12-20\ntodo ask Jo for the Q3 deck",
        [
            (ME, "Update the portfolio site", date(2026, 12, 20)),
            (ME, "Ask Jo for the Q3 deck", None),
        ],
        id="todo-iso-date",
    ),
    pytest.param(
        "I'll ask my manager about the budget tomorrow\nBen will review the deck next week",
        [
            (ME, "Ask my manager about the budget", date(2026, 12, 9)),
            (ME, "Review the deck", date(2026, 12, 15)),
        ],
        id="first-person-and-own-name",
    ),
    pytest.param(
        "talked thru the reorg, she's nervous but ok\n* ill send her the stakeholder map tmrw\n"
        "* priya to book time with her skip-level before 18 dec\n"
        "* we'll both re-read the promotion criteria",
        [
            (ME, "Send her the stakeholder map", date(2026, 12, 9)),
            ("Priya", "Book time with her skip-level", date(2026, 12, 18)),
            (WE, "Re-read the promotion criteria", None),
        ],
        id="lowercase-messy-bullets",
    ),
    pytest.param(
        "Notes\nDiscussed: how the first month went. Feedback from the team was positive.\n"
        "Actions:\n- Sam - set up a shadowing slot with the design lead\n"
        "- share the onboarding doc (Sam)\nNext steps:\n"
        "1. me: write up the 30-60-90 plan by end of week\n2) Sam: reply to recruiter 15/12",
        [
            ("Sam", "Set up a shadowing slot with the design lead", None),
            ("Sam", "Share the onboarding doc", None),
            (ME, "Write up the 30-60-90 plan", date(2026, 12, 11)),
            ("Sam", "Reply to recruiter", date(2026, 12, 15)),
        ],
        id="headed-sections-and-owner-forms",
    ),
    pytest.param(
        "Good session. We looked at his portfolio and the gaps in it. Lena will add two case "
        "studies by Jan 15, 2027. I need to send him the UX reading list. He seemed more "
        "confident than last time.",
        [
            ("Lena", "Add two case studies", date(2027, 1, 15)),
            (ME, "Send him the UX reading list", None),
        ],
        id="prose-paragraph",
    ),
    pytest.param(
        "TODO: follow up with HR about the course budget by next week\nAction items:\n"
        "- Jo — send the contract template (due Jan 5)\n"
        "- review the contract together on 6 January",
        [
            (ME, "Follow up with HR about the course budget", date(2026, 12, 15)),
            ("Jo", "Send the contract template", date(2027, 1, 5)),
            (ME, "Review the contract together", date(2027, 1, 6)),
        ],
        id="action-list-other-date-formats",
    ),
    pytest.param(
        "• ☐ draft LinkedIn summary by Monday\n• Lena will introduce me to the data team in two "
        "weeks\n• finish the course by end of month",
        [
            (ME, "Draft LinkedIn summary", date(2026, 12, 14)),
            ("Lena", "Introduce me to the data team", date(2026, 12, 22)),
            (ME, "Finish the course", date(2026, 12, 31)),
        ],
        id="unicode-bullets-relative-dates",
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(("notes", "expected"), NOTES)
def test_action_items_are_found_with_who_and_when(notes, expected):
    assert found(notes) == expected


@pytest.mark.unit
def test_ordinary_sentences_are_not_action_items():
    notes = """She talked about her manager and the team dynamics.
It will be a busy quarter for everyone.
Priya will be away in March.
The plan is to revisit this in spring.
Things will get easier once the launch is done.
Reply rates on her posts are low.
I think she has a good case.
We talked about whether to apply.
- feeling more confident about the presentation
- Context: new manager since October
- Priya is off on Friday
- presentation went well, lots of questions"""
    proposal = read_notes(notes, MEETING, me="Ben", other="Priya")
    assert proposal.actions == [] and proposal.agreed == [] and proposal.next_meeting is None


@pytest.mark.unit
def test_ticked_items_what_was_agreed_and_the_next_meeting():
    notes = """We agreed that Ann will draft the proposal by 12 January
Decision: focus on one goal this quarter
agreed - switch to fortnightly calls
- [x] book the course
next meeting Thursday 3pm, 30 min"""
    proposal = read_notes(notes, MEETING)
    assert proposal.agreed == [
        "Ann will draft the proposal by 12 January",
        "Focus on one goal this quarter",
        "Switch to fortnightly calls",
    ]
    assert [(a.who, a.text, a.due, a.done) for a in proposal.actions] == [
        ("Ann", "Draft the proposal", date(2027, 1, 12), False),
        (ME, "Book the course", None, True),
    ]
    meeting = proposal.next_meeting
    assert (meeting.day, meeting.at, meeting.minutes) == (date(2026, 12, 10), time(15), 30)
    for notes, expected in [
        ("next call: 2026-12-22 at 9am, 45 mins", (date(2026, 12, 22), time(9), 45)),
        (
            "We'll meet again next Tuesday at 10:30 for an hour",
            (date(2026, 12, 15), time(10, 30), 60),
        ),
        ("Next 1:1 on 5/1", (date(2027, 1, 5), None, None)),
    ]:
        meeting = read_notes(notes, MEETING).next_meeting
        assert (meeting.day, meeting.at, meeting.minutes) == expected, notes
    # A proposal makes the entries the person confirms; nothing is stored by reading.
    entry = proposal.actions[0].entry("m1", "meet1")
    assert (entry.who, entry.due, entry.meeting_id) == ("Ann", date(2027, 1, 12), "meet1")
    assert proposal.meeting("m1").agreed.splitlines()[1] == "Focus on one goal this quarter"


# SMART


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "due", "missing"),
    [
        ("Improve my public speaking", None, ["Specific", "Measurable", "Time-bound"]),
        ("get better at giving feedback", date(2027, 3, 1), ["Specific", "Measurable"]),
        ("Be more confident", None, ["Specific", "Measurable", "Time-bound"]),
        ("Lead a project with two other people", None, ["Time-bound"]),
        ("Complete an introductory SQL course by 30 April", None, []),
        (
            "Present our team's quarterly results to the department meeting by the end of June",
            None,
            [],
        ),
    ],
)
def test_the_smart_check_says_what_a_goal_lacks(text, due, missing):
    check = check_goal(text, due)
    assert [m.letter for m in check.missing] == missing
    assert all(m.guide == "smart-goals" for m in check.missing)
    assert "Achievable and Relevant" in check.judge


@pytest.mark.unit
def test_the_questions_are_the_guides_own():
    guide = (builtin_knowledge() / "smart-goals.md").read_text(encoding="utf-8")
    for missing in check_goal("improve").missing:
        for question in re.findall(r"[^?]+\?", missing.question):
            assert question.strip() in guide


@pytest.mark.unit
def test_stored_goals_carry_their_smart_check(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'coach.sqlite3'}")
    store = RecordStore(database)
    pair = store.add(MentorshipIn(role="mentee", other_name="Priya"))
    goal = store.add(GoalIn(mentorship_id=pair.id, text="Improve my public speaking"))
    assert [line.split(":")[0] for line in goal.smart] == ["Specific", "Measurable", "Time-bound"]
    assert goal.smart[1] == "Measurable: How will we know? What could I show you? (smart-goals)"
    updated = store.update("goal", goal.id, {"due": date(2027, 6, 30)})
    assert [line.split(":")[0] for line in updated.smart] == ["Specific", "Measurable"]
    assert store.record().goals[0].smart == updated.smart
    database.close()


# Drafts from the record


def stored(model, **fields):
    return model(source="by hand", created_at=NOW, **fields)


def a_record(last_held: date = MEETING) -> Record:
    """A mentor's record: Priya every 14 days, two goals, the last meeting's four items."""
    pair = stored(Mentorship, id="m1", role="mentor", other_name="Priya", cadence_days=14)
    goals = [
        stored(
            Goal,
            id="g1",
            mentorship_id="m1",
            text="Present at the all-hands by March",
            due=date(2027, 3, 31),
        ),
        stored(Goal, id="g2", mentorship_id="m1", text="Finish the SQL course", status="done"),
    ]
    meetings = [
        stored(
            Meeting,
            id="meet2",
            mentorship_id="m1",
            held_on=last_held,
            minutes=45,
            agreed="Focus on the all-hands talk first.\nMeet every two weeks, on video",
        ),
        stored(Meeting, id="meet1", mentorship_id="m1", held_on=last_held - timedelta(14)),
    ]
    actions = [
        stored(
            ActionItem,
            id="a1",
            mentorship_id="m1",
            meeting_id="meet2",
            text="Send Priya the talk outline",
            due=date(2026, 12, 11),
        ),
        stored(
            ActionItem,
            id="a2",
            mentorship_id="m1",
            meeting_id="meet2",
            text="Book a practice run, with slides; 10 min",
            who="Priya",
            due=date(2026, 12, 18),
        ),
        stored(
            ActionItem,
            id="a3",
            mentorship_id="m1",
            meeting_id="meet2",
            text="Ask the comms team for a slot",
            who="Priya",
        ),
        stored(
            ActionItem,
            id="a4",
            mentorship_id="m1",
            meeting_id="meet2",
            text="Share last year's deck",
            done=True,
        ),
    ]
    return Record(mentorships=[pair], goals=goals, meetings=meetings, actions=actions)


@pytest.mark.unit
def test_the_agenda_request_carries_the_open_items_and_the_goals():
    request = agenda_request(a_record(), "m1", MEETING + timedelta(7))
    assert request.session == "regular" and request.minutes == 45 and request.role == "mentor"
    assert request.goals == ["Present at the all-hands by March (open, due Wed 31 Mar)"]
    assert request.challenges == [
        "Carried over: Send Priya the talk outline (me, due Fri 11 Dec)",
        "Carried over: Book a practice run, with slides; 10 min (Priya, due Fri 18 Dec)",
        "Carried over: Ask the comms team for a slot (Priya)",
    ]
    assert request.progress == "Goals closed: Finish the SQL course (done)"
    assert "Share last year's deck" not in request.model_dump_json()
    stalled = agenda_request(a_record(MEETING - timedelta(30)), "m1", MEETING)
    assert stalled.session == "stalled-reset"


@pytest.mark.integration
def test_the_next_agenda_carries_every_open_item_and_none_done(coach):
    record = a_record()
    agenda = draft_next_agenda(coach.drafter, record, "m1", MEETING + timedelta(7))
    text = to_text(agenda)
    for item in record.actions:
        assert (item.text in text) is (not item.done), item.text
    assert agenda.citations and agenda.session == "regular"
    assert all(item.citations for item in agenda.items)


@pytest.mark.integration
def test_the_follow_up_says_what_was_agreed_and_the_items(coach):
    record = a_record()
    request = follow_up_request(record, "meet2", sender="Ben", next_time="Tue 22 Dec 10:00")
    assert request.kind == "follow-up" and request.to == "mentee" and request.name == "Priya"
    draft = draft_follow_up(
        coach.drafter, record, "meet2", sender="Ben", next_time="Tue 22 Dec 10:00"
    )
    assert "Focus on the all-hands talk first; Meet every two weeks, on video" in draft.text
    assert "- Send Priya the talk outline (me, by Fri 11 Dec)" in draft.text
    assert "- Ask the comms team for a slot (you)" in draft.text
    assert "Tue 22 Dec 10:00" in draft.text and draft.text.endswith("Ben")
    assert draft.citations and "{" not in draft.text


def unfold(ics: str) -> list[str]:
    """RFC 5545 content lines: CRLF line ends, a CRLF and one space is a fold."""
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    physical = ics.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    return ics.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


@pytest.mark.unit
def test_the_next_meeting_as_an_ics_file():
    record = a_record()
    ics = next_meeting_ics(record, "m1", NOW, day=date(2026, 12, 22), at=time(10))
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    fields = dict(line.split(":", 1) for line in lines)
    assert fields["VERSION"] == "2.0" and fields["PRODID"]
    assert fields["UID"] == "m1-20261222@mentor-coach"
    assert fields["DTSTAMP"] == "20261209T083000Z"
    assert (fields["DTSTART"], fields["DTEND"]) == ("20261222T100000", "20261222T104500")
    assert fields["SUMMARY"] == "Mentoring session with Priya"
    description = unescape(fields["DESCRIPTION"])
    assert description.splitlines() == [
        "Open action items:",
        "- Send Priya the talk outline (me, due Fri 11 Dec)",
        "- Book a practice run, with slides; 10 min (Priya, due Fri 18 Dec)",
        "- Ask the comms team for a slot (Priya)",
    ]
    assert "slides\\; 10 min" in fields["DESCRIPTION"] and "run\\, with" in fields["DESCRIPTION"]
    assert "Share last year's deck" not in description
    # Without a date: the last meeting held plus the cadence, a whole-day event.
    assert next_meeting_day(record, "m1", MEETING) == date(2026, 12, 22)
    whole_day = dict(line.split(":", 1) for line in unfold(next_meeting_ics(record, "m1", NOW)))
    assert whole_day["DTSTART;VALUE=DATE"] == "20261222"
    assert whole_day["DTEND;VALUE=DATE"] == "20261223"


@pytest.mark.unit
def test_folding_and_escaping():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    line = "DESCRIPTION:" + "é" * 80
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line  # never inside a character
    assert fold("SUMMARY:short") == "SUMMARY:short"


@pytest.mark.unit
def test_open_items_beyond_five_still_reach_the_agenda():
    record = a_record()
    extra = [
        stored(ActionItem, id=f"x{n}", mentorship_id="m1", meeting_id="meet2", text=f"Item {n}")
        for n in range(4)
    ]
    record = record.model_copy(update={"actions": record.actions + extra})
    request = agenda_request(record, "m1", MEETING + timedelta(7))
    assert len(request.challenges) == 5
    inputs = " ".join([*request.challenges, request.progress or ""])
    assert all(item.text in inputs for item in record.actions if not item.done)
    assert request.progress.startswith("Also open: Carried over: Item 2 (me)")
