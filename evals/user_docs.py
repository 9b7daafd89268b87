"""User-document set: do questions about "the guide" cite the user's own guide?

Adds each non-Markdown guide of ``evals/datasets/user_docs/`` in turn to a fresh home next to the
built-in knowledge (a user with their program's guide: "the guide" is that one), asks its
questions from ``questions.yaml`` (composer, as a mentee), removes it again, and counts the
answers citing the guide and its section. Standalone (only ``assistant`` is
imported) so that an older revision's library can be measured as the same run's baseline:
``PYTHONPATH=<old checkout> python evals/user_docs.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import yaml

from assistant import Coach

FOLDER = Path(__file__).resolve().parent / "datasets" / "user_docs"
GUIDES = (".txt", ".pdf", ".html", ".docx")


def main() -> int:
    cases = yaml.safe_load((FOLDER / "questions.yaml").read_text(encoding="utf-8"))["cases"]
    with tempfile.TemporaryDirectory() as home:
        coach = Coach.open(home=Path(home))
        failed: list[str] = []
        rows = []
        for guide in sorted(p for p in FOLDER.iterdir() if p.suffix in GUIDES):
            report = coach.ingest([guide])
            failed += [f"{f.path}: {f.error}" for f in report.failed]
            rows += [_ask(coach, case) for case in cases if case["doc"] == guide.stem]
            if report.ok:
                coach.remove(guide.stem)
    doc_rate = sum(r["cites_doc"] for r in rows) / len(cases)
    section_rate = sum(r["cites_section"] for r in rows) / len(cases)
    for row in rows:
        mark = "ok " if row["cites_doc"] else "MISS"
        print(f"{mark} section={'y' if row['cites_section'] else 'n'}  {row['question']}")
        print(f"     cited: {', '.join(row['cited']) or '(none)'}")
    print(f"failed to ingest: {failed or 'none'}")
    print(f"cites the user's document: {doc_rate:.2f}; cites its section: {section_rate:.2f}")
    json.dump({"cites_doc": doc_rate, "cites_section": section_rate, "rows": rows}, sys.stderr)
    return 0 if doc_rate == 1.0 else 1


def _ask(coach: Coach, case: dict) -> dict:
    answer = coach.ask(case["question"], role="mentee", backend="composer")
    cited = {c.doc_id for c in answer.citations}
    sections = {c.section for c in answer.citations if c.doc_id == case["doc"]}
    return {
        "question": case["question"],
        "cites_doc": case["doc"] in cited,
        "cites_section": any(s.endswith(case["section"]) for s in sections),
        "cited": sorted(cited),
        "mode": answer.mode,
    }


if __name__ == "__main__":
    raise SystemExit(main())
