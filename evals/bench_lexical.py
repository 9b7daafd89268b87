"""Benchmark: adding one small document to a large BM25 index, incrementally vs a full rebuild.

A synthetic corpus is made by recombining the knowledge base's paragraphs into ``--chunks``
chunks (no embedding needed: this measures the lexical index alone). Both ways are measured in the
same run. Usage: python -m evals.bench_lexical [--chunks 30000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.index.lexical import LexicalIndex
from assistant.models import Chunk


def synthetic_chunks(count: int, seed: int = 0) -> list[Chunk]:
    """``count`` chunks of three paragraphs each, drawn from the built-in documents."""
    paragraphs = [
        p.strip()
        for path in sorted(Settings().knowledge_dir.glob("*.md"))
        for p in path.read_text(encoding="utf-8").split("---", 2)[-1].split("\n\n")
        if len(p.split()) > 12
    ]
    rng = random.Random(seed)
    return [
        Chunk(
            id=f"synthetic-{i}",
            doc_id=f"doc-{i // 8}",
            title=f"Synthetic {i // 8}",
            source=f"synthetic/{i // 8}.md",
            text="\n\n".join(rng.sample(paragraphs, 3)),
        )
        for i in range(count)
    ]


def seconds(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=30_000)
    args = parser.parse_args()
    corpus = synthetic_chunks(args.chunks + 2)
    base, extra = corpus[: args.chunks], corpus[args.chunks :]
    with tempfile.TemporaryDirectory() as tmp:
        index = LexicalIndex(Path(tmp) / "bm25")
        first = seconds(lambda: index.rebuild(base))
        full = seconds(lambda: index.rebuild(base + extra))
        index.rebuild(base)
        incremental = seconds(lambda: index.update(extra, set()))
        removal = seconds(lambda: index.update([], {c.id for c in extra}))
    print(f"{args.chunks} chunks: first index {first:.2f} s")
    print(f"add one 2-chunk document: full rebuild {full:.2f} s, incremental {incremental:.2f} s")
    print(f"  ratio {incremental / full:.2f}x; remove it again {removal:.2f} s")


if __name__ == "__main__":
    main()
