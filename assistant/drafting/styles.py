"""Template wording in every draft style, written out in the data files, never rewritten freely.

Wording a person reads has its standard ``text`` and may have a ``casual``, ``formal`` and
``warm`` variant (``Voiced``; a missing one falls back to the standard text): an agenda block's
purpose and an agreement's clauses. A paragraph of a message or feedback template (``Styled``)
also has a ``short`` one: ``false`` leaves the paragraph out of a short draft, a text is its
shorter wording. A style changes how wording says things, not what it says, so a variant keeps
every placeholder of the standard text.
"""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import BeforeValidator

from assistant.data_files import DataModel, Text, check_placeholders, placeholders
from assistant.drafting.models import DraftStyle

VOICES = tuple(style for style in get_args(DraftStyle) if style not in ("standard", "short"))


class Voiced(DataModel):
    """Wording with its variants per voice; standard and short drafts use the standard text."""

    text: Text
    casual: Text | None = None
    formal: Text | None = None
    warm: Text | None = None

    def voiced(self, style: DraftStyle) -> str:
        """The wording in the voice of ``style``: its variant, else the standard text."""
        variant = getattr(self, style) if style in VOICES else None
        return variant if isinstance(variant, str) else self.text

    def check(self, allowed: set[str] | frozenset[str], known: str, where: str) -> None:
        """ValueError when a wording uses a placeholder outside ``allowed`` or a variant leaves
        out one the standard text has (``known`` and ``where`` as for check_placeholders)."""
        check_placeholders(self.text, allowed, known, where)
        needed = placeholders(self.text)
        for style, variant in self._variants():
            check_placeholders(variant, allowed, known, f"{where} ({style})")
            missing = sorted(needed - placeholders(variant))
            if missing:
                names = ", ".join(f"{{{name}}}" for name in missing)
                raise ValueError(f"{where} ({style}): {variant!r} leaves out {names} of the text")

    def _variants(self) -> list[tuple[str, str]]:
        return [(style, v) for style in VOICES if isinstance(v := getattr(self, style), str)]


def _as_text(value: object) -> object:
    return {"text": value} if isinstance(value, str) else value


# Voiced wording in a data file: a plain string is its standard text, with no variants.
VoicedText = Annotated[Voiced, BeforeValidator(_as_text)]


class Styled(Voiced):
    """Wording with its variants per style, a short one included."""

    short: bool | Text = True  # false: left out of short drafts; a text: its shorter wording

    def wording(self, style: DraftStyle) -> str | None:
        """The wording in ``style``, the standard text where it has none; None when a short
        draft leaves it out."""
        if style != "short":
            return self.voiced(style)
        if self.short is False:
            return None
        return self.short if isinstance(self.short, str) else self.text

    def _variants(self) -> list[tuple[str, str]]:
        short = [("short", self.short)] if isinstance(self.short, str) else []
        return super()._variants() + short
