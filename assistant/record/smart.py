"""The SMART check of a goal: which of Specific, Measurable and Time-bound its text (and its due
date) lacks, each with the question the smart-goals guide asks for it; Achievable and Relevant
are the person's to judge. The rules live in ``data/smart.yaml``."""

from __future__ import annotations

import re
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, PositiveInt, model_validator

from assistant.data_files import DataModel, Regex, Text, any_of, load_data_file, require_keys
from assistant.resources import package_folder

SMART_FILE = package_folder("assistant.record", "data") / "smart.yaml"
Letter = Literal["Specific", "Measurable", "Time-bound"]
LETTERS: tuple[Letter, ...] = ("Specific", "Measurable", "Time-bound")


class SmartRules(DataModel):
    """``data/smart.yaml``."""

    guide: Text
    questions: dict[Letter, Text]
    judge: Text
    vague_verbs: tuple[Regex, ...]
    detail_words: PositiveInt
    filler_words: tuple[Text, ...]
    measurable: tuple[Regex, ...]
    time_bound: tuple[Regex, ...]

    @model_validator(mode="after")
    def _every_letter(self) -> SmartRules:
        require_keys("questions", self.questions, LETTERS)
        return self

    @cached_property
    def patterns(self) -> dict[str, re.Pattern[str] | None]:
        """Each pattern list as one pattern, compiled once (not at every goal read)."""
        return {
            "vague": any_of(self.vague_verbs),
            "measurable": any_of(self.measurable),
            "time_bound": any_of(self.time_bound),
        }


def load_smart_rules(path: Path = SMART_FILE) -> SmartRules:
    return load_data_file(path, SmartRules)


@cache
def smart_rules() -> SmartRules:
    """The shipped rules, read once."""
    return load_smart_rules()


class Missing(BaseModel):
    letter: Letter
    question: str  # the guide's question for it
    guide: str  # the guide's id

    def __str__(self) -> str:
        return f"{self.letter}: {self.question} ({self.guide})"


class SmartCheck(BaseModel):
    missing: list[Missing]
    judge: str  # Achievable and Relevant: the person's to judge

    @property
    def lines(self) -> list[str]:
        return [str(m) for m in self.missing]


def _measurable(text: str, rules: SmartRules) -> bool:
    pattern = rules.patterns["measurable"]
    return bool(pattern and pattern.search(text))


def _time_bound(text: str, due: date | None, rules: SmartRules) -> bool:
    pattern = rules.patterns["time_bound"]
    return due is not None or bool(pattern and pattern.search(text))


def _specific(text: str, rules: SmartRules) -> bool:
    vague = rules.patterns["vague"]
    match = vague.match(text.strip()) if vague else None
    if match is None:
        return len(text.split()) > 1  # one word says no more than a direction
    filler = {w.lower() for w in rules.filler_words}
    detail = [w for w in re.findall(r"[\w'-]+", text[match.end() :]) if w.lower() not in filler]
    return len(detail) > rules.detail_words or _measurable(text[match.end() :], rules)


def check_goal(text: str, due: date | None = None) -> SmartCheck:
    """What a goal lacks of Specific, Measurable and Time-bound, with the guide's questions."""
    rules = smart_rules()
    has = {
        "Specific": _specific(text, rules),
        "Measurable": _measurable(text, rules),
        "Time-bound": _time_bound(text, due, rules),
    }
    return SmartCheck(
        missing=[
            Missing(letter=letter, question=rules.questions[letter], guide=rules.guide)
            for letter in LETTERS
            if not has[letter]
        ],
        judge=rules.judge,
    )


def smart_lines(text: str, due: date | None = None) -> list[str]:
    """``Goal.smart``: each missing letter with its question and the guide's id."""
    return check_goal(text, due).lines
