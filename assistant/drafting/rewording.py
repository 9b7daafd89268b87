"""A redirecting draft's rewrite of the behaviour as typed: labels and absolutes out, what
happened kept. The rules are ``rewrite:`` in ``data/tone.yaml``; the draft shows the original
beside the rewrite, so nothing changes silently."""

from __future__ import annotations

import re

from assistant.drafting.models import Rewording
from assistant.drafting.tone import ToneFile, tone_words
from assistant.drafting.wording import lower_first

_SPEAKER = re.compile(r"(i|we)\b", re.I)  # "we spent the hour on ..." is said as it is


def _clauses(text: str, rules: ToneFile) -> list[str]:
    return [c.strip() for c in rules.rewrite.clause_breaks.split(text) if c.strip()]


def _judges(clause: str, rules: ToneFile) -> bool:
    issues = rules.rewrite.drop_clauses_with
    return any(rules.rules[issue].pattern.search(clause) for issue in issues)


def reword_behavior(behavior: str, rules: ToneFile | None = None) -> Rewording | None:
    """The behaviour without judging clauses and absolutes, or None when nothing needs it.

    "you always interrupt people, it's lazy and unprofessional" -> "I noticed you interrupt
    people"; a behaviour that is all judgment becomes a ``{placeholder}`` to describe it.
    """
    rules = rules or tone_words()
    kept: list[str] = []
    left_out: list[str] = []
    for clause in _clauses(behavior, rules):
        if _judges(clause, rules):
            left_out.append(clause)
            continue
        changed = clause
        for replacement in rules.rewrite.replace:
            changed = re.sub(replacement.pattern, replacement.with_, changed, flags=re.I)
        changed = " ".join(changed.split())
        left_out += _flagged(clause, rules, unless_in=changed)
        if changed:
            kept.append(changed)
    if not left_out:
        return None
    text = ", ".join(c.rstrip(" .!?") for c in kept) or f"{{{rules.rewrite.placeholder}}}"
    if not _SPEAKER.match(text):
        text = f"I noticed {lower_first(text)}"
    return Rewording(original=behavior, rewritten=text, left_out=left_out)


def _flagged(clause: str, rules: ToneFile, unless_in: str) -> list[str]:
    """The words of ``clause`` some tone rule flags that ``unless_in`` no longer has."""
    found = [m.group(0) for rule in rules.rules.values() for m in rule.pattern.finditer(clause)]
    return [word for word in found if not re.search(rf"\b{re.escape(word)}\b", unless_in, re.I)]
