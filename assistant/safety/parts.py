"""The parts of a message that safety screening scores one by one.

A disclosure is usually one sentence inside an ordinary request; averaged into one embedding with
the rest of the message it fades. So every sentence, the clauses of a long sentence, each pair of
neighbouring sentences (a situation told over two) and the whole message are scored on their own.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.models import PartKind
from assistant.text.sentences import split_into_sentences

# Where a long sentence turns to another thought: ";", dashes, and conjunctions after a comma, or
# the conjunctions that start a new thought even without one ("... anyway what's a good format").
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|\s[-–—]+\s|,\s*(?=(?:and|but|so|because|though|although|also|plus|anyway|"
    r"then|which|since|while|when|if)\b)|\s(?=(?:but|anyway|also|plus|though|although)\s))\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
MIN_PART_WORDS = 3
LONG_SENTENCE_WORDS = 14
MAX_PARTS = 40


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    """The message's sentences, in order (very short ones joined to the sentence after them).

    Lines, then the shared sentence rule with or without a capital after the stop (people type
    in lowercase).
    """
    pieces = [p for line in text.splitlines() for p in split_into_sentences(line, any_case=True)]
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        piece = f"{carry} {piece}".strip() if carry else piece
        if word_count(piece) < MIN_PART_WORDS:
            carry = piece
            continue
        merged.append(piece)
        carry = ""
    if carry:
        if merged:
            merged[-1] = f"{merged[-1]} {carry}"
        else:
            merged.append(carry)
    return merged


def clauses(sentence: str) -> list[str]:
    """A long sentence's clauses of at least ``MIN_PART_WORDS`` words (none for a short one)."""
    if word_count(sentence) < LONG_SENTENCE_WORDS:
        return []
    found = [c.strip(" ,") for c in _CLAUSE_BREAK.split(sentence)]
    found = [c for c in found if word_count(c) >= MIN_PART_WORDS]
    return found if len(found) > 1 else []


class Part(NamedTuple):
    text: str
    kind: PartKind


def message_parts(message: str) -> list[Part]:
    """The whole message first, then its sentences, clauses and neighbouring pairs, deduplicated.

    At most ``MAX_PARTS``: a message at the length limit still screens in one batch.
    """
    units = sentences(message)
    parts = [Part(" ".join(message.split()), "whole")]
    if len(units) > 1:
        parts += [Part(unit, "sentence") for unit in units]
    parts += [Part(clause, "clause") for unit in units for clause in clauses(unit)]
    if len(units) > 2:
        parts += [Part(f"{a} {b}", "pair") for a, b in zip(units, units[1:], strict=False)]
    unique: dict[str, Part] = {}
    for part in parts:
        unique.setdefault(part.text, part)
    return list(unique.values())[:MAX_PARTS]
