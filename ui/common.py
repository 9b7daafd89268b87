"""Helpers shared by the tabs: safe rendering, readable errors, citations and downloads."""

from __future__ import annotations

import atexit
import functools
import inspect
import logging
import os
import re
import shutil
import tempfile
import uuid
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast, get_args

import gradio as gr

from assistant.backends import Backend
from assistant.config import RetrievalMode
from assistant.errors import CoachError, InputError
from assistant.models import Citation, Role

if TYPE_CHECKING:
    from assistant.coach import Coach

log = logging.getLogger(__name__)


def choices(values: Any, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs for every value of a ``Literal`` type, in its order: the type is the
    only list of values; ``labels`` only words some of them better than the value itself."""
    named = labels or {}
    known = get_args(values)
    if stale := set(named) - set(known):
        raise ValueError(f"labels for values the type does not have: {sorted(stale)}")
    return [(named.get(v, v.replace("-", " ").capitalize()), v) for v in known]


ROLES = choices(Role)
BACKENDS = list(get_args(Backend))
RETRIEVAL_MODES = list(get_args(RetrievalMode))

F = TypeVar("F", bound=Callable[..., Any])
_FOOTNOTE_DEF = re.compile(r"^\[\^\d+\]: .*$\n?", re.M)
_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\]")
_IMAGE = re.compile(r"!\[")  # Markdown's image syntax; "Well done! [1]" is left as it is


def esc(text: str) -> str:
    """User or document text made safe for Markdown: any HTML in it shows as text, and an image
    (``![alt](url)``) becomes a link, so no viewer's browser fetches anything unasked.

    Only ``&`` and ``<`` are escaped: no tag or entity can start without them, and ``>`` stays
    usable as Markdown's quote marker.
    """
    return _IMAGE.sub("[", text.replace("&", "&amp;").replace("<", "&lt;"))


def where(citation: Citation) -> str:
    """ "Title > Section" of a cited passage, escaped."""
    return esc(citation.heading_path)


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


def draft_markdown(markdown: str, citations: Iterable[Citation]) -> str:
    """A rendered draft for the page: escaped, its footnotes shown as numbered sources."""
    body = _FOOTNOTE_REF.sub(r"[\1]", _FOOTNOTE_DEF.sub("", esc(markdown))).strip()
    return f"{body}\n\n{citations_markdown(citations)}".strip()


def lines(text: str | None) -> list[str]:
    """One item per non-empty line of a text box."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def warnings_markdown(warnings: Iterable[str]) -> str:
    return "\n\n".join(f"**Note:** {esc(w)}" for w in warnings)


def error_message(exc: Exception) -> str:
    """What to tell the user about an error: a CoachError's own words (written for them), else
    a plain sentence. An unexpected error's text may hold SQL, paths or other internals, so it
    goes to the log once, with its traceback, and never to the page."""
    if isinstance(exc, CoachError):
        return str(exc)
    log.error("Unexpected error in the UI: %s", type(exc).__name__, exc_info=exc)
    return (
        "Something went wrong on our side. Try again; if it happens "
        "again, tell whoever runs Mentor Coach (the details are in its log)."
    )


# What a form's bad field is followed by in the web app (the CLI says "See --help").
FORM_HINT = "Correct the fields named above, then try again."

_SERVER_PATH = re.compile(
    r"(?<![\w:/.\\])"  # not inside a URL, a fraction or a word
    r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s'\"():]+)+[\\/]([^\\/\s'\"():]+)"
)


def without_paths(message: str) -> str:
    """A message for the page with each server path cut to its file name: where the server
    keeps files (its folders, its cache) is nobody's business on a shared server."""
    return _SERVER_PATH.sub(r"\1", message)


def _show(exc: Exception) -> Any:
    # A toast rather than gr.Error: an error would also cover every output with an "Error" badge.
    gr.Warning(esc(without_paths(error_message(exc))))
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

        return cast(F, generator)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            return _show(exc)

    return cast(F, wrapper)


# Gradio (6.31.0) copies every file it receives or offers into its cache, by default the shared
# /tmp/gradio with world-readable files; the app's cache is a private folder (mode 0700) of this
# process instead, and files older than CACHE_MAX_AGE_S are deleted (Gradio's ``delete_cache``).
CACHE_MAX_AGE_S = 3600
CACHE_SWEEP_S = 600


@functools.cache
def private_cache() -> Path:
    """This process's folder for Gradio's cache and the downloads (removed at exit); set as
    GRADIO_TEMP_DIR, which Gradio reads when a component or app is made."""
    folder = Path(tempfile.mkdtemp(prefix="mentor-coach-web-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder / "gradio")
    return folder


class Downloads:
    """Writes files offered for download into one private temporary folder; ``files`` are
    what was written, for the app's cache sweep to delete with Gradio's own copies."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="downloads-", dir=private_cache()))
        self.files: set[str] = set()
        weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)

    def write(self, name: str, text: str) -> str:
        """Save ``text`` as ``name`` (made filename-safe) and return its path."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "download.txt"
        path = self.folder / uuid.uuid4().hex / safe  # one folder per file: never another's
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        self.files.add(str(path))
        return str(path)


class Viewer:
    """Who is using the page: the one person of 'coach ui' (no accounts: user None, may do
    everything), or the account signed in to the mounted app of 'coach serve'."""

    def __init__(self, coach: Coach, accounts: bool) -> None:
        self.coach = coach
        self.accounts = accounts

    def user(self, request: gr.Request | None) -> str | None:
        """The signed-in name (None without accounts); a request without one is refused."""
        if not self.accounts:
            return None
        name = getattr(request, "username", None)
        if not name:
            raise InputError("You are not signed in.", "Reload the page and sign in.")
        return str(name)

    def role(self, request: gr.Request | None) -> Role | None:
        """The account's role (None without accounts)."""
        name = self.user(request)
        return self.coach.accounts.get(name).role if name else None

    def is_lead(self, request: gr.Request | None) -> bool:
        return not self.accounts or self.role(request) == "program-lead"

    def require_lead(self, request: gr.Request | None, doing: str) -> None:
        """Refuse, server-side, what only program leads may do (a hidden button's event can
        still be called through Gradio's API)."""
        if not self.is_lead(request):
            raise InputError(f"Only program leads can {doing}.", "Ask your program lead.")
