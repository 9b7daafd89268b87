"""The offline composer: a short, cited answer built only from sentences of retrieved passages.

Sentences (and bullets) were embedded at ingest time. For a question, the composer scores the
sentences of the retrieved passages against the query, picks relevant, non-redundant ones by
maximal marginal relevance, and lays them out as: a framing line, 3-6 cited points, and a next
step for this week. Every point is quoted from a passage and cites it; nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property

import numpy as np
from pydantic import BaseModel, Field

from assistant.generation.citations import CitationBook
from assistant.index.lexical import tokenize
from assistant.index.sentences import SentenceStore, Unit
from assistant.index.vectorstore import VectorStore
from assistant.models import Citation, MoreItem, RetrievedChunk

ROLE_PHRASES = {
    "mentee": "for you as the mentee",
    "mentor": "for you as the mentor",
    "program-lead": "for you as a program lead",
}
# "the list above": said first, an action must stand on its own.
_POINTS_AWAY = re.compile(r"\b(above|below|previous section|last section)\b", re.I)
_ADDRESSED = re.compile(r"^\W*(mentor|mentee|program lead)s?\b\s*[,:]", re.I)
_UNBOLD = re.compile(r"\*\*(.+?)\*\*")
_BOLD_LED = re.compile(r"^\W{0,3}\*\*")
_ACTION_CUE = re.compile(r"\b(this week|today|tomorrow|before your next|next session)\b", re.I)
LEAD_IN = re.compile(r"^\W*(this week|today)\W*[:,.\u2014-]*\s*", re.I)


class Composition(BaseModel):
    """A composed reply, the passages it cites and, when brief, what it offers to expand."""

    text: str
    citations: list[Citation]
    more: list[MoreItem] = Field(default_factory=list)
    offer: str = ""  # the line in ``text`` that offers ``more`` (the coach's words, not a claim)


def _plain(text: str) -> str:
    return " ".join(_UNBOLD.sub(r"\1", text).lower().split())


class Brief(BaseModel):
    """A short answer: its most relevant ``steps`` within ``words``, nothing ``said`` earlier
    in the conversation repeated, and ``opening`` (a follow-up's own) as its first line."""

    steps: int = Field(default=4, ge=1)
    words: int = Field(default=250, ge=50)
    said: str = ""
    opening: str | None = None
    point_words: int = 60  # a step's words (one to three sentences of one passage)
    offers: int = 4  # "more on …" items at most
    offer: str = ""  # the line that offers them ({items}: their labels), counted in ``words``
    with_draft: bool = True  # may end with the message its situation calls for
    first_docs: frozenset[str] = frozenset()  # documents whose points are shown first

    @cached_property
    def _said(self) -> str:
        return _plain(self.said)

    def already_said(self, sentence: str) -> bool:
        """Whether the conversation already showed this sentence (as a point or the lead)."""
        return bool(self.said) and _plain(LEAD_IN.sub("", sentence))[:80] in self._said


def _addressee(text: str) -> str | None:
    """The role a sentence is addressed to ("Mentors, ask ..." -> 'mentor'), if it names one."""
    named = _ADDRESSED.match(text)
    return named.group(1).lower().replace(" ", "-") if named else None


def topic_phrase(title: str) -> str:
    """The title's core as a phrase: 'Restarting X (details)' -> 'restarting X'."""
    core = re.split(r"\s*[(:\u2014]", title, maxsplit=1)[0].strip()
    return core[:1].lower() + core[1:] if core[1:2].islower() else core


def mmr(
    relevance: np.ndarray,
    vectors: np.ndarray,
    count: int,
    diversity: float,
    floor: float,
    groups: list[str] | None = None,
    per_group: int = 2,
) -> list[int]:
    """Maximal marginal relevance: indices of relevant items that add something new.

    With ``groups``, at most ``per_group`` items are taken from any one group.
    """
    chosen: list[int] = []
    taken: dict[str, int] = {}
    candidates = [int(i) for i in np.argsort(-relevance) if relevance[i] >= floor]
    while candidates and len(chosen) < count:
        if chosen:
            redundancy = (vectors[candidates] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates))
        scores = (1 - diversity) * relevance[candidates] - diversity * redundancy
        best = candidates[int(np.argmax(scores))]
        candidates.remove(best)
        group = groups[best] if groups else ""
        if groups and taken.get(group, 0) >= per_group:
            continue
        taken[group] = taken.get(group, 0) + 1
        chosen.append(best)
    return chosen


def documents_by_evidence(chunks: list[RetrievedChunk]) -> list[str]:
    """Documents ranked by their evidence (ties: rank order): the summed similarity of their
    retrieved passages, plus their closest example question when retrieval scored one.

    A document with two relevant passages usually answers the question better than one with a
    single slightly closer passage; a document written for questions like this one, too.
    """
    evidence: dict[str, float] = {}
    for chunk in chunks:
        evidence.setdefault(chunk.doc_id, chunk.question_score or 0.0)
        evidence[chunk.doc_id] += chunk.dense_score or 0.0
    return sorted(evidence, key=lambda doc_id: -evidence[doc_id])


