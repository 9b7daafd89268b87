"""Mentoring agreement drafts: the sections a good agreement covers (``data/agreement.yaml``),
each with cited practice; a short agreement leaves out the sections marked ``short: false``, a
casual, formal or warm one has the same sections, their clauses in that voice
(``styles.Voiced``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from assistant.data_files import (
    Blanks,
    DataModel,
    Text,
    load_data_file,
    template_placeholders,
)
from assistant.drafting.models import (
    AgreementBody,
    AgreementDraft,
    AgreementRequest,
    AgreementSection,
    DraftStyle,
)
from assistant.drafting.styles import VoicedText
from assistant.drafting.wording import Placeholders
from assistant.drafting.writer import write
from assistant.resources import package_folder

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools

AGREEMENT_FILE = package_folder("assistant.drafting", "data") / "agreement.yaml"
FILLED = frozenset({"mentor", "mentee", "cadence", "minutes", "channels", "months", "review"})


class Section(DataModel):
    """A section after the goals: its clause templates (each in every voice), the query for its
    practice and whether a short agreement keeps it."""

    title: Text
    clauses: tuple[VoicedText, ...] = Field(min_length=1)
    query: Text
    short: bool = True

    def shown(self, style: DraftStyle) -> bool:
        return self.short or style != "short"


class AgreementFile(DataModel):
    """``data/agreement.yaml``: the sections of every agreement, after its goals."""

    blanks: Blanks = ()  # placeholders always left for the person to fill in
    goals_query: Text
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> AgreementFile:
        allowed = template_placeholders(FILLED, self.blanks)
        known = f"{', '.join(f'{{{n}}}' for n in sorted(FILLED))} and the blanks listed"
        for section in self.sections:
            for clause in section.clauses:
                clause.check(allowed, known, f"section {section.title!r}")
        titles = [section.title for section in self.sections]
        for title in titles:
            if title == "Goals" or titles.count(title) > 1:
                raise ValueError(f"there is more than one section called {title!r}")
        return self


def load_agreement(path: Path = AGREEMENT_FILE) -> AgreementFile:
    return load_data_file(path, AgreementFile)


@cache
def agreement_sections() -> AgreementFile:
    """The shipped agreement sections, read once."""
    return load_agreement()


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
    data = agreement_sections()
    style = request.style
    grounder = tools.grounder()
    goals = AgreementSection(
        title="Goals",
        clauses=[f"{goal} (by {{date}})" for goal in request.goals or ["{goal 1}", "{goal 2}"]],
        guidance=grounder.advice(grounder.search(data.goals_query)),
    )
    sections = [goals] + [
        AgreementSection(
            title=section.title,
            clauses=[clause.voiced(style).format_map(values) for clause in section.clauses],
            guidance=grounder.advice(grounder.search(section.query)),
        )
        for section in data.sections
        if section.shown(style)
    ]
    body = AgreementBody(
        title=f"Mentoring agreement: {values['mentor']} and {values['mentee']}",
        sections=sections,
    )
    written = write(
        tools.settings,
        body,
        grounder,
        backend,
        request,
        lambda b: agreement_problems(b, style),
        style,
    )
    return AgreementDraft(
        **written.body.model_dump(),
        style=style,
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def agreement_problems(body: AgreementBody, style: DraftStyle) -> list[str]:
    """Sections of its style a rewritten agreement lost (empty when it has them all)."""
    titles = {section.title for section in body.sections}
    sections = agreement_sections().sections
    required = ["Goals", *(section.title for section in sections if section.shown(style))]
    return [f"it has no {title!r} section" for title in required if title not in titles]
