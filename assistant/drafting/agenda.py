"""Session agendas: timed blocks from a template per session type, filled with cited practice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.drafting.grounding import Grounder
from assistant.drafting.models import Agenda, AgendaBody, AgendaItem, AgendaRequest

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools

SLOT = 5  # minutes: blocks are multiples of this, when the session is long enough
BRING = {  # what the person preparing the agenda brings to any session
    "mentor": "reread your notes from the last meeting and bring anything you promised",
    "mentee": "before each meeting prepare: progress since last time, current challenges, wins",
}


@dataclass(frozen=True)
class Block:
    """A block of a session template. ``focus`` names the request inputs it covers; a block
    with focus inputs given is never dropped, one whose only focus is absent is left out."""

    title: str
    purpose: str
    query: str
    weight: int
    priority: int = 1
    focus: tuple[str, ...] = ()
    optional: bool = False
    ask: str = ""  # query for its questions, when they are better found apart from its practice


@dataclass(frozen=True)
class Session:
    title: str
    blocks: tuple[Block, ...]
    prepare: str
    follow_up: str


SESSIONS: dict[str, Session] = {
    "first": Session(
        "First mentoring session",
        (
            Block(
                "Introductions and backgrounds",
                "Get to know each other: your paths so far and what you each hope to gain.",
                "first session introductions: share your story, backgrounds and turning points",
                3,
                priority=2,
            ),
            Block(
                "Goals",
                "Talk through the mentee's draft goals and agree one to three to focus on first.",
                "first session talk through the mentee's draft goals and why they matter",
                4,
                focus=("goals", "challenges"),
            ),
            Block(
                "Expectations, roles and boundaries",
                "Agree roles, what you expect of each other, boundaries and confidentiality.",
                "first session expectations roles boundaries confidentiality off-limits topics",
                3,
            ),
            Block(
                "Cadence and communication channels",
                "Decide how often and how you meet, and how you reach each other in between.",
                "agree cadence how often to meet and communication channels reply times",
                2,
                ask="how often to meet: is monthly still right, or would more or less help?",
            ),
            Block(
                "Next steps",
                "Summarise the goals, agree first actions and book the next meeting.",
                "agreeing next steps at the end of the first session actions next meeting",
                1,
                priority=2,
                ask="finish by asking how did this feel, anything to do differently next time?",
            ),
        ),
        prepare="how to prepare for the first mentoring session background goals questions",
        follow_up="after the first session send goals agenda and agree next steps",
    ),
    "regular": Session(
        "Mentoring session",
        (
            Block(
                "Check-in",
                "Catch up: how things are and anything new since last time.",
                "start with an open question: what is taking up most of your energy right now",
                1,
                priority=3,
            ),
            Block(
                "Progress since last time",
                "Review the actions agreed last time and what happened.",
                "review the actions from last time: what did you do and what happened",
                2,
                priority=2,
                focus=("progress",),
            ),
            Block(
                "Goals",
                "Work on the goals, most important first.",
                "GROW coaching questions on the goal: reality, options and way forward",
                5,
                focus=("goals",),
            ),
            Block(
                "Current challenges",
                "Talk through where the mentee is stuck and what they could try.",
                "a situation where the mentee is stuck: what is happening, what have you tried",
                3,
                focus=("challenges",),
                optional=True,
            ),
            Block(
                "Wrap-up",
                "Agree action items with owners and dates, and the next meeting.",
                "end each session with one or two actions, an owner, a date and the next meeting",
                1,
                ask="way forward: what's the first step, and when will you take it?",
            ),
        ),
        prepare="what to bring to a mentoring meeting agenda progress challenges questions",
        follow_up="after the meeting send notes and action items keep a shared document",
    ),
    "stalled-reset": Session(
        "Restarting a stalled mentorship",
        (
            Block(
                "Reconnect",
                "Open warmly and acknowledge the gap without blame.",
                "assume good intent: most stalls come from competing priorities, not lost interest",
                1,
                priority=2,
            ),
            Block(
                "What changed",
                "Talk honestly about what changed and what got in the way.",
                "the what changed conversation: open honestly about the cancellations",
                3,
                focus=("progress", "challenges"),
            ),
            Block(
                "Re-evaluating goals",
                "Pick the goal that matters now; drop or park the rest.",
                "re-evaluate goals: pick one current goal that matters now, drop or park the rest",
                3,
                focus=("goals",),
            ),
            Block(
                "New cadence and format",
                "Agree a lighter rhythm that will reliably happen.",
                "restart with a new cadence shorter meetings recurring invite",
                2,
            ),
            Block(
                "Next steps",
                "Book the next dates and agree who sends the agenda.",
                "clear ownership: agree who sends the agenda; check in after restarted sessions",
                1,
                priority=2,
            ),
        ),
        prepare="before restarting a stalled mentorship: common causes, assume good intent",
        follow_up="after a restart: shorter meetings, a recurring invite, check the rhythm works",
    ),
    "midpoint-review": Session(
        "Mid-point review",
        (
            Block(
                "Look back",
                "Review how far each goal has moved, with evidence.",
                "mid-point review look back what has changed which goals have moved evidence",
                3,
                focus=("goals", "progress"),
            ),
            Block(
                "What's working",
                "Name the sessions and activities that helped most, and why.",
                "mid-point review what is working which sessions helped most",
                2,
                priority=2,
                ask="check-in questions: what has been most useful in our sessions?",
            ),
            Block(
                "What's not working",
                "Name what has felt slow, unclear or unhelpful; compare your ratings.",
                "mid-point review what is not working slow unclear compare ratings",
                2,
                priority=2,
                focus=("challenges",),
            ),
            Block(
                "Look forward: goals and cadence",
                "Decide what should change in goals, format or cadence.",
                "adjust goals cadence and format at the mid-point review",
                3,
            ),
            Block(
                "Decide and record",
                "Choose to continue, change or end, and write the changes down.",
                "decide to continue change or end and write down the changes in the agreement",
                1,
            ),
        ),
        prepare="how to prepare for a mid-point review goals progress log ratings",
        follow_up="after the review update the agreement and progress log with the changes",
    ),
    "closing": Session(
        "Closing session",
        (
            Block(
                "Accomplishments",
                "Reread the original goals: what was achieved, what changed, what is still open.",
                "closing conversation look back acknowledge accomplishments original goals",
                3,
                focus=("goals", "progress"),
                ask="closing questions: what would you tell yourself from six months ago?",
            ),
            Block(
                "Growth and lessons learned",
                "Name the growth each of you has seen and the lessons you take away.",
                "reflecting on lessons learned name the growth at the end of a mentorship",
                2,
                priority=2,
            ),
            Block(
                "What's next",
                "The mentee's next steps on their own, and who else could support them.",
                "what's next for the mentee after the mentorship who else could support them",
                2,
                priority=2,
                focus=("challenges",),
            ),
            Block(
                "Gratitude",
                "Say thank you, specifically, for what helped.",
                "saying thank you specifically at the end of a mentorship",
                1,
            ),
            Block(
                "Staying in touch",
                "Agree what contact, if any, you both want afterwards.",
                "staying in touch after the mentorship ends occasional update open door",
                1,
            ),
        ),
        prepare="prepare for the final session progress log list of wins thank-you note",
        follow_up="after the mentorship ends send a written thank-you and later an update",
    ),
}


def inputs_for(block: Block, request: AgendaRequest) -> list[tuple[str, str]]:
    """The request's inputs this block covers, as (label, text)."""
    given = {
        "goals": [("Goal", goal) for goal in request.goals],
        "challenges": [("Challenge", challenge) for challenge in request.challenges],
        "progress": [("Progress", request.progress)] if request.progress else [],
    }
    return [entry for name in block.focus for entry in given[name]]


