"""A deterministic tone check for feedback and messages: words that make feedback an attack.

The words, suggestions and practice queries are in ``data/tone.yaml``; each rule's regular
expression is compiled from its words once, when the file is loaded.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path
from typing import get_args

from pydantic import Field, PositiveInt, model_validator

from assistant.data_files import (
    DataModel,
    Regex,
    Text,
    Unbraced,
    any_of,
    check_placeholders,
    load_data_file,
)
from assistant.drafting.models import ToneIssue, ToneWarning
from assistant.resources import package_folder

TONE_FILE = package_folder("assistant.drafting", "data") / "tone.yaml"


class WordRule(DataModel):
    """Words (regular expressions) matched as whole words, unless right after a ``not_after``
    word; ``marks`` are matched anywhere."""

    words: tuple[Regex, ...] = Field(min_length=1)
    not_after: tuple[Regex, ...] = ()
    marks: tuple[Regex, ...] = ()
    suggestion: Text

    @model_validator(mode="after")
    def _combines(self) -> WordRule:
        try:
            self.pattern  # noqa: B018 (compiled here, so that a bad rule fails on load)
        except re.error as exc:
            raise ValueError(f"the words do not make one regular expression ({exc})") from None
        return self

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        source = "".join(rf"(?<!\b{word} )" for word in self.not_after)
        source += r"\b(" + "|".join(self.words) + r")\b"
        if self.marks:
            source += "|(" + "|".join(self.marks) + ")"
        return re.compile(source, re.I)


class Replacement(DataModel):
    """A pattern of the behaviour as typed and what it becomes in the rewrite."""

    pattern: Regex
    with_: str = Field(alias="with")


class RewriteRules(DataModel):
    """How a redirecting draft rewrites the behaviour: see ``rewrite:`` in ``data/tone.yaml``."""

    breaks: tuple[Regex, ...] = Field(min_length=1)
    drop_clauses_with: tuple[ToneIssue, ...]
    replace: tuple[Replacement, ...]
    placeholder: Unbraced

    @cached_property
    def clause_breaks(self) -> re.Pattern[str]:
        breaks = any_of(self.breaks, flags=0)
        assert breaks is not None  # at least one, checked on load
        return breaks


class ToneFile(DataModel):
    """``data/tone.yaml``: the word rules, the length limit, each issue's practice query and
    the rules that rewrite a behaviour as typed."""

    rules: dict[ToneIssue, WordRule]  # checked in this order
    max_words: PositiveInt
    length_suggestion: Text
    practice: dict[ToneIssue, Text]  # what to search the knowledge for, to explain an issue
    rewrite: RewriteRules

    @model_validator(mode="after")
    def _valid(self) -> ToneFile:
        if "length" in self.rules:
            raise ValueError("rules: length has no words (it is max_words)")
        missing = [issue for issue in get_args(ToneIssue) if issue not in self.practice]
        if missing:
            raise ValueError(f"practice has no query for {', '.join(missing)}")
        check_placeholders(
            self.length_suggestion, {"max_words"}, "{max_words}", "length_suggestion"
        )
        unknown = [i for i in self.rewrite.drop_clauses_with if i not in self.rules]
        if unknown:
            raise ValueError(f"rewrite.drop_clauses_with: {unknown[0]!r} has no rule")
        return self


def load_tone(path: Path = TONE_FILE) -> ToneFile:
    return load_data_file(path, ToneFile)


@cache
def tone_words() -> ToneFile:
    """The shipped tone rules, read and compiled once."""
    return load_tone()


def practice(issue: ToneIssue) -> str:
    """What to search the knowledge for, to explain ``issue`` with cited practice."""
    return tone_words().practice[issue]


def check_tone(text: str, behavior: str | None = None) -> list[ToneWarning]:
    """Warnings for the wording of ``text``; ``behavior`` is also checked for being observable."""
    data = tone_words()
    warnings = []
    for issue, rule in data.rules.items():
        found = [m.group(0).lower() for m in rule.pattern.finditer(text)]
        if issue == "vague" and behavior is not None and len(behavior.split()) < 3:
            found.append(behavior.lower())
        if found:
            unique = list(dict.fromkeys(found))
            warnings.append(ToneWarning(issue=issue, words=unique, suggestion=rule.suggestion))
    words = len(text.split())
    if words > data.max_words:
        warnings.append(
            ToneWarning(
                issue="length",
                words=[f"{words} words"],
                suggestion=data.length_suggestion.format(max_words=data.max_words),
            )
        )
    return warnings
