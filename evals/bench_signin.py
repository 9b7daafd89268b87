"""Does a burst of wrong web sign-ins slow anybody else? Another user's ``/health`` and chat
latency with and without a burst of 20 wrong passwords, in one run, rounds interleaved.

Two bursts: from one address (the sign-in limit refuses most before any hashing) and from 20
addresses at 20 user names (each one costs an Argon2 check: the worst case the limit allows;
``X-Forwarded-For`` stands in for the addresses, as uvicorn trusts it from 127.0.0.1). The
server (`coach serve`), the burst and the measuring client are three processes, so neither
client's own work is counted as the server's.

    python -m evals.bench_signin --home DIR [--rounds 3]

prints JSON: p95 per condition and its ratio to the same run's quiet rounds. Nothing here
asserts a time (the machines are shared); the issue's target is a ratio of at most 1.2.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing.synchronize import Event

import httpx

from assistant.coach import Coach
from evals.bench_server import load_questions, load_users
from evals.metrics import sample_percentile

BURST = 20
WINDOW_S = 6.0  # each condition is measured this long: the slowest burst is over by then
HEALTH_EVERY_S = 0.05
CHAT_EVERY_S = 0.5
CONDITIONS = ("quiet", "20 form loads", "one address", "many addresses")


def burst(url: str, condition: str, ready: Event, go: Event) -> None:
    """In its own process: ``BURST`` clients connect, then each sends one request at once: a
    wrong sign-in, or (the control) a load of the sign-in form, which checks no password."""
    clients = [httpx.Client(base_url=url, timeout=120) for _ in range(BURST)]

    def wrong(index: int) -> None:
        many = condition == "many addresses"
        name = f"guess-{uuid.uuid4().hex[:6]}" if many else "bench-target"
        address = f"10.9.{index}.{uuid.uuid4().int % 250 + 1}"
        go.wait()
        if condition == "20 form loads":
            clients[index].get("/ui/login")
            return
        clients[index].post(
            "/ui/login",
            data={"username": name, "password": "wrong-password"},
            headers={"X-Forwarded-For": address} if many else {},
        )

    threads = [threading.Thread(target=wrong, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    ready.set()
    for thread in threads:
        thread.join()


@contextmanager
def bursting(url: str, condition: str) -> Iterator[None]:
    """The body runs while the condition's burst is in flight (nothing for "quiet")."""
    if condition == "quiet":
        yield
        return
    spawn = multiprocessing.get_context("spawn")
    ready, go = spawn.Event(), spawn.Event()
    process = spawn.Process(target=burst, args=(url, condition, ready, go))
    process.start()
    ready.wait(timeout=120)
    go.set()
    try:
        yield
    finally:
        process.join(timeout=300)


@contextmanager
def serving(home: str) -> Iterator[str]:
    """`coach serve` (API and web app) over ``home`` in its own process; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "COACH_RATE_LIMIT": "100000/minute"}
    command = [sys.executable, "-m", "assistant", "serve", "--home", home, "--port", str(port)]
    quiet = subprocess.DEVNULL
    server = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{url}/health").raise_for_status()
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("coach serve did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def timed(call: Callable[[], httpx.Response]) -> float:
    started = time.perf_counter()
    call().raise_for_status()
    return (time.perf_counter() - started) * 1000


def window(http: httpx.Client, questions: Sequence[str], turn: int) -> dict[str, list[float]]:
    """Milliseconds of another user's requests for ``WINDOW_S``, sent on a fixed schedule (a
    health check every ``HEALTH_EVERY_S``, a question every ``CHAT_EVERY_S``) whether or not
    the earlier ones were answered: a stalled server shows as many slow requests, not one."""
    health: list[float] = []
    chats: list[float] = []
    pending = []
    with ThreadPoolExecutor(max_workers=64) as senders:
        started = time.monotonic()
        for tick in range(int(WINDOW_S / HEALTH_EVERY_S)):
            time.sleep(max(0.0, started + tick * HEALTH_EVERY_S - time.monotonic()))
            pending.append((health, senders.submit(timed, partial(http.get, "/health"))))
            if tick % round(CHAT_EVERY_S / HEALTH_EVERY_S) == 0:
                question = questions[(turn + tick) % len(questions)]
                body = {
                    "model": "mentor-coach",
                    "messages": [{"role": "user", "content": question}],
                }
                chat = partial(http.post, "/v1/chat/completions", json=body)
                pending.append((chats, senders.submit(timed, chat)))
    for kind, future in pending:
        kind.append(future.result())
    return {"health": health, "chat": chats}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a data folder (indexed on first use)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    coach = Coach.open(home=args.home)
    questions = load_questions()
    latencies: dict[str, dict[str, list[float]]] = {
        c: {"health": [], "chat": []} for c in CONDITIONS
    }
    with load_users(coach, 1) as (key,), serving(args.home) as url:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=300) as http:
            timed(lambda: http.get("/health"))
            for turn in range(args.rounds):
                for condition in CONDITIONS:  # interleaved: drift hits every condition alike
                    with bursting(url, condition):
                        measured = window(http, questions, turn)
                    for kind, values in measured.items():
                        latencies[condition][kind] += values
    p95 = {
        c: {k: round(sample_percentile(v, 95), 1) for k, v in latencies[c].items()}
        for c in CONDITIONS
    }
    print(
        json.dumps(
            {
                "p95_ms": p95,
                "ratio_to_quiet": {
                    c: {k: round(p95[c][k] / p95["quiet"][k], 2) for k in ("health", "chat")}
                    for c in CONDITIONS[1:]
                },
                "rounds": args.rounds,
                "burst": BURST,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
