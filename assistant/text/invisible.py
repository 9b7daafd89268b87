"""Invisible formatting characters that make a name read differently from what it is.

A right-to-left override turns ``invoice\u202egpj.md`` into "invoicedm.jpg" on screen, and
zero-width characters make two titles that look the same differ; neither belongs in a title,
a heading or a file name.
"""

from __future__ import annotations

import re

# Bidirectional controls (LRE, RLE, PDF, LRO, RLO; the isolates; LRM, RLM; the Arabic letter
# mark) and zero-width characters (space, non-joiner, joiner, word joiner, byte-order mark).
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]")


def strip_invisible(text: str) -> str:
    """``text`` without bidirectional controls and zero-width characters."""
    return _INVISIBLE.sub("", text)
