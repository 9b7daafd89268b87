"""Helpers shared by the tabs: safe rendering, readable errors, citations and downloads."""

from __future__ import annotations

import functools
import html
import inspect
import logging
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import gradio as gr

from assistant.errors import CoachError
from assistant.models import Citation

log = logging.getLogger("mentor_coach.ui")

ROLES = [("Mentee", "mentee"), ("Mentor", "mentor"), ("Program lead", "program-lead")]
BACKENDS = ["composer", "openai", "ollama", "local"]
RETRIEVAL_MODES = ["hybrid", "dense", "bm25"]

F = TypeVar("F", bound=Callable[..., Any])


def esc(text: str) -> str:
    """User or document text made safe for Markdown: any HTML in it shows as text."""
    return html.escape(text, quote=False)


def where(citation: Citation) -> str:
    """ "Title > Section" of a cited passage, escaped."""
    path = f"{citation.title} > {citation.section}" if citation.section else citation.title
    return esc(path)


def citations_markdown(citations: Iterable[Citation]) -> str:
    """Numbered references, then an expandable panel with each source's snippet."""
    citations = list(citations)
    if not citations:
        return ""
    references = "\n".join(f"{c.n}. {where(c)}" for c in citations)
    snippets = "\n\n".join(
        f"**[{c.n}]** {where(c)} ({esc(c.doc_id)})\n\n> {esc(c.snippet)}" for c in citations
    )
    return (
        f"**Sources**\n\n{references}\n\n"
        f"<details><summary>Source snippets ({len(citations)})</summary>\n\n{snippets}\n\n"
        "</details>"
    )


def warnings_markdown(warnings: Iterable[str]) -> str:
    return "\n\n".join(f"**Note:** {esc(w)}" for w in warnings)


def error_message(exc: Exception) -> str:
    """What to tell the user about an error: a CoachError's own words, else its type and text."""
    if isinstance(exc, CoachError):
        return str(exc)
    log.exception("Unexpected error in the UI")
    return f"Something went wrong ({type(exc).__name__}: {exc}). Details are in the app's log."


def _show(exc: Exception) -> Any:
    # A toast rather than gr.Error: an error would also cover every output with an "Error" badge.
    gr.Warning(esc(error_message(exc)))
    return gr.skip()


def readable_errors(fn: F) -> F:
    """Show an event handler's error as a readable message in the page and change nothing."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                yield _show(exc)

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            return _show(exc)

    return wrapper  # type: ignore[return-value]


class Downloads:
    """Writes files offered for download into one private temporary folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mentor-coach-ui-"))

    def write(self, name: str, text: str) -> str:
        """Save ``text`` as ``name`` (made filename-safe) and return its path."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "download.txt"
        path = self.folder / safe
        path.write_text(text, encoding="utf-8")
        return str(path)
