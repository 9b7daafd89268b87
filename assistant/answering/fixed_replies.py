"""Fixed replies for refusals, escalations and questions the knowledge base cannot answer."""

from __future__ import annotations

from typing import get_args

from assistant.models import Role

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

_EMERGENCY = "If anyone is in danger right now, call your local emergency number."
_LEGAL_MEDICAL = (
    "This is a legal or medical matter, and it needs a professional rather than coaching: "
    "please talk to a lawyer, a doctor, your HR team or your employee assistance program. "
    "In an emergency, call your local emergency number."
)

# What to do first, by category and by who is asking (the person affected, a mentor hearing it
# from a mentee, or a program lead receiving a report); drawn from the two safety documents.
ESCALATION_OPENERS: dict[str, dict[str, str]] = {
    "conduct": {
        "mentee": (
            "What you describe is not acceptable, and it is not your fault. This is not something "
            "to coach around: please raise it with your program lead, HR or your organisation's "
            "ethics line. Write down what happened while it is fresh (dates, exact words, "
            "witnesses) and save messages or screenshots. You can stop meeting while it is looked "
            f"into. {_EMERGENCY}"
        ),
        "mentor": (
            "Thank you for taking this seriously: it is not something to coach around. Listen "
            "calmly, believe your mentee and tell them it is not their fault. Do not investigate "
            "or confront anyone, and do not promise total secrecy. Help them reach the right "
            "channel (program lead, HR or the ethics line), and write down what they told you, "
            f"with the date. {_EMERGENCY}"
        ),
        "program-lead": (
            "Take the report seriously and act promptly: it is not something to coach around. "
            "Follow your organisation's policy with HR, pause or end the match while it is looked "
            "into, protect the person who reported it from retaliation, keep the details "
            "confidential to those who need them, and keep a written record (dates, exact words, "
            f"messages, witnesses). Tell them what happens next and offer a new match. {_EMERGENCY}"
        ),
    },
    "crisis": {
        "mentee": (
            "I'm really sorry you're going through this, and I'm glad you said something. This "
            "needs more than coaching: if you might act on thoughts of harming yourself, or anyone "
            "is in danger, call your local emergency number or a crisis line now, and tell someone "
            "you trust. Your employee assistance program or a doctor can also help."
        ),
        "mentor": (
            "Take what they said seriously and stay calm; this needs more than coaching. Ask "
            "directly whether they are safe. If they might act on it or anyone is in danger, call "
            "your local emergency number or a crisis line now and stay with them. Help them reach "
            "someone who can help (a doctor, the employee assistance program, someone they trust), "
            "and look after yourself afterwards too."
        ),
        "program-lead": (
            "Take this seriously and act now; it needs more than coaching. If anyone may be in "
            "danger, call your local emergency number or a crisis line. Make sure the person has "
            "support (a doctor, the employee assistance program, someone they trust), support the "
            "mentor who raised it, and give every mentor the crisis routes in advance."
        ),
    },
    "legal_medical": dict.fromkeys(get_args(Role), _LEGAL_MEDICAL),
}

# Added to an ordinary answer when the question comes close to a situation that needs real help.
CAUTION_NOTE = (
    "**If this touches on harassment, someone's safety, or a legal or medical matter:** coaching "
    "is not the right help. Talk to your program lead or HR, or in an emergency call your local "
    "emergency number."
)

# Closes an escalation of a mixed message: the ordinary request is not forgotten, only second.
_ORDINARY_LATER = {
    "mentee": "Once you are safe and supported, I'm glad to help with the rest of what you asked",
    "mentor": "Once your mentee is safe and supported, I'm glad to help with the rest of what you "
    "asked",
    "program-lead": "Once the report is being handled, I'm glad to help with the rest of what you "
    "asked",
}


def ordinary_later(role: str, ordinary: str) -> str:
    """The line that closes a mixed message's escalation, quoting its ordinary request."""
    return f'{_ORDINARY_LATER.get(role, _ORDINARY_LATER["mentee"])} ("{ordinary}").'


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
