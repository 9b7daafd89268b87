"""Mentoring agreement drafts: the sections a good agreement covers, each with cited practice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.drafting.models import (
    AgreementBody,
    AgreementDraft,
    AgreementRequest,
    AgreementSection,
)
from assistant.drafting.wording import Placeholders

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools

GOALS_QUERY = "agreement goals: the one to three goals to focus on, in SMART form"
# After the goals: (title, clause templates, query for the practice behind them)
SECTIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "Roles and responsibilities",
        (
            "{mentee} schedules our meetings, sends the agenda two days before and shares "
            "notes and actions afterwards.",
            "{mentor} listens, asks questions, shares experience and follows through on "
            "what they offer.",
        ),
        "agreement roles: who schedules, who sets the agenda, who takes notes",
    ),
    (
        "Cadence and channels",
        (
            "We meet {cadence} for {minutes} minutes, by {channels}.",
            "Between meetings we use {channel between meetings} for quick questions.",
        ),
        "agreement cadence and channels: how often you meet, for how long, by video or phone",
    ),
    (
        "Time commitment",
        (
            "The mentorship runs for {months}, from {start date}.",
            "We reply within {how many} working days; to cancel, we give at least {how many} "
            "hours' notice and offer a new time.",
        ),
        "agreement time commitment: the overall duration and expected response times",
    ),
    (
        "Confidentiality",
        (
            "What we discuss stays between us unless we both agree otherwise.",
            "Limits: concerns about safety, harassment or illegal activity may be passed on.",
        ),
        "agreement confidentiality: what stays private and its limits, such as safety",
    ),
    (
        "Boundaries",
        (
            "{mentor} is not {mentee}'s manager or, by default, their sponsor.",
            "Off-limits topics: {off-limits topics}.",
            "Either of us can say no to a request.",
        ),
        "agreement boundaries: what the mentor will and won't do, off-limits topics",
    ),
    (
        "Feedback",
        (
            "We give each other feedback directly and soon, about specific behaviour.",
            'Every {how many} meetings we ask: "What\'s working? What should we change?"',
        ),
        "agreement feedback: how you give each other feedback and check it is working",
    ),
    (
        "Review date",
        ("On {review}, we review progress on our goals and update this agreement.",),
        "agreement review date: when you formally review progress and the agreement",
    ),
    (
        "No-fault ending",
        (
            "Either of us can end this mentorship at any time, without blame, after a short "
            "closing conversation.",
        ),
        "agreement no-fault ending: either person can end the mentorship without blame",
    ),
)


def draft_agreement(
    tools: DraftTools, request: AgreementRequest, backend: str | None = None
) -> AgreementDraft:
    """An agreement covering goals, roles, cadence, time, confidentiality, boundaries,
    feedback, review and a no-fault ending, with ``{placeholders}`` for what was not given."""
    values = Placeholders(
        {
            "mentor": request.mentor or "{mentor}",
            "mentee": request.mentee or "{mentee}",
            "cadence": request.cadence or "{every ... weeks}",
            "minutes": request.minutes,
            "channels": " or ".join(request.channels) or "{video / in person / phone}",
            "months": f"{request.months} months" if request.months else "{how many months}",
            "review": request.review or "{review date}",
        }
    )
    grounder = tools.grounder()
    goals = AgreementSection(
        title="Goals",
        clauses=[f"{goal} (by {{date}})" for goal in request.goals or ["{goal 1}", "{goal 2}"]],
        guidance=grounder.advice(grounder.search(GOALS_QUERY)),
    )
    sections = [goals] + [
        AgreementSection(
            title=title,
            clauses=[template.format_map(values) for template in clauses],
            guidance=grounder.advice(grounder.search(query)),
        )
        for title, clauses, query in SECTIONS
    ]
    body = AgreementBody(
        title=f"Mentoring agreement: {values['mentor']} and {values['mentee']}",
        sections=sections,
    )
    written = tools.write(body, grounder, backend, request, agreement_problems)
    return AgreementDraft(
        **written.body.model_dump(),
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def agreement_problems(body: AgreementBody) -> list[str]:
    """Sections a rewritten agreement lost (empty when it has them all)."""
    titles = {section.title for section in body.sections}
    required = ["Goals", *(title for title, _, _ in SECTIONS)]
    return [f"it has no {title!r} section" for title in required if title not in titles]