_LIST_ITEM = re.compile(r"^\s*(?:[-*•◦▪–·]|\d{1,2}[.)])\s+")


def section_lines(text: str, max_words: int) -> list[str]:
    """A section as answer lines: its paragraphs joined, each list item a ``- `` line; cut
    after the paragraph or item that reaches ``max_words`` (never inside one)."""
    lines: list[str] = []
    words = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        item = _LIST_ITEM.match(line)
        if item:
            lines.append(f"- {line[item.end() :]}")
        elif lines and not lines[-1].startswith("- ") and words and not raw[:1].isspace():
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
        words += len(line.split())
        if words >= max_words:
            break
    return lines or [text.strip()]


class Composer:
    """Extractive, deterministic answer composition over the sentence store."""

    def __init__(
        self,
        sentences: SentenceStore,
        vectors: VectorStore,
        max_points: int = 7,
        min_points: int = 3,
        diversity: float = 0.3,
        floor: float = 0.3,
        doc_bonus: tuple[float, ...] = (0.25, 0.05),
        per_section: int = 1,
        headings: bool = True,
        sentences_per_point: int = 3,
        point_words: int = 60,
        lead_words: int = 50,  # the first step is at most this long, its lead-in aside
        outline: int = 3,
    ) -> None:
        self.sentences = sentences
        self.vectors = vectors
        self.max_points = max_points
        self.min_points = min_points
        self.diversity = diversity
        self.floor = floor
        self.doc_bonus = doc_bonus
        self.per_section = per_section
        self.headings = headings
        self.sentences_per_point = sentences_per_point
        self.point_words = point_words
        self.lead_words = lead_words
        self.outline = outline

    def relevance(
        self, query: str, query_vector: np.ndarray, units: list[Unit], doc_bonus: dict[str, float]
    ) -> np.ndarray:
        """Similarity to the query, favouring the best-matching documents and shared terms."""
        if not units:
            return np.zeros(0)
        vectors = np.stack([u.vector for u in units])
        query_terms = set(tokenize([query])[0])
        overlap = np.asarray([min(3, len(query_terms & t)) for t in self.sentences.terms(units)])
        bonus = np.asarray([doc_bonus.get(u.doc_id, 0.0) for u in units])
        quote_only = np.asarray([u.text[:1] in '"“' for u in units])
        # "This week: ..." advice is kept for the next step; bare example quotes lack context.
        excluded = np.asarray([bool(LEAD_IN.match(u.text)) for u in units])
        score = vectors @ query_vector + bonus + 0.03 * overlap - 0.1 * quote_only
        return np.where(excluded, -1.0, score)

    def compose(
        self,
        query: str,
        role: str,
        chunks: list[RetrievedChunk],
        query_vector: list[float],
        brief: Brief | None = None,
    ) -> Composition:
        """A framing line, cited points and a next step, from the given passages only.

        Points come from the retrieved passages and from every section of the best-matching
        document, so an answer covers that document's main advice, not one paragraph of it.
        A ``brief`` answer shows its most relevant points within a word budget and offers the
        rest as "more on …" items, and never repeats what the conversation already said.
        """
        q = np.asarray(query_vector, dtype=np.float32)
        doc_order = documents_by_evidence(chunks)
        doc_bonus = dict(zip(doc_order[:2], self.doc_bonus, strict=False))
        self.sentences.prefetch(doc_order[:2], [c.id for c in chunks])
        units = list(
            {u.id: u for u in [*self.sentences.units_of_documents(doc_order[:1]),
                               *self.sentences.units_for([c.id for c in chunks])]}.values()
        )  # fmt: skip
        relevance = self.relevance(query, q, units, doc_bonus)
        said = {u.id for u in units if brief and brief.already_said(u.text)}
        relevance = np.where([u.id in said for u in units], -1.0, relevance)
        vectors = np.stack([u.vector for u in units]) if units else np.zeros((0, len(q)))
        sections = [u.chunk_id for u in units]
        picked = mmr(
            relevance,
            vectors,
            self.max_points,
            self.diversity,
            self.floor,
            sections,
            self.per_section,
        )
        if len(picked) < self.min_points:
            floor = self.floor if brief and brief.said else -0.5  # never pad with repeats
            picked = mmr(relevance, vectors, self.min_points, self.diversity, floor, sections)
        layout = _Layout(self, chunks, units, relevance, vectors, doc_order, role, q, said)
        if brief is None:
            return layout.compose(picked, self.outline)
        # The user's own documents that the question names come first (their words decided),
        # and the sentence closest to the question, whichever guide it is in, is always shown.
        picked.sort(key=lambda i: units[i].doc_id not in brief.first_docs)
        steps = min(brief.steps, len(picked))
        closest = self._closest(query, q, units, said)
        if closest is not None and closest not in picked[:steps]:
            picked = [i for i in picked if i != closest]
            picked.insert(max(steps - 1, 0), closest)
        while True:  # the most relevant points that fit; the rest offered as "more on"
            composition = layout.compose(picked[:steps], 0, brief, picked[steps:])
            if steps <= 1 or len(composition.text.split()) <= brief.words:
                return composition
            steps -= 1

    def _closest(self, query: str, q: np.ndarray, units: list[Unit], said: set[str]) -> int | None:
        """The unit closest to the question on its own merits (no guide favoured), if relevant."""
        plain = self.relevance(query, q, units, {})
        plain = np.where([u.id in said for u in units], -1.0, plain)
        best = int(np.argmax(plain)) if len(plain) else None
        return best if best is not None and plain[best] >= self.floor else None

    def compose_sections(self, chunks: list[RetrievedChunk], max_words: int = 150) -> Composition:
        """The sections themselves, whole, for a question about the user's own guide ("What
        trends does the handbook mention?"): a handbook covers many topics, so its other
        sections are not advice on this one, and a list is only an answer with all its items."""
        book = CitationBook()
        lead = chunks[0]
        lines = [f"Here is what **{lead.title}** says:", ""]
        for chunk in chunks[: self.min_points]:
            heading = chunk.section.split(" > ")[-1]
            body = section_lines(chunk.text, max_words)
            first = f"**{heading}:** {body[0]}" if heading and self.headings else body[0]
            lines.append(f"- {first} [{book.cite(chunk)}]")
            lines += [f"  {line}" for line in body[1:]]
        return Composition(text="\n".join(lines), citations=book.citations)

    def _companions(
        self,
        lead: int,
        units: list[Unit],
        relevance: np.ndarray,
        vectors: np.ndarray,
        used: set[str],
        point_words: int | None = None,
    ) -> list[Unit]:
        """Further relevant, non-repetitive sentences of the lead sentence's own passage, while
        the point stays within ``point_words`` (the composer's own unless given)."""
        point_words = point_words or self.point_words
        same = [
            j for j, u in enumerate(units)
            if u.chunk_id == units[lead].chunk_id and u.id not in used
            and relevance[j] >= self.floor and float(vectors[j] @ vectors[lead]) < 0.8
        ]  # fmt: skip
        same.sort(key=lambda j: -relevance[j])
        companions: list[Unit] = []
        words = len(units[lead].text.split())
        for j in same:
            if len(companions) == self.sentences_per_point - 1:
                break
            if words + len(units[j].text.split()) <= point_words:
                companions.append(units[j])
                words += len(units[j].text.split())
        return companions

    def _point(self, group: list[Unit], passage: RetrievedChunk) -> str:
        """Sentences of one passage, led by its heading unless they have a lead of their own.

        One bold lead per line: several labelled list items ("**Situation:** ...") become
        sub-items under the heading, and a single one inside a point loses its bold, so
        labels are never read as headings glued together."""
        heading = passage.section.split(" > ")[-1]
        labelled = [u for u in group if _BOLD_LED.match(u.text)]
        if len(labelled) >= 2:
            plain = " ".join(u.text for u in group if u not in labelled)
            lead = f"**{heading}:** {plain}".strip() if self.headings and heading else plain
            items = [f"  - {u.text}" for u in labelled]
            return "\n".join([lead, *items]) if lead else "\n".join(items).removeprefix("  - ")
        if self.headings and heading and not _BOLD_LED.match(group[0].text):
            return f"**{heading}:** " + " ".join(_UNBOLD.sub(r"\1", u.text) for u in group)
        rest = [_UNBOLD.sub(r"\1", u.text) for u in group[1:]]
        return " ".join([group[0].text, *rest])

    def _passages(
        self, retrieved: list[RetrievedChunk], chunk_ids: list[str]
    ) -> dict[str, RetrievedChunk]:
        """Passages for these chunk ids: retrieved ones as they are, others read from the store."""
        known = {chunk.id: chunk for chunk in retrieved}
        missing = [cid for cid in chunk_ids if cid not in known]
        known.update((passage.id, passage) for passage in self.vectors.passages(missing))
        return known

    def _outline(
        self, doc_id: str, retrieved: list[RetrievedChunk], shown: set[str]
    ) -> list[RetrievedChunk]:
        """The first passage of each of the lead document's sections that no point was taken
        from, in reading order: where to read on in the guide the answer draws on most."""
        order = {u.chunk_id: u.chunk_position for u in self.sentences.units_of_documents([doc_id])}
        passages = self._passages(retrieved, [*order, *shown])
        seen = {passages[cid].section for cid in shown} | {""}
        rest: list[RetrievedChunk] = []
        for cid in sorted(order, key=order.__getitem__):
            if passages[cid].section not in seen:
                seen.add(passages[cid].section)
                rest.append(passages[cid])
        return rest

    def _next_step(
        self,
        q: np.ndarray,
        doc_ids: list[str],
        used: set[str],
        role: str,
        said: Callable[[str], bool] | None = None,
    ) -> Unit | None:
        """The most relevant concrete action from the leading documents' own advice, one that
        does not point to other parts of its guide, is not addressed to someone else
        ("Mentors, ask ..." for a program lead) and was not ``said`` in the conversation."""
        units = [
            u
            for u in self.sentences.units_of_documents(doc_ids)
            if u.id not in used and _ACTION_CUE.search(u.text) and not _POINTS_AWAY.search(u.text)
            and _addressee(LEAD_IN.sub("", u.text)) in (None, role)
            and not (said and said(u.text))
        ]  # fmt: skip
        return max(units, key=lambda u: float(u.vector @ q)) if units else None


