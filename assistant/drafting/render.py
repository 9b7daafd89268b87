"""Drafts as Markdown (citations as footnotes) or plain text (citations as [n] and a list)."""

from __future__ import annotations

import re

from assistant.drafting.models import (
    Agenda,
    AgreementDraft,
    FeedbackDraft,
    MessageBody,
    MessageDraft,
    cited_numbers,
)
from assistant.generation.citations import CITATION_MARK
from assistant.models import Citation

AnyDraft = Agenda | FeedbackDraft | MessageDraft | AgreementDraft


def footnote(citation: Citation) -> str:
    return f"[^{citation.n}]: {citation.heading_path} ({citation.doc_id})"


def _md(text: str) -> str:
    return CITATION_MARK.sub(r"[^\1]", text)


def _bullets(heading: str, lines: list[str]) -> list[str]:
    return [f"**{heading}**", "", *(f"- {_md(line)}" for line in lines), ""] if lines else []


def _agenda(agenda: Agenda) -> list[str]:
    lines = [f"# {agenda.title}", ""]
    start = 0
    for number, item in enumerate(agenda.items, start=1):
        lines += [
            f"## {number}. {item.title} ({item.minutes} min, {start}–{start + item.minutes})",
            "",
            f"*{_md(item.purpose)}*",
            "",
            *_bullets("Focus", item.focus),
            *_bullets("Ask", item.prompts),
            *_bullets("Good practice", item.tips),
        ]
        start += item.minutes
    return (
        lines
        + _bullets("Before the session", agenda.prepare)
        + _bullets("After the session", agenda.follow_up)
    )


def quoted(body: MessageBody) -> str:
    """The text to send as a Markdown quote, a paragraph per part."""
    return "\n>\n".join("> " + part.text.replace("\n", "  \n> ") for part in body.parts)


def _message(title: str, body: MessageBody) -> list[str]:
    why = [f"**{part.label}:** {' '.join(part.basis)}" for part in body.parts if part.basis]
    return [f"# {title}", "", quoted(body), "", *_bullets("Why it is written this way", why)]


def _feedback(draft: FeedbackDraft) -> list[str]:
    giver, receiver = draft.direction.split("-to-")
    lines = _message(f"{draft.kind.capitalize()} feedback ({giver} → {receiver})", draft)
    checks = [f"**{w.issue}** ({', '.join(w.words)}): {w.suggestion}" for w in draft.tone]
    lines += _bullets("Tone check", checks) or ["**Tone check:** no issues found.", ""]
    if draft.rewording:
        lines += _bullets(
            "Reworded in the draft (change it back if it no longer says what happened)",
            [
                f"You wrote: “{draft.rewording.original}”",
                f"The draft says: “{draft.rewording.rewritten}”",
                f"Left out: {', '.join(f'“{w}”' for w in draft.rewording.left_out)}",
            ],
        )
    return lines


def _agreement(draft: AgreementDraft) -> list[str]:
    lines = [f"# {draft.title}", ""]
    for section in draft.sections:
        lines += [f"## {section.title}", "", *(f"- {clause}" for clause in section.clauses), ""]
        if section.guidance:
            lines += [f"*Why:* {_md(' '.join(section.guidance))}", ""]
    return lines


def _body(draft: AnyDraft) -> list[str]:
    notes = [line for warning in draft.warnings for line in (f"> **Note:** {warning}", "")]
    if isinstance(draft, Agenda):
        return notes + _agenda(draft)
    if isinstance(draft, FeedbackDraft):
        return notes + _feedback(draft)
    if isinstance(draft, MessageDraft):
        return notes + _message(draft.subject, draft)
    return notes + _agreement(draft)


def to_markdown(draft: AnyDraft) -> str:
    """The draft as Markdown, its citations as footnotes."""
    return "\n".join(_body(draft) + [footnote(c) for c in draft.citations]).strip() + "\n"


def to_text(draft: AnyDraft) -> str:
    """The draft as plain text: no Markdown, citations as [n] and a list of sources."""
    text = "\n".join(_body(draft))
    text = re.sub(r"\[\^(\d+)\]", r"[\1]", text)
    text = re.sub(r"^#+ ", "", text, flags=re.M)
    text = re.sub(r"^> ?", "    ", text, flags=re.M)
    text = re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"[ \t]+$", "", text, flags=re.M)
    sources = [footnote(c).replace(f"[^{c.n}]:", f"[{c.n}]", 1) for c in draft.citations]
    return "\n".join([text.strip(), "", "Sources:", *sources]) + "\n"


def _basis_line(parts: list[tuple[str, list[str]]]) -> str:
    """'Friendly opening [1]; A concrete proposal [2]': each part and the practice it cites."""
    cited = [
        f"{label} {' '.join(f'[{n}]' for n in cited_numbers(*basis))}"
        for label, basis in parts
        if cited_numbers(*basis)
    ]
    return f"*Why it is written this way:* {'; '.join(cited)}." if cited else ""


def to_chat(draft: AnyDraft) -> str:
    """The draft as a chat shows it: the text to send (quoted), or a compact agenda or
    agreement, and one line naming the practice each part follows (citations as [n]; not in
    the short style, whose sources are listed with the reply)."""
    if draft.style == "short":
        return _chat_body(draft)
    return "\n\n".join(filter(None, [_chat_body(draft), _chat_basis(draft)]))


def _chat_basis(draft: AnyDraft) -> str:
    if isinstance(draft, MessageDraft | FeedbackDraft):
        return _basis_line([(part.label, part.basis) for part in draft.parts])
    if isinstance(draft, AgreementDraft):
        return _basis_line([(s.title, s.guidance) for s in draft.sections])
    return ""  # an agenda's items cite their practice themselves


def _chat_body(draft: AnyDraft) -> str:
    if isinstance(draft, MessageDraft | FeedbackDraft):
        return quoted(draft)
    if isinstance(draft, Agenda):
        lines = [f"**{draft.title}** ({draft.minutes} minutes)", ""]
        start = 0
        for number, item in enumerate(draft.items, start=1):
            lines.append(
                f"{number}. **{item.title}** ({start}–{start + item.minutes} min): {item.purpose}"
            )
            lines += [f"   - Ask: {prompt}" for prompt in item.prompts[:1]]
            start += item.minutes
        return "\n".join(lines)
    lines = [f"**{draft.title}**", ""]
    lines += [f"- **{section.title}:** {' '.join(section.clauses)}" for section in draft.sections]
    return "\n".join(lines)
