"""Pydantic models passed between layers (ingest, index, retrieval, generation, UI, evals)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, Field

from assistant.errors import InputError

Role = Literal["mentee", "mentor", "program-lead"]
ROLES: tuple[Role, ...] = get_args(Role)
AnswerMode = Literal["answer", "no_context", "refusal", "escalation"]
# How safety screening classifies a message: the first three escalate to real help, out_of_scope
# is refused, in_scope is coached.
Category = Literal["conduct", "crisis", "legal_medical", "out_of_scope", "in_scope"]
ESCALATING: tuple[Category, ...] = ("conduct", "crisis", "legal_medical")
PartKind = Literal["whole", "sentence", "clause", "pair"]


def check_role(role: str) -> Role:
    """The role named, or an InputError listing the roles."""
    for known in ROLES:
        if role == known:
            return known
    raise InputError(f"Unknown role '{role}'.", f"Use one of: {', '.join(ROLES)}.")


def heading_path(title: str, section: str = "") -> str:
    """Where a passage sits: "Title > Section > Subsection" (the title alone for no section)."""
    return f"{title} > {section}" if section else title


class Chunk(BaseModel):
    """One indexed passage of a document (a section, or part of a long one)."""

    id: str
    doc_id: str
    title: str
    section: str = ""
    source: str
    text: str
    position: int = 0
    audience: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)

    @property
    def heading_path(self) -> str:
        return heading_path(self.title, self.section)

    @property
    def indexed_text(self) -> str:
        """What is embedded and searched: the heading path gives the passage its context."""
        return f"{self.heading_path}\n\n{self.text}"

    def retrieved(
        self,
        score: float = 0.0,
        *,
        dense_score: float | None = None,
        lexical_score: float | None = None,
    ) -> RetrievedChunk:
        """This chunk as a search result with the given score(s)."""
        fields = self.model_dump(include=set(RetrievedChunk.model_fields))
        return RetrievedChunk(
            **fields, score=score, dense_score=dense_score, lexical_score=lexical_score
        )


class RetrievedChunk(BaseModel):
    """A chunk returned by search, with its relevance score (higher is better)."""

    id: str
    text: str
    doc_id: str
    title: str
    section: str = ""
    source: str
    score: float
    audience: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    dense_score: float | None = None
    lexical_score: float | None = None
    # Its document's closest example question (hybrid retrieval only).
    question_score: float | None = None

    @property
    def heading_path(self) -> str:
        return heading_path(self.title, self.section)


class HeldSection(BaseModel):
    """A section held back at ingest (quarantined): it reads as instructions planted for the
    assistant or its users, so it is neither indexed nor cited until a program lead approves
    it. ``section`` is its heading path within the document."""

    chunk_id: str
    section: str = ""
    text: str
    reason: str

    def line(self, doc_id: str) -> str:
        """The section as the program lead reads it: where it is and why it is held."""
        return f"{doc_id} > {self.section or '(introduction)'}: {self.reason}"


class DocumentInfo(BaseModel):
    """A document in the catalog; ``held`` lists its sections held back at ingest."""

    doc_id: str
    source: str
    title: str
    content_hash: str
    chunk_ids: list[str]
    ingested_at: datetime
    builtin: bool = False
    held: list[HeldSection] = Field(default_factory=list)

    @property
    def chunk_count(self) -> int:
        return len(self.chunk_ids)


class IndexCheck(BaseModel):
    """Whether the vector store, the lexical index and the example questions agree with the
    catalog, what was repaired, and what only a person can fix."""

    documents: int
    chunks: int
    missing_chunks: dict[str, int] = Field(default_factory=dict)  # doc id -> chunks not stored
    extra_chunks: int = 0  # stored, but no catalogued document has them
    lexical_missing: int = 0
    lexical_extra: int = 0
    orphan_questions: int = 0
    interrupted_write: bool = False
    repaired: list[str] = Field(default_factory=list)
    unresolved: list[str] = Field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not (
            self.missing_chunks
            or self.extra_chunks
            or self.lexical_missing
            or self.lexical_extra
            or self.orphan_questions
        )


class IngestFailure(BaseModel):
    path: str
    error: str


class IngestReport(BaseModel):
    """What an ingest did: per-document outcome, chunks added and removed, and how many distinct
    texts were embedded (passages, their sentence units and example questions)."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: list[IngestFailure] = Field(default_factory=list)
    # Documents a rebuild copied from the previous index because their file is gone.
    kept: list[str] = Field(default_factory=list)
    # Sections held back (quarantined), as "doc id > section: reason", for the program lead.
    held: list[str] = Field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    embedded: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def merge(self, other: IngestReport) -> None:
        """Add another report's outcome to this one."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.kept += other.kept
        self.held += other.held
        self.chunks_added += other.chunks_added
        self.chunks_removed += other.chunks_removed
        self.embedded += other.embedded


class Citation(BaseModel):
    """A numbered source: ``[n]`` in an answer or draft refers to this passage."""

    n: int
    doc_id: str
    title: str
    section: str = ""
    source: str
    snippet: str
    chunk_id: str = ""

    @property
    def heading_path(self) -> str:
        return heading_path(self.title, self.section)


class Route(BaseModel):
    """Where safety screening sent a message, and why: the part that decided it and its score.

    ``score`` is the calibrated probability of ``category``: the part classifier's for ``part``,
    or, when the verifier decided, the verifier's for the whole message (1.0 for a rule). A
    program lead reviewing a false escalation reads this.
    """

    category: Category
    part: str
    part_kind: PartKind = "whole"
    score: float
    source: Literal["rule", "classifier", "verifier", "second_opinion"] = "classifier"
    reason: str = ""
    # An ordinary message that comes close to an escalation: answered, with a pointer to help.
    caution: Category | None = None
    # In a mixed message that escalates, the ordinary request besides the part that escalated.
    ordinary: str = ""

    @property
    def escalate(self) -> bool:
        return self.category in ESCALATING


class MoreItem(BaseModel):
    """A "more on …" item a short answer offers: its label and the passage that expands it."""

    label: str
    chunk_id: str


class Answer(BaseModel):
    """The assistant's reply to one question."""

    question: str
    role: Role = "mentee"
    text: str
    mode: AnswerMode = "answer"
    citations: list[Citation] = Field(default_factory=list)
    contexts: list[RetrievedChunk] = Field(default_factory=list)
    backend: str = "composer"
    session_id: str | None = None
    search_query: str = ""
    warnings: list[str] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    # A fixed pointer to real help at the end of ``text`` (not a claim drawn from a passage).
    notice: str = ""
    # A ready-to-send message at the end of ``text``, from the drafting templates (not a claim).
    draft: str = ""
    # How safety screening routed the question (None for answers stored before it was recorded).
    route: Route | None = None
    # In a conversation: what the turn asked for (its dialogue act), the kind of draft the reply
    # holds (message, feedback, agenda, agreement) and the "more on …" items it offers.
    act: str | None = None
    draft_kind: str | None = None
    more: list[MoreItem] = Field(default_factory=list)
    # The coach's own lines in ``text`` (what it offers to expand, the question it asks, a
    # follow-up's opening): not claims drawn from a passage.
    asides: list[str] = Field(default_factory=list)


class Turn(BaseModel):
    """One message of a conversation; assistant turns keep their full Answer."""

    speaker: Literal["user", "assistant"]
    content: str
    created_at: datetime
    answer: Answer | None = None


class SessionInfo(BaseModel):
    """A stored conversation."""

    id: str
    title: str
    role: Role
    created_at: datetime
    updated_at: datetime
    turns: int = 0
