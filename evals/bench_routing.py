"""Benchmark: what the safety verifier adds to routing, in one run.

Every message of the dev and safety sets is routed warm twice: by the first stage alone (the part
classifier over every part: all that routing did before the verifier) and by the whole route
(the first stage, then the verifier reading a flagged message whole). The message's own embedding
is given, as the answer pipeline gives it; the embedding memo is cleared before each call, so no
call reuses the vectors of another. Usage: python -m evals.bench_routing [--home DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.coach import Coach
from assistant.config import Settings
from assistant.index import embeddings
from evals.dataset import DATASETS, load_dataset
from evals.metrics import sample_percentile as percentile

SETS = ("dev", "safety", "safety2", "safety3", "safety4")


def timed_ms(fn: Callable[[str], object], message: str) -> float:
    embeddings._RECENT.clear()
    started = time.perf_counter()
    fn(message)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="COACH_HOME (default: a temp dir)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="coach-bench-"))
    router = Coach(Settings(home=home)).router
    messages = [case.question for name in SETS for case in load_dataset(DATASETS / f"{name}.yaml")]
    vectors = dict(zip(messages, router.encode(messages).tolist(), strict=True))

    def first_stage(message: str) -> None:
        router.screen(message, vectors[message])

    def whole_route(message: str) -> None:
        router.route(message, vectors[message])

    for message in messages[:5]:  # warm up: both models' sessions
        router.route(message + " I want to disappear for good.")
    before, after = [], []
    for message in messages:
        before.append(timed_ms(first_stage, message))
        after.append(timed_ms(whole_route, message))
    flagged = sum(router.flagged(router.screen(m, vectors[m])[1]) is not None for m in messages)
    print(f"{len(messages)} messages ({', '.join(SETS)}); {flagged} read by the verifier")
    print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in (("first stage alone (before)", before), ("whole route (after)", after)):
        print(f"{name:34} {percentile(samples, 50):8.1f} {percentile(samples, 95):8.1f}")
    ratio50 = percentile(after, 50) / percentile(before, 50)
    ratio95 = percentile(after, 95) / percentile(before, 95)
    print(f"{'ratio (after / before)':34} {ratio50:7.2f}x {ratio95:7.2f}x")


if __name__ == "__main__":
    main()
