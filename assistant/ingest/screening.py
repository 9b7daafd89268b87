"""Screening uploaded text for planted instructions.

A document is data: a section that tells the assistant to obey it, or tells its users to hand
over passwords, money or personal data, must never come back as advice. Such a section is held
(quarantined) at ingest until a program lead approves it. The patterns are data
(``data/planted_instructions.yaml``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import model_validator

from assistant.data_files import DataModel, Regex, Text, any_of, load_data_file
from assistant.resources import package_folder

PLANTED_FILE = package_folder("assistant.ingest", "data") / "planted_instructions.yaml"
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


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
        for sentence in _SENTENCE_BREAK.split(text):
            for reason, pattern, excuse in self._rules:
                if (
                    pattern
                    and pattern.search(sentence)
                    and not (excuse and excuse.search(sentence))
                ):
                    quoted = " ".join(sentence.split())
                    return f"{reason}: “{quoted[:160]}”"
        return None


def load_rules(path: Path = PLANTED_FILE) -> PlantedFile:
    """The rules of the file at ``path``, validated (``DataFileError`` naming it if not)."""
    return load_data_file(path, PlantedFile)


@cache
def shipped_screen() -> Screen:
    """The screen of the shipped rules, read once."""
    return Screen(load_rules().rules)