def select_blocks(session: Session, request: AgendaRequest) -> list[Block]:
    """The template's blocks that apply, dropping the least important until each gets a slot."""
    blocks = [b for b in session.blocks if not (b.optional and not inputs_for(b, request))]

    def rank(block: Block) -> int:
        return 1 if inputs_for(block, request) else block.priority

    while len(blocks) * SLOT > request.minutes and max(map(rank, blocks)) > 1:
        worst = max(range(len(blocks)), key=lambda i: (rank(blocks[i]), i))
        del blocks[worst]
    return blocks


def allocate(minutes: int, weights: list[int]) -> list[int]:
    """Split ``minutes`` in proportion to ``weights``: at least one SLOT each (one minute when
    there are too many blocks for that), in whole slots, the leftover minutes on the largest."""
    slot = SLOT if len(weights) * SLOT <= minutes else 1
    slots, extra = divmod(minutes, slot)
    exact = [slots * w / sum(weights) for w in weights]
    counts = [max(1, int(share)) for share in exact]
    while sum(counts) > slots:  # the one-slot minimums overshot: trim the most over-served
        i = min(
            (i for i in range(len(counts)) if counts[i] > 1), key=lambda i: exact[i] - counts[i]
        )
        counts[i] -= 1
    while sum(counts) < slots:  # largest remainder first
        counts[max(range(len(counts)), key=lambda i: exact[i] - counts[i])] += 1
    result = [count * slot for count in counts]
    result[weights.index(max(weights))] += extra
    return result


