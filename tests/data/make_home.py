"""Builds tests/data/home-<version>.tar.gz: a data folder as a release leaves it.

Run with the release's code first on the path (a checkout of its commit), so the folder has
exactly that release's schema:

    git worktree add /tmp/release <commit>
    PYTHONPATH=/tmp/release .venv/bin/python tests/data/make_home.py /tmp/home-build/home
    tar czf tests/data/home-<version>.tar.gz -C /tmp/home-build --exclude write.lock home

home-0.1.0.tar.gz was made with commit 52927a7 (the release before 0.2.0): the built-in
knowledge indexed from that checkout's knowledge/, one uploaded document, a conversation of
two questions and one rating.
"""

import sys
from pathlib import Path

from assistant import Coach

QUESTIONS = (
    "My mentor keeps cancelling our meetings. What should I do?",
    "How often should we meet?",
)
NOTES = """# Our program notes

## Meeting rhythm

Pairs in our program meet every two weeks for forty-five minutes, and the mentee books the next
meeting before leaving the current one.

## Who to call

The program office answers questions about pairing on Tuesdays.
"""


def main(home: Path) -> None:
    notes = home.parent / "program-notes.md"
    notes.write_text(NOTES)
    coach = Coach.open(home=home)
    coach.ingest([notes], keep_copy=True)
    session = coach.new_session("mentee")
    answers = [coach.ask(question, session_id=session) for question in QUESTIONS]
    coach.rate(answers[0], "up", "helpful")
    print(session, [answer.mode for answer in answers])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
