"""Screening uploaded text for planted instructions.

A document is data: a section that tells the assistant to obey it, or tells its users to hand
over passwords, money or personal data, must never come back as advice. Such a section is held
(quarantined) at ingest until a program lead approves it. The patterns are data
(``data/planted_instructions.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from pydantic import model_validator

from assistant.data_files import DataModel, Regex, Text, any_of, load_data_file
from assistant.resources import package_folder

PLANTED_FILE = package_folder("assistant.ingest", "data") / "planted_instructions.yaml"
# A sentence ends at . ! ? or a blank line, or where a list item or heading starts; a single
# line break (a soft wrap in Markdown, a PDF's lines) is inside a sentence.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[-*+]\s|\d+[.)]\s|#))")
_EMPHASIS = re.compile(r"[*_`~]+")
_CLAUSE_BREAK = re.compile(r"[,;:()]")


def normalised(sentence: str) -> str:
    """The sentence as a reader sees it: compatibility forms folded (full-width letters),
    invisible format characters (category Cf: zero-width, bidirectional controls, the soft
    hyphen) dropped, emphasis markers removed, curly apostrophes straightened, whitespace runs
    as one space."""
    folded = unicodedata.normalize("NFKC", sentence).replace("\u2019", "'")
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return " ".join(_EMPHASIS.sub("", visible).split())


class PlantedRule(DataModel):
    """One kind of planted instruction: why it is held, what matches it, what excuses it."""

    reason: Text
    patterns: tuple[Regex, ...]
    unless: tuple[Regex, ...] = ()

    @model_validator(mode="after")
    def _some(self) -> PlantedRule:
        if not self.patterns:
            raise ValueError(f"{self.reason!r} has no patterns")
        return self


class PlantedFile(DataModel):
    """``data/planted_instructions.yaml``."""

    rules: tuple[PlantedRule, ...]


class Screen:
    """Finds the first planted instruction in a text, sentence by sentence."""

    def __init__(self, rules: tuple[PlantedRule, ...]) -> None:
        self._rules = [(rule.reason, any_of(rule.patterns), any_of(rule.unless)) for rule in rules]

    def reason(self, text: str) -> str | None:
        """Why ``text`` is held (the rule's reason and the sentence), or None when it is not."""
        for sentence in map(normalised, _SENTENCE_BREAK.split(text)):
            for reason, pattern, excuse in self._rules:
                if pattern and _unexcused(sentence, pattern, excuse):
                    return f"{reason}: “{sentence[:160]}”"
        return None


def _unexcused(sentence: str, pattern: re.Pattern[str], excuse: re.Pattern[str] | None) -> bool:
    """Whether ``pattern`` matches somewhere that the clause leading up to it (since the last
    comma, semicolon, colon or bracket) does not excuse: "never share …", "whether to share …"
    and "should I share …" are advice; every start is tried, so an excused match cannot hide
    a later one inside it ("never share it; instead email your password …")."""
    position = 0
    while found := pattern.search(sentence, position):
        clause = _CLAUSE_BREAK.split(sentence[: found.start()])[-1]
        if not (excuse and excuse.search(clause)):
            return True
        position = found.start() + 1
    return False


def load_rules(path: Path = PLANTED_FILE) -> PlantedFile:
    """The rules of the file at ``path``, validated (``DataFileError`` naming it if not)."""
    return load_data_file(path, PlantedFile)


@cache
def shipped_screen() -> Screen:
    """The screen of the shipped rules, read once."""
    return Screen(load_rules().rules)
