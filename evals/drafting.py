"""Drafting cases: does the text to send hold only the person's words, the product's own
template text and ``{placeholders}``?

For each case of ``datasets/drafting/requests.yaml`` (feedback and messages as people type
them) the draft is made with the composer and its text to send is checked for runs of words
shared with the knowledge documents (``assistant.drafting.borrowed``) and, in redirecting
feedback, for the labels and absolutes the case lists as typed. ``python -m evals.drafting``
prints the counts and exits 1 when anything was borrowed or left in.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from assistant import Coach
from assistant.drafting.borrowed import Borrowed
from assistant.drafting.models import FeedbackRequest, MessageRequest

CASES_FILE = Path(__file__).resolve().parent / "datasets" / "drafting" / "requests.yaml"


class DraftingCase(BaseModel):
    """One request as a person types it, and the words a redirecting draft must not keep."""

    id: str
    tool: Literal["feedback", "message"]
    request: dict[str, object]
    flagged: list[str] = Field(default_factory=list)


class DraftingResult(BaseModel):
    id: str
    text: str
    borrowed: list[str]
    kept_flagged: list[str]


def load_cases(path: Path = CASES_FILE) -> list[DraftingCase]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [DraftingCase.model_validate(case) for case in raw]


def knowledge_text(folder: Path) -> list[str]:
    """The knowledge documents, whose sentences a text to send must not carry."""
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))]


def run_case(coach: Coach, case: DraftingCase, guides: Borrowed) -> DraftingResult:
    if case.tool == "feedback":
        text = coach.feedback(FeedbackRequest.model_validate(case.request)).text
    else:
        text = coach.message(MessageRequest.model_validate(case.request)).text
    kept = [w for w in case.flagged if re.search(rf"\b{re.escape(w)}\b", text, re.I)]
    given = [str(value) for value in case.request.values()]
    borrowed = guides.found_in(text, given)
    return DraftingResult(id=case.id, text=text, borrowed=borrowed, kept_flagged=kept)


def run_cases(coach: Coach, cases: list[DraftingCase]) -> list[DraftingResult]:
    guides = Borrowed(knowledge_text(coach.settings.knowledge_dir))
    return [run_case(coach, case, guides) for case in cases]


def main() -> int:
    results = run_cases(Coach.open(), load_cases())
    borrowed = [r for r in results if r.borrowed]
    kept = [r for r in results if r.kept_flagged]
    for result in borrowed + kept:
        print(f"{result.id}: borrowed {result.borrowed} kept {result.kept_flagged}")
    print(
        f"{len(results)} drafts: {len(borrowed)} borrow from the guides, "
        f"{len(kept)} keep a flagged word"
    )
    return 1 if borrowed or kept else 0


if __name__ == "__main__":
    sys.exit(main())
