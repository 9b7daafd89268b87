"""The Knowledge tab: upload documents into the index, list them with chunk counts, remove."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import InputError
from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.models import DocumentInfo, IngestReport
from ui.common import Viewer, esc, readable_errors

if TYPE_CHECKING:
    from assistant.coach import Coach

FILE_TYPES = list(SUPPORTED_SUFFIXES)
HEADERS = ["ID", "Title", "Passages", "Kind", "File", "Held back (not cited)"]


def report_markdown(report: IngestReport) -> str:
    """What an ingest did, in words."""
    lines = [
        f"**Added** {len(report.added)} · **updated** {len(report.updated)} · "
        f"**unchanged** {len(report.unchanged)} · **failed** {len(report.failed)} — "
        f"{report.chunks_added} new passages indexed, {report.chunks_removed} removed."
    ]
    lines += [f"- **Failed:** {esc(Path(f.path).name)}: {esc(f.error)}" for f in report.failed]
    lines += [f"- **Held back, not cited until approved:** {esc(held)}" for held in report.held]
    return "\n".join(lines)


def held_cell(document: DocumentInfo) -> str:
    """A document's held sections, each with its reason (empty when none is held)."""
    return "\n".join(held.line(document.doc_id) for held in document.held)


def build(demo: gr.Blocks, coach: Coach, viewer: Viewer) -> None:
    """The Knowledge tab's components and events (inside ``demo``, an open gr.Blocks); only
    program leads change the knowledge."""
    gr.Markdown(
        f"Add your own guides and notes ({', '.join(FILE_TYPES)}). The coach then cites them "
        "alongside the built-in best practice."
    )
    files = gr.File(
        label="Documents to add",
        file_count="multiple",
        file_types=FILE_TYPES,
        elem_id="documents-file",
    )
    add = gr.Button("Add to knowledge base", variant="primary")
    status = gr.Markdown()
    table = gr.Dataframe(
        headers=HEADERS,
        datatype=["str", "str", "number", "str", "str", "str"],
        label="Documents",
        interactive=False,
        wrap=True,
        column_widths=["16%", "22%", "10%", "9%", "19%", "24%"],
    )
    with gr.Row(equal_height=True):
        chosen = gr.Dropdown(label="Document to remove", choices=[], value=None, scale=3)
        remove = gr.Button("Remove document", variant="stop", scale=1, min_width=140)

    def listing() -> dict[Any, Any]:
        documents = sorted(coach.documents(), key=lambda d: d.builtin)  # yours first
        rows = [
            [
                d.doc_id,
                d.title,
                d.chunk_count,
                "built-in" if d.builtin else "yours",
                Path(d.source).name,  # the file's name: server paths are not the reader's business
                held_cell(d),
            ]
            for d in documents
        ]
        choices = [
            (f"{d.title} ({d.doc_id}{', built-in' if d.builtin else ''})", d.doc_id)
            for d in documents
        ]
        return {table: rows, chosen: gr.Dropdown(choices=choices, value=None)}

    @readable_errors
    def ingest(
        paths: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects a progress bar)
    ) -> dict[Any, Any]:
        viewer.require_lead(request, "add documents")
        if not paths:
            raise InputError("No files chosen.", "Drop or pick one or more files first.")
        progress(0, desc="Starting")
        report = coach.ingest(
            list(paths),
            progress=lambda done, total, item: progress(
                (done, total), desc=f"Indexing {Path(item).name}"
            ),
            keep_copy=True,
        )
        return {**listing(), status: report_markdown(report), files: None}

    @readable_errors
    def remove_document(doc_id: str | None, request: gr.Request) -> dict[Any, Any]:
        viewer.require_lead(request, "remove documents")
        if not doc_id:
            raise InputError("No document selected.", "Pick one under Document to remove.")
        removed = coach.remove(doc_id)
        message = f"Removed **{esc(removed.title)}** ({removed.chunk_count} passages)."
        return {**listing(), status: message}

    private: dict[str, Any] = {"api_visibility": "private"}
    add.click(ingest, files, [table, chosen, status, files], show_progress_on=status, **private)
    remove.click(remove_document, chosen, [table, chosen, status], **private)
    demo.load(readable_errors(listing), None, [table, chosen], **private)
