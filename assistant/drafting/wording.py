"""Small wording helpers shared by the drafts."""

from __future__ import annotations

import re

_LEADING_LOWER = re.compile(r"(the|a|an|our|your|my|this|that|you|we|he|she|they)\b", re.I)


def sentence(text: str) -> str:
    """Text as a sentence: capitalised, ending in punctuation."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?" else f"{text}."


def lower_first(text: str) -> str:
    """Lower-case a leading article or pronoun ('The review' -> 'the review'), nothing else."""
    return text[:1].lower() + text[1:] if _LEADING_LOWER.match(text) else text


class Placeholders(dict):
    """Values for ``str.format_map`` where a missing key stays as its ``{placeholder}``."""

    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"
