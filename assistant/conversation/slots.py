"""Reading the facts of a conversation from the person's words (``data/slots.yaml``).

Like Rasa's regex and lookup entity extractors: the patterns and word lists are data a program
lead can extend; what the person says about the other person (name, pronoun, what they did) and
the meeting (day, time, length) fills the conversation's facts, newest words first.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path

from pydantic import Field

from assistant.conversation.state import Facts
from assistant.data_files import DataModel, Regex, Text, any_of, load_data_file
from assistant.resources import package_folder

SLOTS_FILE = package_folder("assistant.conversation", "data") / "slots.yaml"
# What ``{Name}`` stands for in name and sender patterns: a capital, then small letters
# (accented Latin letters included), maybe hyphenated ("Anne-Marie").
_CAPITAL, _SMALL = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
NAME = f"[{_CAPITAL}][{_SMALL}]+(?:-[{_CAPITAL}][{_SMALL}]+)?"


class SlotsFile(DataModel):
    name: tuple[Regex, ...] = Field(min_length=1)
    lowercase_name: tuple[Regex, ...] = ()
    not_names: frozenset[Text] = frozenset()
    other: dict[str, tuple[Regex, ...]]
    pronouns: dict[str, tuple[Regex, ...]]
    sender: tuple[Regex, ...] = ()
    cadence: tuple[Regex, ...] = ()
    day: tuple[Regex, ...] = ()
    time: tuple[Regex, ...] = ()
    minutes: tuple[Regex, ...] = ()
    minute_words: dict[Text, int] = Field(default_factory=dict)
    since: tuple[Regex, ...] = ()
    cancels: dict[Text, tuple[Regex, ...]] = Field(default_factory=dict)
    behavior: tuple[Regex, ...] = ()
    second_person: dict[Text, Text] = Field(default_factory=dict)
    goal: tuple[Regex, ...] = ()

    @cached_property
    def compiled(self) -> dict[str, list[re.Pattern[str]]]:
        """Each named list's patterns, compiled once (names, who signs and what the other
        person did case-sensitively)."""
        anycase = {
            "cadence": self.cadence,
            "day": self.day,
            "time": self.time,
            "minutes": self.minutes,
            "since": self.since,
            "goal": self.goal,
            "lowercase_name": self.lowercase_name,
        }
        found = {key: [re.compile(p, re.I) for p in patterns] for key, patterns in anycase.items()}
        found["name"] = [re.compile(p.replace("{Name}", NAME)) for p in self.name]
        found["sender"] = [re.compile(p.replace("{Name}", NAME)) for p in self.sender]
        found["behavior"] = [re.compile(p) for p in self.behavior]
        return found

    @cached_property
    def not_names_folded(self) -> frozenset[str]:
        return frozenset(word.casefold() for word in self.not_names)

    @cached_property
    def minute_words_pattern(self) -> re.Pattern[str]:
        """Any of ``minute_words``, the longest first ("half an hour" before "an hour")."""
        spoken = sorted(self.minute_words, key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(map(re.escape, spoken)) + r")\b", re.I)

    @cached_property
    def groups(self) -> dict[str, dict[str, re.Pattern[str] | None]]:
        """The word-list slots (who the other is, pronoun, who cancels): value → pattern."""
        return {
            "other": {value: any_of(p) for value, p in self.other.items()},
            "pronoun": {value: any_of(p) for value, p in self.pronouns.items()},
            "cancels": {value: any_of(p) for value, p in self.cancels.items()},
        }


def load_slots(path: Path = SLOTS_FILE) -> SlotsFile:
    return load_data_file(path, SlotsFile)


@cache
def slot_rules() -> SlotsFile:
    """The shipped slot patterns, read once."""
    return load_slots()


def _first(patterns: list[re.Pattern[str]], text: str, group: str) -> str | None:
    """The named group of the last match of any pattern (people correct themselves late)."""
    found: list[tuple[int, str]] = []
    for pattern in patterns:
        found += [(m.start(), m.group(group)) for m in pattern.finditer(text) if m.group(group)]
    return max(found)[1].strip() if found else None


def _word_slot(patterns: dict[str, re.Pattern[str] | None], text: str) -> str | None:
    """The value whose words come last in ``text``."""
    last: tuple[int, str] | None = None
    for value, pattern in patterns.items():
        for match in pattern.finditer(text) if pattern else ():
            if last is None or match.start() >= last[0]:
                last = (match.start(), value)
    return last[1] if last else None


def to_second_person(behavior: str, rules: SlotsFile | None = None) -> str:
    """'has missed her deadlines' → 'have missed your deadlines', said to the person."""
    words = (rules or slot_rules()).second_person
    return re.sub(r"[\w']+", lambda m: words.get(m[0].lower(), m[0]), behavior)


def _minutes(text: str, rules: SlotsFile) -> int | None:
    said = _first(rules.compiled["minutes"], text, "minutes")
    if said is not None:
        return int(said) if 15 <= int(said) <= 180 else None
    spoken = rules.minute_words_pattern.findall(text) if rules.minute_words else []
    return rules.minute_words[spoken[-1].lower()] if spoken else None


def _name(text: str, rules: SlotsFile) -> str | None:
    """The other person's name said last (the longest where two end together: "Dr. Okafor"
    over "Okafor"); in a message typed all in lower case, read by its own patterns and
    written with a capital."""
    lowercase = text == text.lower()
    patterns = rules.compiled["lowercase_name" if lowercase else "name"]
    found = [
        (m.end("name"), len(m.group("name")), m.group("name"))
        for pattern in patterns
        for m in pattern.finditer(text)
        if m.group("name").casefold() not in rules.not_names_folded
    ]
    if not found:
        return None
    name = max(found)[2]
    return "-".join(part.capitalize() for part in name.split("-")) if lowercase else name


def read_facts(text: str, rules: SlotsFile | None = None) -> dict[str, object]:
    """The facts ``text`` states (only those it states), ready for ``ConversationState``."""
    rules = rules or slot_rules()
    compiled = rules.compiled
    found: dict[str, object] = {}
    if (name := _name(text, rules)) is not None:
        found["name"] = name
    for slot in ("cadence", "day", "time", "since", "goal"):
        if (value := _first(compiled[slot], text, slot)) is not None:
            found[slot] = value
    sender = _first(compiled["sender"], text, "sender")
    if sender and sender not in rules.not_names and sender != found.get("name"):
        found["sender"] = sender
    if (minutes := _minutes(text, rules)) is not None:
        found["minutes"] = minutes
    if (behavior := _first(compiled["behavior"], text, "behavior")) is not None:
        found["behavior"] = behavior
    for slot, patterns in rules.groups.items():
        if (value := _word_slot(patterns, text)) is not None:
            found[slot] = value
    return {k: v for k, v in found.items() if k in Facts.model_fields}
