"""`coach ingest | list | approve | remove | reindex | doctor | search`: the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import (
    DebugOpt,
    HomeOpt,
    JsonOpt,
    console,
    open_coach,
    print_error,
    print_json,
    progress_bar,
    user_errors,
)
from assistant.config import RetrievalMode
from assistant.errors import InputError
from assistant.models import Role

commands = typer.Typer()


def _print_report(report: Any) -> None:
    out = console()
    out.print(
        f"added {len(report.added)}, updated {len(report.updated)}, unchanged "
        f"{len(report.unchanged)}, failed {len(report.failed)} — {report.chunks_added} new chunks "
        f"({report.embedded} texts embedded), {report.chunks_removed} removed"
    )
    for failure in report.failed:
        print_error(failure.error)
    for held in report.held:
        print_error(f"{held} (approve with 'coach approve')", label="Held:")


@commands.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md .txt .pdf .html).")],
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Add your own documents to the index (unchanged files are skipped)."""
    with user_errors(debug):
        coach = open_coach(home)
        with progress_bar("Ingesting", enabled=not as_json) as update:
            report = coach.ingest(paths, progress=update)
        print_json(report) if as_json else _print_report(report)
        if report.failed:
            raise typer.Exit(2)


@commands.command("list")
def list_documents(home: HomeOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False):
    """List indexed documents with their chunk counts."""
    with user_errors(debug):
        documents = open_coach(home).documents()
        if as_json:
            print_json([{**d.model_dump(mode="json"), "chunks": d.chunk_count} for d in documents])
            return
        from rich.table import Table

        held = any(d.held for d in documents)  # the column only when there is something held
        table = Table("id", "title", "chunks", *(["held"] if held else []), "kind", "source")
        for d in documents:
            kind = "built-in" if d.builtin else "yours"
            counts = [str(d.chunk_count), *([str(len(d.held))] if held else [])]
            table.add_row(d.doc_id, d.title, *counts, kind, d.source)
        console().print(table)
        for d in documents:
            for line in (h.line(d.doc_id) for h in d.held):
                print_error(f"{line} — not cited until you run 'coach approve'", label="Held:")


@commands.command()
def approve(
    document: Annotated[str, typer.Argument(help="Document id (see 'coach list').")],
    section: Annotated[
        str | None, typer.Option(help="Only this held section (its path or chunk id).")
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Approve sections held back at ingest as planted instructions: they are indexed and cited."""
    with user_errors(debug):
        approved = open_coach(home).approve(document, section)
        if as_json:
            print_json(approved)
        else:
            console().print(
                f"approved: {approved.doc_id} has {approved.chunk_count} chunks, "
                f"{len(approved.held)} sections still held"
            )


@commands.command()
def remove(
    document: Annotated[str, typer.Argument(help="Document id (see 'coach list') or file path.")],
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Remove a document and its chunks from the index."""
    with user_errors(debug):
        removed = open_coach(home).remove(document)
        if as_json:
            print_json(removed)
        else:
            console().print(f"removed {removed.doc_id} ({removed.chunk_count} chunks)")


@commands.command()
def reindex(home: HomeOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    """Rebuild both indexes from knowledge/ and the documents you ingested."""
    with user_errors(debug):
        coach = open_coach(home)
        with progress_bar("Reindexing", enabled=not as_json) as update:
            report = coach.reindex(progress=update)
        print_json(report) if as_json else _print_report(report)


@commands.command()
def doctor(
    home: HomeOpt = None,
    repair: Annotated[
        bool, typer.Option("--repair/--check", help="Repair what is out of step (default).")
    ] = True,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the index against the catalog, id by id, and repair it from what is intact."""
    with user_errors(debug):
        result = open_coach(home, settle=repair).doctor(repair=repair)
        if as_json:
            print_json({**result.model_dump(mode="json"), "consistent": result.consistent})
        else:
            out = console()
            out.print(
                f"{result.documents} documents, {result.chunks} chunks: "
                + ("consistent" if result.consistent else "out of step")
                + (" (after an interrupted write)" if result.interrupted_write else "")
            )
            for line in result.repaired:
                out.print(f"repaired: {line}")
            for line in result.unresolved:
                print_error(line, label="Needs you:")
        if result.unresolved or (not repair and not result.consistent):
            raise typer.Exit(1)


@commands.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top-k", min=1, max=50, help="How many chunks.")] = 5,
    mode: Annotated[RetrievalMode, typer.Option(help="How to search.")] = "hybrid",
    role: Annotated[Role | None, typer.Option(help="Boost chunks for this audience.")] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show the chunks retrieval returns for a query, with scores (for debugging retrieval)."""
    with user_errors(debug):
        if not query.strip():
            raise InputError("The query is empty.", "Type what you are looking for.")
        results = open_coach(home).search(query, k=k, mode=mode, role=role)
        if as_json:
            print_json(results)
            return
        out = console()
        for rank, chunk in enumerate(results, start=1):
            parts = [f"score {chunk.score:.4f}"]
            if chunk.dense_score is not None:
                parts.append(f"dense {chunk.dense_score:.3f}")
            if chunk.lexical_score is not None:
                parts.append(f"bm25 {chunk.lexical_score:.2f}")
            out.print(f"{rank}. {chunk.heading_path}", style="bold")
            out.print(f"   {chunk.doc_id} · {', '.join(parts)}")
            out.print(f"   {' '.join(chunk.text.split())[:300]}")
