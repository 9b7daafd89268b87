"""A deterministic tone check for feedback and messages: words that make feedback an attack."""

from __future__ import annotations

import re

from assistant.drafting.models import ToneIssue, ToneWarning

MAX_WORDS = 90


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(phrases) + r")\b", re.I)


RULES: list[tuple[ToneIssue, re.Pattern[str], str]] = [
    (
        "absolute",
        # Not about yourself: "we never heard her view" states a fact.
        re.compile(
            r"(?<!\bwe )(?<!\bi )\b(always|never|every (?:single )?time|constantly|"
            r"all the time)\b",
            re.I,
        ),
        "Name the specific occasion instead (for example 'in Tuesday's meeting'); absolutes "
        "invite an argument about the exaggeration.",
    ),
    (
        "label",
        _words(
            "lazy",
            "unprofessional",
            "arrogant",
            "rude",
            "careless",
            "sloppy",
            "incompetent",
            "disorgani[sz]ed",
            "selfish",
            "immature",
            "useless",
            "hopeless",
            "stupid",
            "clueless",
            "unreliable",
            "bossy",
            "too emotional",
            "(?:over|hyper)-?sensitive",
        ),  # fmt: skip
        "Describe what the person did or said, which they can change, instead of judging who "
        "they are.",
    ),
    (
        "vague",
        _words(
            "(?:bad |poor |negative )?attitude",
            "not a team player",
            "people are saying",
            "people say",
            "some people",
            "everyone thinks",
            "vibe",
            "not great",
            "do better",
            "step up",
            "good job",
            "great job",
            "well done",
            "stuff",
            "somehow",
            "a bit off",
        ),  # fmt: skip
        "Describe an observable behaviour, as a camera would record it: what was said or "
        "done, when and where.",
    ),
    (
        "blame",
        _words(
            "(?:your|his|her|their) fault",
            "you made me",
            "because of you",
            "you ruined",
            "you caused",
            "you should(?: have|'ve)",
            "to blame",
            r"you let (?:me|us|\w+) down",
        ),  # fmt: skip
        "Keep the impact factual and leave fault out; ask for their view instead of "
        "assuming motives.",
    ),
    (
        "sarcasm",
        re.compile(
            r"\b(obviously|clearly|as usual|yeah,? right|thanks a lot|must be nice|"
            r"good luck with that|oh,? great|genius|what a surprise)\b|(\?!|!{2,}|🙄|/s\b)",
            re.I,
        ),
        "Say it plainly: sarcasm reads as contempt, especially in writing.",
    ),
]


# What to search the knowledge for, to explain each issue with cited practice.
PRACTICE: dict[ToneIssue, str] = {
    "absolute": "absolutes like always or never are rarely true: name the specific occasion",
    "label": "labels judge character: describe the behaviour instead",
    "vague": "second-hand vagueness: give feedback on what you observed yourself",
    "blame": "keep the impact factual and avoid guessing at motives",
    "sarcasm": "tone in text chat and email: written messages lose tone",
    "length": "what makes feedback useful: specific, about one concrete moment",
}


def check_tone(text: str, behavior: str | None = None) -> list[ToneWarning]:
    """Warnings for the wording of ``text``; ``behavior`` is also checked for being observable."""
    warnings = []
    for issue, pattern, suggestion in RULES:
        found = [m.group(0).lower() for m in pattern.finditer(text)]
        if issue == "vague" and behavior is not None and len(behavior.split()) < 3:
            found.append(behavior.lower())
        if found:
            unique = list(dict.fromkeys(found))
            warnings.append(ToneWarning(issue=issue, words=unique, suggestion=suggestion))
    words = len(text.split())
    if words > MAX_WORDS:
        warnings.append(
            ToneWarning(
                issue="length",
                words=[f"{words} words"],
                suggestion=f"Keep it under {MAX_WORDS} words: one sentence each for the "
                "situation, the behaviour and the impact.",
            )
        )
    return warnings