def draft_item(
    grounder: Grounder, block: Block, minutes: int, request: AgendaRequest
) -> AgendaItem:
    """One block: its questions and practice from the passages, and the mentee's own inputs."""
    inputs = inputs_for(block, request)
    found = grounder.search(block.query)
    tips = grounder.advice(found, 1)
    if inputs:  # practice for what this mentee brings, so agendas follow their goals
        topics = "; ".join(text for _, text in inputs)
        tips += grounder.advice(grounder.search(f"{block.query}: {topics}"), 1)
    if request.style and "goals" in block.focus:
        tips += grounder.advice(grounder.search(f"when to be {request.style} mentoring style"))
    asking = grounder.search(block.ask) if block.ask else found
    return AgendaItem(
        title=block.title,
        minutes=minutes,
        purpose=block.purpose,
        focus=[f"{label}: {text}" for label, text in inputs],
        prompts=grounder.questions(asking, 2 if minutes >= 10 else 1),
        tips=tips,
    )


def draft_agenda(tools: DraftTools, request: AgendaRequest, backend: str | None = None) -> Agenda:
    """A timed agenda for the session whose prompts and tips cite the passages they came from."""
    session = SESSIONS[request.session]
    grounder = tools.grounder(role=request.role)
    blocks = select_blocks(session, request)
    minutes = allocate(request.minutes, [block.weight for block in blocks])
    body = AgendaBody(
        title=f"{session.title}: {request.minutes}-minute agenda",
        items=[draft_item(grounder, b, m, request) for b, m in zip(blocks, minutes, strict=True)],
        prepare=grounder.advice(grounder.search(session.prepare), 2)
        + grounder.advice(grounder.search(BRING[request.role]), 2),
        follow_up=grounder.advice(grounder.search(session.follow_up), 3),
    )
    written = tools.write(body, grounder, backend, request, lambda b: agenda_problems(b, request))
    return Agenda(
        **written.body.model_dump(),
        session=request.session,
        minutes=request.minutes,
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def agenda_problems(body: AgendaBody, request: AgendaRequest) -> list[str]:
    """Why an agenda does not fit its request (empty when it does)."""
    problems = []
    total = sum(item.minutes for item in body.items)
    if total != request.minutes:
        problems.append(f"its items add up to {total} minutes, not {request.minutes}")
    focus = " ".join(entry for item in body.items for entry in item.focus)
    missing = [g for g in [*request.goals, *request.challenges] if g not in focus]
    if missing:
        problems.append(f"it leaves out {', '.join(missing)}")
    if any(not item.citations for item in body.items):
        problems.append("an item cites no passage")
    return problems
