"""Benchmark: what a long mentorship record adds when the app opens, in one run.

Opening the record tab (or ``GET /v1/record``) reads the person's whole record and works out
today's nudges. This times that for an empty record and for one with 200 meetings (and an
action item per meeting), alternating, on fresh SQLite databases.
Usage: python -m evals.bench_record [--meetings N] [--rounds N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from assistant.database import Database
from assistant.record.models import ActionItemIn, MeetingIn, MentorshipIn
from assistant.record.nudges import nudges
from assistant.record.store import RecordStore
from evals.metrics import sample_percentile as percentile


def opened_ms(store: RecordStore, owner: str | None) -> float:
    started = time.perf_counter()
    nudges(store.record(owner), date.today())
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="coach-bench-record-"))
    store = RecordStore(Database(f"sqlite:///{folder / 'coach.sqlite3'}"))
    today = date.today()
    pair = store.add(MentorshipIn(role="mentor", other_name="Ann", cadence_days=14), None)
    for n in range(args.meetings):
        held = today - timedelta(days=7 * n)
        meeting = store.add(
            MeetingIn(mentorship_id=pair.id, held_on=held, minutes=45, notes=f"notes {n}"), None
        )
        store.add(
            ActionItemIn(
                mentorship_id=pair.id, meeting_id=meeting.id, text=f"item {n}", done=n > 2
            ),
            None,
        )
    # The empty record: another local database with nothing in it.
    empty = RecordStore(Database(f"sqlite:///{folder / 'empty.sqlite3'}"))
    opened_ms(store, None), opened_ms(empty, None)  # warm up
    full, none = [], []
    for _ in range(args.rounds):
        full.append(opened_ms(store, None))
        none.append(opened_ms(empty, None))
    p50_full, p50_none = percentile(full, 50), percentile(none, 50)
    print(f"record with {args.meetings} meetings and action items, {args.rounds} rounds each")
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'empty record':28} {p50_none:8.1f} {percentile(none, 95):8.1f}")
    print(f"{f'{args.meetings} meetings':28} {p50_full:8.1f} {percentile(full, 95):8.1f}")
    print(f"added at p50: {p50_full - p50_none:.1f} ms ({p50_full / p50_none:.2f}x)")


if __name__ == "__main__":
    main()
