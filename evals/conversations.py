"""Conversation evaluation: multi-turn cases, each turn with what it asks for and what a good
reply does, run through ``Coach.ask`` in one stored conversation per case.

A case (``datasets/conversations/*.yaml``) has an id, a role and turns; each turn has the
person's ``user`` text, its expected dialogue ``act``, and optionally the ``draft`` kind it asks
for or revises, the ``revision`` it asks for, ``max_words``, ``key_points`` (alternative regexes
per point) and ``must_include`` (facts from earlier turns a draft must carry). ``coach eval
conversations`` prints the figures and writes a report; ``python -m evals.conversations``
too. Works on any release whose answers record ``act`` and ``draft_kind`` (an earlier one
counts a message ended by its answer as its only draft, and has no acts).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.errors import InputError
from assistant.models import Answer, Role
from assistant.resources import package_folder
from evals.dataset import compile_key_point, normalize_key_points

CONVERSATIONS = package_folder("evals", "datasets") / "conversations"
DEFAULT_CONVERSATIONS = CONVERSATIONS / "dev.yaml"
FIRST_WORDS = 250
LATER_WORDS = 200
SHORTER = 0.6  # "shorter": at most this share of the previous reply's words
REPEAT_SHARE = 0.5  # a reply repeats the previous one when this share of its lines was shown
# The reply's mode a turn's act calls for.
EXPECTED_MODE = {"disclosure": "escalation", "off_topic": "refusal"}


class ConversationTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1)
    act: str
    draft: str | None = None
    revision: str | None = None
    max_words: int | None = None
    key_points: list[list[str]] = Field(default_factory=list)
    must_include: list[str] = Field(default_factory=list)

    _points = field_validator("key_points", mode="before")(normalize_key_points)


class ConversationCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    role: Role = "mentee"
    description: str = ""
    turns: list[ConversationTurn] = Field(min_length=1)


class TurnResult(BaseModel):
    case: str
    turn: int
    user: str
    expected_act: str
    act: str | None
    mode: str
    draft_kind: str | None
    words: int
    limit: int
    draft_ok: bool | None = None  # a draft request: a draft of the kind asked for
    revision_ok: bool | None = None  # a revision: honoured
    repeated: bool | None = None  # a follow-up: repeats the previous reply
    mode_ok: bool
    key_points: float | None = None
    included: float | None = None
    ms: float
    reply: str


class ConversationReport(BaseModel):
    dataset: str
    cases: int
    turns: list[TurnResult]
    figures: dict[str, float | int | None]


def load_conversations(path: Path) -> list[ConversationCase]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = [ConversationCase.model_validate(case) for case in raw]
    except (OSError, yaml.YAMLError, TypeError, ValueError) as exc:
        raise InputError(
            f"{path} is not a conversation set ({str(exc).splitlines()[0]}).",
            "See evals/README.md for the format.",
        ) from None
    if not cases:
        raise InputError(f"{path} holds no conversations.")
    return cases


def resolve(path: str | Path) -> Path:
    """A shipped set by name ('dev', 'blind') or a path."""
    named = CONVERSATIONS / f"{path}.yaml"
    return named if named.is_file() else Path(path)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()).lower() for line in text.splitlines() if len(line.split()) > 3]


def repeats(reply: str, previous: str) -> bool:
    """Whether ``reply`` opens like ``previous`` or most of its lines were already shown."""
    mine, theirs = _lines(reply), set(_lines(previous))
    if not mine or not theirs:
        return False
    same_opening = mine[0] == _lines(previous)[0]
    return same_opening or sum(line in theirs for line in mine) / len(mine) >= REPEAT_SHARE


def draft_kind(answer: Answer) -> str | None:
    """The kind of draft a reply holds (a release before acts: its ended-with message)."""
    kind = getattr(answer, "draft_kind", None)
    return kind or ("message" if answer.draft else None)


def _covered(points: list[list[str]], text: str) -> float | None:
    if not points:
        return None
    return sum(any(p.search(text) for p in compile_key_point(a)) for a in points) / len(points)


def run_case(ask: Callable[..., Answer], case: ConversationCase, results: list[TurnResult]) -> None:
    session: str | None = None
    previous = ""
    previous_draft = ""
    for number, turn in enumerate(case.turns, start=1):
        started = time.perf_counter()
        answer = ask(turn.user, case.role, session_id=session, store=True)
        ms = (time.perf_counter() - started) * 1000
        session = answer.session_id or session
        text = answer.text
        kind = draft_kind(answer)
        limit = turn.max_words or (
            FIRST_WORDS if number == 1 or turn.act == "new_question" else LATER_WORDS
        )
        result = TurnResult(
            case=case.id,
            turn=number,
            user=turn.user,
            expected_act=turn.act,
            act=getattr(answer, "act", None),
            mode=answer.mode,
            draft_kind=kind,
            words=len(text.split()),
            limit=limit,
            mode_ok=answer.mode == EXPECTED_MODE.get(turn.act, "answer"),
            key_points=_covered(turn.key_points, text),
            included=_covered([[m] for m in turn.must_include], answer.draft or text)
            if turn.must_include
            else None,
            ms=round(ms, 1),
            reply=text,
        )
        if turn.act == "draft_request":
            result.draft_ok = kind is not None and (turn.draft is None or kind == turn.draft)
        if turn.act == "revision":
            changed = bool(answer.draft) and answer.draft != previous_draft
            if turn.revision == "shorter":
                result.revision_ok = result.words <= SHORTER * len(previous.split())
            else:
                result.revision_ok = changed and (turn.draft is None or kind == turn.draft)
        if turn.act in ("follow_up", "more", "clarify_answer"):
            result.repeated = repeats(text, previous)
        results.append(result)
        previous = text
        previous_draft = answer.draft or previous_draft


def _share(values: list[bool | None]) -> float | None:
    given = [v for v in values if v is not None]
    return round(sum(given) / len(given), 3) if given else None


def figures(turns: list[TurnResult]) -> dict[str, float | int | None]:
    """The set's figures: act accuracy, drafts, revisions, repeats, modes and words."""
    acts = [t.act == t.expected_act for t in turns if t.act is not None]
    return {
        "turns": len(turns),
        "act_accuracy": round(sum(acts) / len(acts), 3) if acts else None,
        "drafts_given": _share([t.draft_ok for t in turns]),
        "draft_requests": sum(t.draft_ok is not None for t in turns),
        "revisions_honoured": _share([t.revision_ok for t in turns]),
        "revisions": sum(t.revision_ok is not None for t in turns),
        "repeats": sum(bool(t.repeated) for t in turns),
        "follow_ups": sum(t.repeated is not None for t in turns),
        "modes": _share([t.mode_ok for t in turns]),
        "median_words": statistics.median(t.words for t in turns),
        "over_limit": sum(t.words > t.limit for t in turns),
        "key_points": round(statistics.mean(k), 3)
        if (k := [t.key_points for t in turns if t.key_points is not None])
        else None,
        "included": round(statistics.mean(i), 3)
        if (i := [t.included for t in turns if t.included is not None])
        else None,
        "median_ms": round(statistics.median(t.ms for t in turns), 1),
    }


