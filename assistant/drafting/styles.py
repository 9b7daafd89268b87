"""Template wording in every draft style, written out in the data files, never rewritten freely.

A paragraph of a message or feedback template has its standard ``text`` and may have a
``casual``, ``formal`` and ``warm`` variant (a missing one falls back to the standard text) and
a ``short`` one: ``false`` leaves the paragraph out of a short draft, a text is its shorter
wording. A style changes how a paragraph says things, not what it says, so a variant keeps every
placeholder of the standard text.
"""

from __future__ import annotations

from typing import get_args

from assistant.data_files import DataModel, Text, check_placeholders, placeholders
from assistant.drafting.models import DraftStyle

VOICES = tuple(style for style in get_args(DraftStyle) if style not in ("standard", "short"))


class Styled(DataModel):
    """Wording with its variants per style."""

    text: Text
    casual: Text | None = None
    formal: Text | None = None
    warm: Text | None = None
    short: bool | Text = True  # false: left out of short drafts; a text: its shorter wording

    def wording(self, style: DraftStyle) -> str | None:
        """The wording in ``style``, the standard text where it has none; None when a short
        draft leaves it out."""
        if style == "short":
            return None if self.short is False else self._variant("short")
        return self._variant(style)

    def check(self, allowed: set[str] | frozenset[str], known: str, where: str) -> None:
        """ValueError when a wording uses a placeholder outside ``allowed`` or a variant leaves
        out one the standard text has (``known`` and ``where`` as for check_placeholders)."""
        check_placeholders(self.text, allowed, known, where)
        needed = placeholders(self.text)
        for style in (*VOICES, "short"):
            variant = getattr(self, style)
            if not isinstance(variant, str):
                continue
            check_placeholders(variant, allowed, known, f"{where} ({style})")
            missing = sorted(needed - placeholders(variant))
            if missing:
                names = ", ".join(f"{{{name}}}" for name in missing)
                raise ValueError(f"{where} ({style}): {variant!r} leaves out {names} of the text")

    def _variant(self, style: str) -> str:
        variant = getattr(self, style, None)
        return variant if isinstance(variant, str) else self.text
