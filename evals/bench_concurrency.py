"""Questions answered at once through the running app's `/ask` API (gradio_client).

    python -m evals.bench_concurrency [--clients 20] [--questions 10] [--json]

Measures, in one run: a single client asking in turn, then N clients at once, against the app as
shipped (several answers at once) and against one answering one at a time (Gradio's default,
the previous release); reports p50/p95 latency, throughput and errors for each.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant import Coach
from evals.metrics import sample_percentile as percentile
from ui.app import ANSWERS_AT_ONCE, launch

QUESTIONS = [
    "My mentor keeps cancelling our meetings. What should I do?",
    "How do I set goals with my mentee?",
    "How should I end a mentorship well?",
    "What makes feedback useful?",
    "How often should we meet?",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _client_run(url: str, count: int, offset: int) -> tuple[list[float], int]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    latencies, errors = [], 0
    for n in range(count):
        started = time.perf_counter()
        try:
            client.predict(QUESTIONS[(offset + n) % len(QUESTIONS)], "mentee", "", api_name="/ask")
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - started)
    return latencies, errors


def _measure(url: str, clients: int, questions: int) -> dict[str, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda n: _client_run(url, questions, n), range(clients)))
    wall = time.perf_counter() - started
    latencies = sorted(t for times, _ in results for t in times)
    return {
        "clients": clients,
        "questions": len(latencies),
        "errors": sum(errors for _, errors in results),
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "answers_per_s": round(len(latencies) / wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        coach = Coach.open(home=Path(home))
        runs: dict[str, dict[str, dict[str, float]]] = {}
        for label, at_once in (("one_at_a_time", 1), ("shipped", ANSWERS_AT_ONCE)):
            port = _free_port()
            app = launch(coach, port=port, block=False, answers_at_once=at_once)
            url = f"http://127.0.0.1:{port}/"
            try:
                runs[label] = {
                    "single": _measure(url, 1, args.questions),
                    "concurrent": _measure(url, args.clients, args.questions),
                }
            finally:
                app.close()
    shipped, baseline = runs["shipped"]["concurrent"], runs["one_at_a_time"]["concurrent"]
    result: dict[str, object] = {
        **runs,
        "p95_vs_one_at_a_time": round(shipped["p95_s"] / baseline["p95_s"], 2),
        "throughput_vs_one_at_a_time": round(
            shipped["answers_per_s"] / baseline["answers_per_s"], 2
        ),
    }
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
