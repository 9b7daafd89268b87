"""Word documents (.docx) through python-docx: heading styles become Markdown headings.

"Title" is the document's title, "Heading N" a level-N section; list styles become bullets and
table cells paragraphs. A short paragraph that is wholly bold (how many handbooks are written
without styles) is a section heading too.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from assistant.ingest.headings import MAX_CHARS, MAX_WORDS

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)


def _level(paragraph: Any, text: str) -> int | None:
    """The Markdown heading level of a paragraph, or None for text."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower() == "title":
        return 1
    numbered = _HEADING_STYLE.match(style)
    if numbered:
        return min(int(numbered.group(1)) + 1, 4)
    runs = [run for run in paragraph.runs if run.text.strip()]
    bold = runs and all(run.bold or (run.style is not None and run.style.font.bold) for run in runs)
    short = len(text) <= MAX_CHARS and len(text.split()) <= MAX_WORDS
    return 2 if bold and short and not text.endswith((".", ",", ";")) else None


def _is_list(paragraph: Any) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    return style.lower().startswith("list") or numbered


def docx_text(raw: bytes) -> tuple[str, str]:
    """(Markdown-headed text, core-properties title) of a .docx file."""
    from docx import Document
    from docx.table import Table

    document = Document(BytesIO(raw))
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = [c for c in dict.fromkeys(" ".join(c.text.split()) for c in row.cells) if c]
                if cells:
                    blocks.append(" | ".join(cells))
            continue
        text = " ".join(item.text.split())
        if not text:
            continue
        level = _level(item, text)
        if level is not None:
            blocks.append(f"{'#' * level} {text}")
        elif _is_list(item):
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    return "\n\n".join(blocks), document.core_properties.title or ""
