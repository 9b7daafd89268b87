"""Benchmark: the lexical engine. Adding one small document to a large BM25 index with tantivy
(the index we use: incremental) against bm25s (used before: every change re-indexes the corpus,
from stored tokens at best), and search latency of both.

A synthetic corpus is made by recombining the knowledge base's paragraphs into ``--chunks``
chunks (no embedding needed: this measures the lexical index alone). Both engines are measured in
the same run. Usage: python -m evals.bench_lexical [--chunks 30000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from assistant.config import Settings
from assistant.index.lexical import LexicalIndex, tokenize
from assistant.models import Chunk
from evals.bench_ask import DEV_SET


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


def median_ms(fn, queries: list) -> float:
    return statistics.median(seconds(lambda q=q: fn(q)) * 1000 for q in queries)


def main() -> None:
    import bm25s

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=30_000)
    args = parser.parse_args()
    corpus = synthetic_chunks(args.chunks + 2)
    base, extra = corpus[: args.chunks], corpus[args.chunks :]
    queries = [c["question"] for c in yaml.safe_load(DEV_SET.read_text())][:40]
    tokens = tokenize([c.indexed_text for c in corpus])  # bm25s gets its tokens for free
    with tempfile.TemporaryDirectory() as tmp:
        index = LexicalIndex(Path(tmp) / "lexical")
        first = seconds(lambda: index.rebuild(base))
        add = seconds(lambda: index.update(extra, set()))
        remove = seconds(lambda: index.update([], {c.id for c in extra}))
        tantivy_query = median_ms(lambda q: index.search(q, 30), queries)
    retriever = bm25s.BM25()
    reindex = seconds(lambda: retriever.index(tokens, show_progress=False))
    query_tokens = tokenize(queries)
    bm25s_query = median_ms(
        lambda t: retriever.retrieve([t], k=30, show_progress=False), query_tokens
    )
    print(f"{args.chunks} chunks; adding one 2-chunk document:")
    print(f"  tantivy add {add:.3f} s, remove {remove:.3f} s (first index {first:.1f} s)")
    print(f"  bm25s re-index from stored tokens {reindex:.2f} s ({add / reindex:.3f}x)")
    print(f"search p50: tantivy {tantivy_query:.1f} ms, bm25s {bm25s_query:.1f} ms")


if __name__ == "__main__":
    main()
