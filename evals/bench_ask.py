"""Benchmark: warm `Coach.ask` latency (composer, hybrid) and the cost of safety screening, against
a plain LangChain dense search.

All are measured in the same run, so the ratios are meaningful on a shared, noisy machine.
Screening is timed as the answer pipeline runs it (the message's own embedding is already there;
its other parts are encoded and every part classified), on the dev questions and on the longer
messages of the safety sets. Usage: python -m evals.bench_ask [--home DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from assistant.coach import Coach
from evals.dataset import DATASETS
from evals.metrics import sample_percentile as percentile

DEV_SET = DATASETS / "dev.yaml"
SAFETY_SETS = ("safety.yaml", "safety2.yaml", "safety3.yaml")


def timed_ms(fn, questions: list[str], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            fn(question)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="COACH_HOME (default: a temp dir)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="coach-bench-"))
    coach = Coach.open(home=home)
    questions = [c["question"] for c in yaml.safe_load(DEV_SET.read_text())]
    messages = [
        c["question"] for s in SAFETY_SETS for c in yaml.safe_load((DATASETS / s).read_text())
    ]
    vectors = dict(
        zip(
            questions + messages,
            coach.embeddings.embed_documents(questions + messages),
            strict=False,
        )
    )
    from langchain_chroma import Chroma

    from assistant.index.vectorstore import open_client

    store = Chroma(  # a plain LangChain dense search over the same collection
        collection_name=coach.settings.collection,
        embedding_function=coach.embeddings,
        client=open_client(coach.settings.chroma_dir, coach.settings.chroma_url),
    )

    def baseline(question: str) -> None:
        store.similarity_search(question, k=coach.settings.top_k)

    def composer(question: str) -> None:
        coach.ask(question, role="mentee", backend="composer", retrieval="hybrid")

    def screen(message: str) -> None:
        coach.router.route(message, vectors[message])

    for fn in (baseline, composer, screen):  # warm up: model load, caches
        timed_ms(fn, questions[:5], 1)
    rows = {}
    for name, fn, texts in (
        ("dense similarity_search (baseline)", baseline, questions),
        ("ask composer+hybrid", composer, questions),
        ("screening, dev questions", screen, questions),
        ("screening, safety-set messages", screen, messages),
    ):
        samples = timed_ms(fn, texts, args.repeat)
        rows[name] = (percentile(samples, 50), percentile(samples, 95))
    base50, base95 = rows["dense similarity_search (baseline)"]
    print(f"{len(questions)} dev questions, {len(messages)} safety-set messages, x {args.repeat}")
    print(f"{'':38} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10}")
    for name, (p50, p95) in rows.items():
        print(f"{name:38} {p50:8.1f} {p95:8.1f} {p50 / base50:10.2f}x")


if __name__ == "__main__":
    main()
