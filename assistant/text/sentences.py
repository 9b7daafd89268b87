"""Sentence boundaries: the one rule by which the composer's units, the evaluator's claims and
safety screening's message parts are split into sentences.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (repeated or not), after any closing brackets,
quotes or Markdown emphasis that follow it, where whitespace comes next and then, after any
opening brackets, quotes or emphasis, a capital letter or a digit ("Ask them, e.g. by email."
is one sentence). For typed messages (``any_case=True``: people write in lowercase) any
character after the whitespace will do. A stop is not a sentence end:

- after an abbreviation that does not end sentences ("e.g.", "i.e.", "vs.", "Dr.", ...), or one
  that stands before a number ("No. 5", "p. 12"); after one that often does end them ("etc.",
  "a.m.") only when a capital or digit follows, whatever ``any_case`` says;
- inside a quotation or brackets that close later in the same text, so a quoted example of
  several sentences, or "(e.g. Tuesday)", stays in its sentence. An opening mark never closed
  (a stray quote, a smiley) is ignored rather than joining everything after it.

Lines are the caller's business: pass one line (or one paragraph) at a time.

Why not pysbd (a rule-based sentence boundary detector): on the 499 prose lines of
knowledge/*.md it agrees with this rule on 492; of the other 7, five are its mistakes (splits
inside "`*.md`", before a closing "**", at "1)" inside a quotation), one is two quoted questions
in a row (one sentence to pysbd) and one is ours (a sentence opening with lower-case `code`, in
the README, which is not indexed). And it is about 100 times slower, while this runs over every
chunk at ingest and every answer of an evaluation.
"""

from __future__ import annotations

import re

# A stop, the closing marks after it, the whitespace, and (looked at, not taken) the opening
# marks and the capital or digit that start the next sentence; case-sensitive, as the capital is
# the signal. ``any_case`` takes any next character (``next`` is None when it is no capital).
_STOP = r"[.!?…]+[\"”’')\]*_`]*(?P<space>\s+)(?=[\"“‘(\[*_`]*(?P<next>[A-Z0-9])"
_CANDIDATE = re.compile(_STOP + ")")
_CANDIDATE_ANY_CASE = re.compile(_STOP + "?)")
# Never sentence-final before a capital: "e.g. Tuesday", "vs. Sponsorship", "Dr. Lee".
_NEVER_FINAL = frozenset(
    ["e.g", "eg", "i.e", "ie", "cf", "vs", "viz", "approx", "incl", "esp", "dept"]
    + ["mr", "mrs", "ms", "dr", "prof", "st"]
)
# Abbreviations that stand before a number: "No. 5", "p. 12", "Fig. 3".
_BEFORE_NUMBER = frozenset(["no", "nos", "p", "pp", "fig", "vol", "ch", "sec"])
# Often sentence-final: a boundary only before a capital or digit, even in ``any_case`` mode.
_MAYBE_FINAL = frozenset(["etc", "a.m", "p.m"])
_WORD_BEFORE = re.compile(r"[A-Za-z][A-Za-z.]*$")
_PAIR_MARK = re.compile(r"[()\[\]\"“”]")
_OPENER_OF = {")": "(", "]": "[", "”": "“"}
_LOOKBEHIND = 12  # characters enough to hold the longest abbreviation before a stop


def _enclosed_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation or bracket that closes in ``text``; unclosed ones ignored."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for match in _PAIR_MARK.finditer(text):
        mark, position = match.group(), match.start()
        if mark == '"':
            # A straight quote closes an open straight quote, else opens one.
            opener = '"' if any(m == '"' for m, _ in stack) else None
            if opener is None:
                stack.append((mark, position))
                continue
        elif mark in _OPENER_OF:
            opener = _OPENER_OF[mark]
            if not any(m == opener for m, _ in stack):
                continue  # a closer with nothing to close: "1)", ":)"
        else:
            stack.append((mark, position))
            continue
        while stack:  # close the innermost matching opener; unclosed ones inside it are dropped
            open_mark, start = stack.pop()
            if open_mark == opener:
                spans.append((start, position))
                break
    return spans


def _abbreviation_holds(text: str, stop: int, next_char: str | None) -> bool:
    """Whether the word ending at the ``.`` at ``stop`` is an abbreviation that keeps the
    sentence going, given the character that opens what follows (None: not a capital/digit)."""
    word = _WORD_BEFORE.search(text, max(0, stop - _LOOKBEHIND), stop)
    if word is None:
        return False
    name = word.group().lower()
    if name in _NEVER_FINAL:
        return True
    if name in _BEFORE_NUMBER:
        return next_char is not None and next_char.isdigit()
    return name in _MAYBE_FINAL and next_char is None


def split_into_sentences(text: str, *, any_case: bool = False) -> list[str]:
    """The sentences of ``text``, stripped, in order (``text`` itself when it has one sentence).

    With ``any_case``, a sentence may start with a lower-case letter or any other character.
    """
    pattern = _CANDIDATE_ANY_CASE if any_case else _CANDIDATE
    candidates = [m for m in pattern.finditer(text) if m.end() < len(text)]
    if not candidates:
        stripped = text.strip()
        return [stripped] if stripped else []
    spans = _enclosed_spans(text) if _PAIR_MARK.search(text) else []
    sentences: list[str] = []
    start = 0
    for match in candidates:
        stop, end = match.start(), match.start("space")
        if text[stop] == "." and _abbreviation_holds(text, stop, match.group("next")):
            continue
        if any(open_at < end < close_at for open_at, close_at in spans):
            continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences
