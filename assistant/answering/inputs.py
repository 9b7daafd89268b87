"""What answering accepts: a question and the earlier turns it reads, within their limits.

Every surface (the API, the web app, the CLI, the evaluations) answers through ``Answerer``, so
these checks hold for all of them; a request over a limit costs nothing but the check.
"""

from __future__ import annotations

import re

from assistant.errors import InputError
from assistant.models import Turn
from assistant.text.unicode import check_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The earlier turns answering reads: the LLM's context, which holds the user turns that
# retrieval adds to a follow-up. Older ones are never read, so their size costs nothing.
HISTORY_WINDOW = 6


def clean_question(question: str, max_chars: int) -> str:
    """The question without control characters, or an InputError if it is empty, huge or not
    text."""
    text = _CONTROL.sub("", check_text(question or "", "The question")).strip()
    if not text:
        raise InputError("The question is empty.", "Type what you would like help with.")
    if len(text) > max_chars:
        raise InputError(
            f"The question is {len(text)} characters long; the limit is {max_chars}.",
            "Shorten it to the situation and what you want to know.",
        )
    return text


def recent_history(history: list[Turn], max_turn_chars: int, max_total_chars: int) -> list[Turn]:
    """The turns answering reads (the last ``HISTORY_WINDOW``), or an InputError when an earlier
    question is longer than a question may be, or those turns are over ``max_total_chars``."""
    for n, turn in enumerate(history, 1):
        check_text(turn.content, f"Earlier message {n}")
        if turn.speaker == "user" and len(turn.content) > max_turn_chars:
            raise InputError(
                f"Earlier message {n} is {len(turn.content)} characters long; the limit for "
                f"each earlier question is {max_turn_chars} (COACH_MAX_QUESTION_CHARS).",
                "Send shorter earlier messages, or start a new conversation.",
            )
    recent = history[-HISTORY_WINDOW:]
    total = sum(len(turn.content) for turn in recent)
    if total > max_total_chars:
        raise InputError(
            f"The last {len(recent)} earlier messages are {total} characters long; the limit "
            f"for the conversation answering reads is {max_total_chars} (COACH_MAX_HISTORY_CHARS).",
            "Send shorter earlier messages, or start a new conversation.",
        )
    return recent
