"""Unambiguous words that route a message whatever the classifier says (``data/rules.yaml``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, RootModel, field_validator

from assistant.data_files import load_data_file
from assistant.models import Category
from assistant.resources import package_folder

RULES_FILE = package_folder("assistant.safety", "data") / "rules.yaml"


class RuleFile(RootModel[dict[Category, list[str]]]):
    """The rules file: per category, regular expressions that must each compile."""

    @field_validator("root")
    @classmethod
    def _compiles(cls, rules: dict[Category, list[str]]) -> dict[Category, list[str]]:
        for category, patterns in rules.items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{category}: '{pattern}' is not a regex ({exc})") from None
        if "in_scope" in rules:
            raise ValueError("in_scope has no rules: ordinary is what nothing else matches")
        return rules


class RuleMatch(BaseModel):
    category: Category
    words: str


class Rules:
    """One compiled alternation per category, checked in the file's order."""

    def __init__(self, rules: dict[Category, list[str]]) -> None:
        self._patterns = {
            category: re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)
            for category, patterns in rules.items()
            if patterns
        }

    @classmethod
    def from_file(cls, path: Path = RULES_FILE) -> Rules:
        return cls(load_data_file(path, RuleFile).root)

    def match(self, text: str) -> RuleMatch | None:
        """The first category whose words appear in ``text``, with the words found."""
        for category, pattern in self._patterns.items():
            found = pattern.search(text)
            if found:
                return RuleMatch(category=category, words=found.group(0))
        return None


@lru_cache(maxsize=1)
def shipped_rules() -> Rules:
    return Rules.from_file()
