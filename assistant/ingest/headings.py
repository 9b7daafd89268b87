"""Headings in plain text: title-like lines become Markdown ``#`` headings.

Guides pasted from the web, exported from PDF or sent as email have no markup, but their
sections are still headed: a short line standing on its own ("🎯 Choosing your mentor",
"2.1 Finding a partner", "CODE OF CONDUCT", "Program timeline"). Without these, chunks are cut
by size and lose their "Title > Section" path, so an answer quotes one item of a list or cites
the wrong section. A line is a heading only when it could not be part of a paragraph: it starts
a block (after a blank line or a finished sentence), is short, does not end like a sentence and
reads like a title.
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 10
MAX_CHARS = 80
_NUMBERED = re.compile(
    r"^(?:(?:section|part|step|chapter)\s+)?(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(\S.*)$", re.I
)
_BULLET = re.compile(r"^\s*(?:[-*•◦▪–·]|\(?[a-z]\))\s")
_SENTENCE_END = re.compile(r"[.,;!…]$")
_BLOCK_END = re.compile(r"[.!?:…\"”)]$")
_LOWER_START = re.compile(r"^[a-z]")
# Words a title leaves in lower case ("Code of Conduct"): not counted when judging title case.
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "your",
        "our",
        "my",
        "their",
        "its",
        "vs",
        "is",
        "are",
        "be",
        "do",
        "how",
        "what",
        "when",
        "who",
        "why",
        "which",
        "can",
    ]
)


def _symbol(char: str) -> bool:
    """Emoji and pictographs (category So) and their joiners: '🎯', '✅', '📅'."""
    return unicodedata.category(char) in {"So", "Sk", "Cs"} or char in "\u200d\ufe0f"


def strip_symbols(line: str) -> tuple[str, bool]:
    """The line without leading emoji (and whether it had any)."""
    stripped = line.lstrip()
    start = 0
    while start < len(stripped) and (_symbol(stripped[start]) or stripped[start] == " "):
        start += 1
    return stripped[start:].strip(), start > 0 and stripped[:start].strip() != ""


def _title_like(text: str) -> bool:
    """Most words capitalised, or an ALL-CAPS line, or a short phrase starting with a capital."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or not text[:1].isupper() and not text[:1].isdigit():
        return False
    if text.isupper() and len(text) > 3:
        return True
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalised = sum(w[:1].isupper() for w in content)
    return len(words) <= 6 or capitalised >= max(1, len(content) * 0.6)


def heading_level(line: str, isolated: bool = False) -> tuple[int, str] | None:
    """(level, title) when the line reads as a heading on its own, else None.

    Numbered headings take their depth from the number ("2" -> 2, "2.1" -> 3); emoji-led,
    ALL-CAPS and title-case lines are level 2. A numbered line in sentence case ("2.1 What to
    look for in a partner") is a heading only when ``isolated`` (blank lines around it): in a
    numbered list the items follow each other.
    """
    text, had_symbol = strip_symbols(line)
    if not text or _BULLET.match(line) or len(text) > MAX_CHARS:
        return None
    if len(text.split()) > MAX_WORDS or _SENTENCE_END.search(text) or _LOWER_START.match(text):
        return None
    numbered = _NUMBERED.match(text)
    if numbered:
        depth = numbered.group(1).count(".") + 2
        title = numbered.group(2).strip()
        starts_upper = title[:1].isupper()
        return (min(depth, 4), title) if _title_like(title) or isolated and starts_upper else None
    if had_symbol:
        return 2, text
    if text.endswith("?"):  # FAQ headings: "Who can join?"
        return (2, text) if len(text.split()) <= 8 else None
    return (2, text) if _title_like(text) and not text.endswith(":") else None


def mark_headings(text: str, title: str | None = None) -> str:
    """Plain text with its heading lines written as Markdown headings.

    The first heading-like line of the document (or the line equal to ``title``) is the title
    (``#``). Lines inside a paragraph (the previous line did not end a block) are left alone, so
    a wrapped paragraph's short lines stay text; nor are items of a numbered list.
    """
    lines = text.splitlines()
    out: list[str] = []
    previous = ""
    after_heading = False
    seen_title = False
    for index, raw in enumerate(lines):
        line = raw.strip()
        follows = lines[index + 1].strip() if index + 1 < len(lines) else ""
        starts_block = after_heading or not previous or bool(_BLOCK_END.search(previous))
        isolated = not previous and not follows
        in_list = bool(_NUMBERED.match(line)) and any(map(_NUMBERED.match, (previous, follows)))
        candidate = line and starts_block and follows != line and not in_list
        found = heading_level(line, isolated) if candidate else None
        if found is not None and not line.startswith("#"):
            level, heading = found
            if not seen_title and (title is None or heading.lower() == title.lower()):
                level = 1
            seen_title = seen_title or level == 1
            out += ["", f"{'#' * level} {heading}", ""]
        else:
            out.append(raw)
        after_heading = found is not None or (after_heading and not line)
        previous = line
    return "\n".join(out)
