"""Benchmark: a conversation's turns beside the ask pipeline they replaced, in one run.

Every turn of the dev conversations is asked twice, interleaved, each time in a stored
conversation of its own: as ``Coach.stream`` did before conversations (the answerer alone, the
long form, the stored turns as history, the turn appended: "before"), and as it does now (act,
facts, the reply the act calls for, the state stored with the turn: "after"). Then the same
turns with the history sent by the client, as the OpenAI API receives them (every earlier user
turn read again by ``Dialogue.replay``). Warm: models loaded and a conversation run first; the
embedding memo is cleared before each call, so no turn reuses a vector another computed.
Usage: python -m evals.bench_conversation [--home DIR]
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone
from pathlib import Path

from assistant.coach import Coach
from assistant.index import embeddings
from assistant.models import Answer, Turn
from evals.conversations import DEFAULT_CONVERSATIONS, ConversationCase, load_conversations
from evals.metrics import sample_percentile as percentile


def asked_before(coach: Coach, message: str, role: str, session: str | None) -> str:
    """One turn as before 0.3: the answerer over the stored turns, the long form, appended."""
    history = coach.sessions.turns(session) if session else []
    *_, answer = coach.answerer.stream(message, role, history, "composer", "hybrid")
    assert isinstance(answer, Answer)
    if session:
        coach.sessions.append(session, message, answer)
        return session
    return str(coach.sessions.start(answer).session_id)


def run(coach: Coach, case: ConversationCase, timings: dict[str, list[float]]) -> None:
    now = datetime.now(timezone.utc)
    old: str | None = None
    new: str | None = None
    history: list[Turn] = []
    for number, turn in enumerate(case.turns):
        kind = "first" if number == 0 else "later"
        embeddings._RECENT.clear()
        started = time.perf_counter()
        old = asked_before(coach, turn.user, case.role, old)
        timings[f"{kind} before"].append((time.perf_counter() - started) * 1000)
        embeddings._RECENT.clear()
        started = time.perf_counter()
        answer = coach.ask(turn.user, case.role, session_id=new, store=True)
        timings[f"{kind} after"].append((time.perf_counter() - started) * 1000)
        new = answer.session_id
        embeddings._RECENT.clear()
        started = time.perf_counter()
        coach.ask(turn.user, case.role, history=list(history))
        timings[f"{kind} replayed"].append((time.perf_counter() - started) * 1000)
        history += [
            Turn(speaker="user", content=turn.user, created_at=now),
            Turn(speaker="assistant", content=answer.text, created_at=now),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    coach = Coach.open(args.home)
    cases = load_conversations(DEFAULT_CONVERSATIONS)
    timings: dict[str, list[float]] = {
        f"{turn} {way}": []
        for turn in ("first", "later")
        for way in ("before", "after", "replayed")
    }
    run(coach, cases[0], {key: [] for key in timings})  # warm up
    for case in cases:
        run(coach, case, timings)
    print(f"{len(cases)} dev conversations, {len(timings['later after'])} later turns")
    print(f"{'':40} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10}")
    for key, samples in timings.items():
        base = percentile(timings[key.split()[0] + " before"], 50)
        ratio = percentile(samples, 50) / base
        print(
            f"{key:40} {percentile(samples, 50):8.1f} {percentile(samples, 95):8.1f} {ratio:9.2f}x"
        )


if __name__ == "__main__":
    main()
