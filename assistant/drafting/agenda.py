"""Session agendas: timed blocks from a template per session type (``data/agendas.yaml``),
filled with cited practice. A short agenda keeps the blocks a short session would (``priority``
1 and those covering the mentee's inputs), asks one question per block and gives less practice;
a casual, formal or warm agenda has the same blocks, each purpose in that voice
(``styles.Voiced``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import PositiveInt, model_validator

from assistant.data_files import DataModel, Text, load_data_file, placeholders, require_keys
from assistant.drafting.grounding import Grounder
from assistant.drafting.models import (
    Agenda,
    AgendaBody,
    AgendaItem,
    AgendaRequest,
    Party,
    SessionType,
)
from assistant.drafting.styles import VoicedText
from assistant.drafting.writer import write
from assistant.resources import package_folder

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools

SLOT = 5  # minutes: blocks are multiples of this, when the session is long enough
AGENDAS_FILE = package_folder("assistant.drafting", "data") / "agendas.yaml"
Focus = Literal["goals", "challenges", "progress"]  # the request inputs a block can cover


class Block(DataModel):
    """A block of a session template. ``focus`` names the request inputs it covers; a block
    with focus inputs given is never dropped, one whose only focus is absent is left out."""

    title: Text
    purpose: VoicedText  # shown as written: a {blank} in it is left for the person to fill in
    query: Text
    weight: PositiveInt
    priority: PositiveInt = 1
    focus: tuple[Focus, ...] = ()
    optional: bool = False
    ask: Text | None = None  # query for its questions, when better found apart from its practice

    @model_validator(mode="after")
    def _shown_sometimes(self) -> Block:
        if self.optional and not self.focus:
            raise ValueError(f"block {self.title!r} is optional with no focus: it never appears")
        return self

    @model_validator(mode="after")
    def _voices_keep_blanks(self) -> Block:
        where = f"block {self.title!r}, purpose"
        try:
            blanks = placeholders(self.purpose.text)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        known = ", ".join(f"{{{name}}}" for name in sorted(blanks)) or "none"
        self.purpose.check(blanks, f"those of its text ({known})", where)
        return self


class Session(DataModel):
    title: Text
    blocks: tuple[Block, ...]
    prepare: Text
    follow_up: Text

    @model_validator(mode="after")
    def _has_fixed_block(self) -> Session:
        if all(block.optional for block in self.blocks):
            raise ValueError(f"{self.title!r} needs at least one block that is not optional")
        return self


class AgendaFile(DataModel):
    """``data/agendas.yaml``: what each role brings, and a template for every session type."""

    bring: dict[Party, Text]
    sessions: dict[SessionType, Session]

    @model_validator(mode="after")
    def _complete(self) -> AgendaFile:
        require_keys("bring", self.bring, get_args(Party))
        require_keys("sessions", self.sessions, get_args(SessionType))
        return self


def load_agendas(path: Path = AGENDAS_FILE) -> AgendaFile:
    return load_data_file(path, AgendaFile)


@cache
def agendas() -> AgendaFile:
    """The shipped agenda templates, read once."""
    return load_agendas()


def inputs_for(block: Block, request: AgendaRequest) -> list[tuple[str, str]]:
    """The request's inputs this block covers, as (label, text)."""
    given = {
        "goals": [("Goal", goal) for goal in request.goals],
        "challenges": [("Challenge", challenge) for challenge in request.challenges],
        "progress": [("Progress", request.progress)] if request.progress else [],
    }
    return [entry for name in block.focus for entry in given[name]]


def select_blocks(session: Session, request: AgendaRequest) -> list[Block]:
    """The template's blocks that apply, dropping the least important until each gets a slot
    (in a short agenda, until only those never dropped are left)."""
    blocks = [b for b in session.blocks if not (b.optional and not inputs_for(b, request))]
    short = request.style == "short"

    def rank(block: Block) -> int:
        return 1 if inputs_for(block, request) else block.priority

    while (short or len(blocks) * SLOT > request.minutes) and max(map(rank, blocks)) > 1:
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
    """One block: its questions and practice from the passages, and the mentee's own inputs
    (a short agenda asks one question and, for a block with inputs, skips its general tip)."""
    inputs = inputs_for(block, request)
    short = request.style == "short"
    found = grounder.search(block.query)
    tips = [] if short and inputs else grounder.advice(found, 1)
    if inputs:  # practice for what this mentee brings, so agendas follow their goals
        topics = "; ".join(text for _, text in inputs)
        tips += grounder.advice(grounder.search(f"{block.query}: {topics}"), 1)
    if request.mentoring_style and "goals" in block.focus:
        mentoring = request.mentoring_style
        tips += grounder.advice(grounder.search(f"when to be {mentoring} mentoring style"))
    asking = grounder.search(block.ask) if block.ask else found
    return AgendaItem(
        title=block.title,
        minutes=minutes,
        purpose=block.purpose.voiced(request.style),
        focus=[f"{label}: {text}" for label, text in inputs],
        prompts=grounder.questions(asking, 2 if minutes >= 10 and not short else 1),
        tips=tips,
    )


def draft_agenda(tools: DraftTools, request: AgendaRequest, backend: str | None = None) -> Agenda:
    """A timed agenda for the session whose prompts and tips cite the passages they came from."""
    templates = agendas()
    session = templates.sessions[request.session]
    grounder = tools.grounder(role=request.role)
    blocks = select_blocks(session, request)
    minutes = allocate(request.minutes, [block.weight for block in blocks])
    style = request.style
    each, after = (1, 1) if style == "short" else (2, 3)  # practice to bring, to do afterwards
    body = AgendaBody(
        title=f"{session.title}: {request.minutes}-minute agenda",
        items=[draft_item(grounder, b, m, request) for b, m in zip(blocks, minutes, strict=True)],
        prepare=grounder.advice(grounder.search(session.prepare), each)
        + grounder.advice(grounder.search(templates.bring[request.role]), each),
        follow_up=grounder.advice(grounder.search(session.follow_up), after),
    )
    written = write(
        tools.settings,
        body,
        grounder,
        backend,
        request,
        lambda b: agenda_problems(b, request),
        style,
    )
    return Agenda(
        **written.body.model_dump(),
        style=style,
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
