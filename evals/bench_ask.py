"""Benchmark: warm `Coach.ask` latency (composer, hybrid) against a plain LangChain dense search.

Both are measured in the same run on the dev-set questions, so the ratio is meaningful on a
shared, noisy machine. Usage: python -m evals.bench_ask [--home DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from assistant.coach import Coach

DEV_SET = Path(__file__).parent / "datasets" / "dev.yaml"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


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
    store = coach.index.vectors._store  # the LangChain Chroma vector store itself

    def baseline(question: str) -> None:
        store.similarity_search(question, k=coach.settings.top_k)

    def composer(question: str) -> None:
        coach.ask(question, role="mentee", backend="composer", retrieval="hybrid")

    for fn in (baseline, composer):  # warm up: model load, caches
        timed_ms(fn, questions[:5], 1)
    rows = {}
    for name, fn in (
        ("dense similarity_search (baseline)", baseline),
        ("ask composer+hybrid", composer),
    ):
        samples = timed_ms(fn, questions, args.repeat)
        rows[name] = (percentile(samples, 50), percentile(samples, 95))
    base50, base95 = rows["dense similarity_search (baseline)"]
    print(f"{len(questions)} questions x {args.repeat}")
    print(f"{'':38} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10}")
    for name, (p50, p95) in rows.items():
        print(f"{name:38} {p50:8.1f} {p95:8.1f} {p50 / base50:10.2f}x")


if __name__ == "__main__":
    main()