def evaluate_conversations(
    ask: Callable[..., Answer],
    path: Path,
    progress: Callable[[int, int, str], Any] | None = None,
) -> ConversationReport:
    cases = load_conversations(path)
    results: list[TurnResult] = []
    for done, case in enumerate(cases, start=1):
        run_case(ask, case, results)
        if progress:
            progress(done, len(cases), case.id)
    return ConversationReport(
        dataset=str(path), cases=len(cases), turns=results, figures=figures(results)
    )


def failures(report: ConversationReport) -> list[str]:
    lines = []
    for t in report.turns:
        problems = [
            "act " + f"{t.act} (expected {t.expected_act})"
            if t.act and t.act != t.expected_act
            else "",
            "no draft of the kind asked" if t.draft_ok is False else "",
            "revision not honoured" if t.revision_ok is False else "",
            "repeats the previous reply" if t.repeated else "",
            f"mode {t.mode}" if not t.mode_ok else "",
            f"{t.words} words (limit {t.limit})" if t.words > t.limit else "",
        ]
        if found := [p for p in problems if p]:
            lines.append(f"{t.case} turn {t.turn} “{t.user[:60]}”: {'; '.join(found)}")
    return lines


def to_markdown(report: ConversationReport) -> str:
    lines = [f"# Conversation evaluation: {report.dataset}", "", "| figure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in report.figures.items()]
    lines += ["", "## Turns that missed", ""]
    lines += [f"- {line}" for line in failures(report)] or ["- none"]
    return "\n".join(lines) + "\n"


def write_report(report: ConversationReport, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "conversations.json", folder / "conversations.md"]
    written[0].write_text(report.model_dump_json(indent=1), encoding="utf-8")
    written[1].write_text(to_markdown(report), encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default="dev")
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args()
    from assistant import Coach

    coach = Coach.open(args.home)
    report = evaluate_conversations(coach.ask, resolve(args.dataset))
    print(to_markdown(report))
    if args.report:
        write_report(report, args.report)


if __name__ == "__main__":
    main()
