"""PDF text with its headings: from the outline (bookmarks) when there is one, else from font size.

A PDF has no markup, only positioned text. Its outline names the sections; without one, a
line set clearly larger (or bold and short) than the body text is a heading. Where neither
tells, the plain-text rules of ``headings.py`` decide.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from assistant.ingest.headings import heading_level, mark_headings

LARGER = 1.15  # a heading's font is at least this much larger than the body's


@dataclass
class _Line:
    text: str = ""
    size: float = 0.0
    bold: bool = True
    sizes: list[float] = field(default_factory=list)


def _font_size(matrix: list[float], font_size: float) -> float:
    """The rendered size: the font size scaled by the text matrix's vertical factor."""
    scale = abs(matrix[3]) if matrix and abs(matrix[3]) > 0 else 1.0
    return round(font_size * scale, 1)


def _bold(font: Any) -> bool:
    name = str(font.get("/BaseFont", "")) if font is not None else ""
    return "bold" in name.lower() or "black" in name.lower() or "heavy" in name.lower()


def _page_lines(page: Any) -> list[_Line]:
    """The page's text as lines, each with its largest font size and whether all of it is bold."""
    lines: list[_Line] = [_Line()]

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        for n, piece in enumerate(text.split("\n")):
            if n:
                lines.append(_Line())
            if piece.strip():
                line = lines[-1]
                line.text += piece
                line.sizes.append(_font_size(tm, size))
                line.bold = line.bold and _bold(font)
            elif piece:
                lines[-1].text += piece

    page.extract_text(visitor_text=visit)
    for line in lines:
        line.text = " ".join(line.text.split())
        line.size = max(line.sizes, default=0.0)
    return [line for line in lines if line.text]


def _outline_titles(reader: Any) -> dict[str, int]:
    """Outline entries' titles (lowercased) with their depth (0 = top level)."""
    titles: dict[str, int] = {}

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif getattr(item, "title", None):
                titles[" ".join(str(item.title).split()).lower()] = depth

    try:
        walk(reader.outline, 0)
    except Exception:  # noqa: BLE001 (a damaged outline is no reason to refuse the text)
        return {}
    return titles


def _by_font(lines: list[_Line], outline: dict[str, int]) -> list[str] | None:
    """Lines with headings marked from the outline or font sizes; None when neither says."""
    body: Counter[float] = Counter()
    for line in lines:
        body[line.size] += len(line.text)
    body_size = body.most_common(1)[0][0] if body else 0.0
    sizes = sorted({line.size for line in lines if line.size >= body_size * LARGER}, reverse=True)
    out: list[str] = []
    marked = 0
    for line in lines:
        level = None
        if line.text.lower() in outline:
            level = min(outline[line.text.lower()] + 2, 4)
        elif not outline and len(line.text.split()) <= 12 and line.text[-1] not in ".,;":
            if line.size >= body_size * LARGER:
                level = min(sizes.index(line.size) + 1, 4)
            elif line.bold and line.size >= body_size and heading_level(line.text):
                level = min(len(sizes) + 1, 4)
        if level is None:
            out.append(line.text)
        else:
            marked += 1
            out += ["", f"{'#' * level} {line.text}", ""]
    return out if marked else None


def pdf_text(raw: bytes) -> tuple[str, str]:
    """(Markdown-headed text, metadata title) of a PDF; raises pypdf's errors as they come."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(raw))
    title = (reader.metadata.title if reader.metadata else None) or ""
    pages = [_page_lines(page) for page in reader.pages]
    lines = [line for page in pages for line in page]
    marked = _by_font(lines, _outline_titles(reader))
    if marked is not None:
        return "\n".join(marked), title
    plain = "\n\n".join("\n".join(line.text for line in page) for page in pages if page)
    return mark_headings(plain, title or None), title
