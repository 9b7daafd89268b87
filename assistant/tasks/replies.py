"""Fixed replies for refusals, escalations and questions the knowledge base cannot answer."""

from __future__ import annotations

EXAMPLE_QUESTIONS = {
    "mentee": [
        "My mentor keeps cancelling our meetings. What should I do?",
        "How do I ask someone to be my mentor?",
        "How do I end my mentorship well?",
    ],
    "mentor": [
        "How do I give my mentee feedback they can act on?",
        "What should we cover in our first session?",
        "My mentee has gone quiet. How do I re-engage them?",
    ],
    "program-lead": [
        "How should we match mentors and mentees?",
        "How do we measure whether our mentoring program works?",
        "What should a mentoring agreement contain?",
    ],
}

SCOPE = (
    "I help with mentorship: setting goals, finding a mentor, running sessions, giving and "
    "receiving feedback, getting a stalled mentorship going again, ending one well, and running "
    "a mentoring program."
)

ESCALATION_OPENERS = {
    "conduct": (
        "What you describe is not acceptable, and it is not your fault. This is not something to "
        "coach around: please raise it with your program lead, HR or your organisation's ethics "
        "line, and keep a note of what happened (dates, messages, witnesses). You can stop "
        "meeting while it is looked into. If you are in danger right now, call your local "
        "emergency number."
    ),
    "crisis": (
        "I'm really sorry you're going through this, and I'm glad you said something. This needs "
        "more than coaching: if you might act on thoughts of harming yourself, or anyone is in "
        "danger, call your local emergency number or a crisis line now, and tell someone you "
        "trust. Your employee assistance program or a doctor can also help."
    ),
    "legal_medical": (
        "This is a legal or medical matter, and it needs a professional rather than coaching: "
        "please talk to a lawyer, a doctor, your HR team or your employee assistance program. "
        "In an emergency, call your local emergency number."
    ),
}

ESCALATION_DOCS = {
    "conduct": "harassment-and-misconduct",
    "crisis": "crisis-legal-and-medical-matters",
    "legal_medical": "crisis-legal-and-medical-matters",
}


def examples_block(role: str) -> str:
    """Example questions for a role, as a Markdown list."""
    return "\n".join(f"- {q}" for q in EXAMPLE_QUESTIONS.get(role, EXAMPLE_QUESTIONS["mentee"]))


def refusal_text(role: str) -> str:
    return f"That's outside what I can help with. {SCOPE}\n\nYou could ask, for example:\n" + (
        examples_block(role)
    )


def no_context_text(role: str) -> str:
    return (
        "I couldn't find anything in the knowledge base that answers this, so I won't guess. "
        "Try describing the situation in a little more detail, or add your own documents "
        "with 'coach ingest'.\n\nQuestions I can answer well include:\n" + examples_block(role)
    )