class _Layout:
    """One question's units and scores, laid out as an answer for a choice of points."""

    def __init__(
        self,
        composer: Composer,
        chunks: list[RetrievedChunk],
        units: list[Unit],
        relevance: np.ndarray,
        vectors: np.ndarray,
        doc_order: list[str],
        role: str,
        query: np.ndarray,
        said: set[str],
    ) -> None:
        self.composer = composer
        self.chunks = chunks
        self.units = units
        self.relevance = relevance
        self.vectors = vectors
        self.doc_order = doc_order
        self.role = role
        self.query = query
        self.said = said

    def compose(
        self,
        picked: list[int],
        outline: int,
        brief: Brief | None = None,
        rest: list[int] | None = None,
    ) -> Composition:
        """The answer showing ``picked`` (in reading order), the lead step first; a brief one
        ends with ``rest`` and the guide's other sections as "more on …" items."""
        composer, units, chunks = self.composer, self.units, self.chunks
        rank = {doc_id: i for i, doc_id in enumerate(self.doc_order)}
        picked = sorted(
            picked,
            key=lambda i: (
                rank.get(units[i].doc_id, 99),
                units[i].chunk_position,
                units[i].position,
            ),
        )
        passages = composer._passages(chunks, [units[i].chunk_id for i in [*picked, *(rest or [])]])
        book = CitationBook()
        used = {units[i].id for i in picked} | self.said
        topic = topic_phrase((passages[units[picked[0]].chunk_id] if picked else chunks[0]).title)
        for_role = ROLE_PHRASES.get(self.role, "")
        said = brief.already_said if brief else None
        step = composer._next_step(self.query, self.doc_order[:2], used, self.role, said)
        opening = brief.opening if brief and brief.opening else None
        lines = [opening or f"On **{topic}** {for_role}:"]
        if step is not None and len(step.text.split()) <= composer.lead_words:
            # The one thing to do first leads; the steps follow.
            action = LEAD_IN.sub("", step.text)
            used.add(step.id)  # said first, so no point repeats it
            chunk = composer._passages(chunks, [step.chunk_id])[step.chunk_id]
            lines = [
                opening or f"**First, on {topic}** {for_role}:",
                f"{action[:1].upper()}{action[1:]} [{book.cite(chunk)}]",
                "",
                "**Then:**",
            ]
        for i in picked:
            passage = passages[units[i].chunk_id]
            point_words = brief.point_words if brief else None
            group = [
                units[i],
                *composer._companions(i, units, self.relevance, self.vectors, used, point_words),
            ]
            used.update(u.id for u in group)
            text = composer._point(sorted(group, key=lambda u: u.position), passage)
            lines.append(f"- {text} [{book.cite(passage)}]")
        shown = {units[i].chunk_id for i in picked}
        further = composer._outline(self.doc_order[0], chunks, shown) if chunks else []
        if outline and further:
            sections = [f"{s.section.split(' > ')[-1]} [{book.cite(s)}]" for s in further]
            lines += ["", f"**Also in this guide:** {'; '.join(sections[:outline])}."]
        more: list[MoreItem] = []
        if brief is not None:
            offered = [passages[units[i].chunk_id] for i in rest or []] + further
            labels: dict[str, str] = {}
            for passage in offered:
                label = passage.section.split(" > ")[-1] or passage.title
                if passage.id not in shown and label.lower() not in labels:
                    labels[label.lower()] = label
                    more.append(MoreItem(label=label, chunk_id=passage.id))
            more = more[: brief.offers]
        offer = brief.offer.format(items="; ".join(i.label for i in more)) if more and brief else ""
        if offer:
            lines += ["", offer]
        return Composition(text="\n".join(lines), citations=book.citations, more=more, offer=offer)
