"""A bounded load test of 'coach serve': N concurrent API clients × M questions each.

Each client is its own user with its own key (so the per-key rate limit is not what is
measured) and asks different questions from ``load_questions.yaml`` through
``/v1/chat/completions``. It reports errors and latency percentiles; nothing here asserts a
time (the machines are shared).

    python -m evals.bench_server [--home DIR] [--clients 20] [--questions 10]

prints JSON: the service under load, and the same number of questions asked of the facade
directly, one at a time, in the same run (the baseline the ratio is against).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import yaml
from pydantic import BaseModel, TypeAdapter

from assistant.coach import Coach
from evals.metrics import sample_percentile

QUESTIONS_FILE = Path(__file__).with_name("load_questions.yaml")
_QUESTIONS = TypeAdapter(list[str])


class LoadReport(BaseModel):
    clients: int
    questions_each: int
    requests: int
    answered: int
    errors: int
    error_samples: list[str]
    p50_ms: float
    p95_ms: float
    max_ms: float
    wall_s: float
    throughput_rps: float


def load_questions(path: Path = QUESTIONS_FILE) -> list[str]:
    """The questions, validated: a non-empty list of non-blank strings."""
    questions = _QUESTIONS.validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))
    if not questions or any(not q.strip() for q in questions):
        raise ValueError(f"{path}: needs a non-empty list of questions")
    return questions


def run_load(
    base_url: str, keys: Sequence[str], questions_each: int, questions: Sequence[str]
) -> LoadReport:
    """Every key is one client asking ``questions_each`` questions in turn, all at once."""
    latencies: list[float] = []
    errors: list[str] = []
    answered = 0
    lock = threading.Lock()

    def client(index: int, key: str) -> None:
        nonlocal answered
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300
        ) as http:
            for turn in range(questions_each):
                question = questions[(index * questions_each + turn) % len(questions)]
                started = time.perf_counter()
                try:
                    reply = http.post(
                        "/v1/chat/completions",
                        json={
                            "model": "mentor-coach",
                            "messages": [{"role": "user", "content": question}],
                        },
                    )
                    ok = reply.status_code == 200 and bool(
                        reply.json()["choices"][0]["message"]["content"]
                    )
                    problem = "" if ok else f"{reply.status_code}: {reply.text[:200]}"
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)
                    else:
                        answered += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        for future in [pool.submit(client, i, key) for i, key in enumerate(keys)]:
            future.result()
    wall = time.perf_counter() - started
    return LoadReport(
        clients=len(keys),
        questions_each=questions_each,
        requests=len(latencies),
        answered=answered,
        errors=len(errors),
        error_samples=errors[:5],
        p50_ms=round(sample_percentile(latencies, 50), 1),
        p95_ms=round(sample_percentile(latencies, 95), 1),
        max_ms=round(max(latencies), 1),
        wall_s=round(wall, 2),
        throughput_rps=round(len(latencies) / wall, 2),
    )


@contextmanager
def load_users(coach: Coach, count: int) -> Iterator[list[str]]:
    """``count`` throwaway mentee accounts with a key each, removed afterwards."""
    names = [f"load-{uuid.uuid4().hex[:8]}-{i}" for i in range(count)]
    try:
        keys = []
        for name in names:
            coach.accounts.add(name, "mentee", uuid.uuid4().hex)
            keys.append(coach.accounts.issue_key(name, "load test"))
        yield keys
    finally:
        for name in names:
            if any(user.name == name for user in coach.accounts.list()):
                coach.accounts.remove(name)


@contextmanager
def running_server(coach: Coach, with_ui: bool = False) -> Iterator[str]:
    """The API (and the web app with ``with_ui``) on a free 127.0.0.1 port in this process;
    its base URL."""
    import socket

    import uvicorn

    from assistant.server.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(coach, with_ui=with_ui), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:  # a server that cannot start (port taken) ends its thread
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the API server did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


class Baseline(BaseModel):
    """The same questions asked of the facade directly, one at a time, in the same run."""

    requests: int
    p50_ms: float
    p95_ms: float
    throughput_rps: float


def facade_baseline(coach: Coach, questions: Sequence[str], count: int) -> Baseline:
    """``count`` of the questions through ``coach.ask`` in this thread: no HTTP, no concurrency."""
    latencies = []
    started = time.perf_counter()
    for turn in range(count):
        asked = time.perf_counter()
        coach.ask(questions[turn % len(questions)])
        latencies.append((time.perf_counter() - asked) * 1000)
    wall = time.perf_counter() - started
    return Baseline(
        requests=count,
        p50_ms=round(sample_percentile(latencies, 50), 1),
        p95_ms=round(sample_percentile(latencies, 95), 1),
        throughput_rps=round(count / wall, 2),
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    args = parser.parse_args(argv)
    coach = Coach.open(home=args.home)
    questions = load_questions()
    baseline = facade_baseline(coach, questions, args.clients * args.questions)
    with load_users(coach, args.clients) as keys, running_server(coach) as url:
        report = run_load(url, keys, args.questions, questions)
    print(
        json.dumps(
            {
                "service": report.model_dump(),
                "facade_baseline": baseline.model_dump(),
                "throughput_ratio": round(report.throughput_rps / baseline.throughput_rps, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
