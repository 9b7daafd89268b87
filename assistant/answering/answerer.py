"""Answering a question: safety routing, history-aware retrieval, generation, citations."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator

import numpy as np

from assistant.answering import fixed_replies
from assistant.answering.contacts import ProgramContacts
from assistant.answering.inputs import clean_question, recent_history
from assistant.answering.own_documents import refers_to_own_documents, without_reference
from assistant.answering.program_terms import ProgramTerms
from assistant.answering.situation_drafts import message_for, situations
from assistant.backends import backend_failure, make_chat_model
from assistant.config import RetrievalMode, Settings
from assistant.drafting.models import MessageBody, MessageRequest
from assistant.drafting.render import quoted
from assistant.generation.citations import (
    CITATION_MARK,
    CitationBook,
    to_citation,
    validate_citations,
)
from assistant.generation.composer import Brief, Composer, documents_by_evidence
from assistant.generation.prompts import (
    ANSWER_SYSTEM,
    CONDENSE_SYSTEM,
    chat_prompt,
    number_passages,
)
from assistant.index.sentences import SentenceStore, Unit
from assistant.models import Answer, Category, RetrievedChunk, Route, Turn, check_role
from assistant.retrieval import HybridRetriever, RetrievalOptions
from assistant.safety import SafetyRouter
from assistant.text.words import words

_HISTORY_TURNS = 2


def history_query(question: str, history: list[Turn]) -> str:
    """The question plus the last user turns, so follow-ups retrieve in context."""
    previous = [turn.content for turn in history if turn.speaker == "user"][-_HISTORY_TURNS:]
    return " ".join([*previous, question])


def _llm_messages(history: list[Turn]) -> list[tuple[str, str]]:
    return [("human" if t.speaker == "user" else "ai", t.content) for t in history]


class Answerer:
    """Turns a question (and its conversation) into an Answer, streaming when asked."""

    def __init__(
        self,
        settings: Settings,
        retriever: HybridRetriever,
        sentences: SentenceStore,
        router: SafetyRouter,
        own_documents: Callable[[], frozenset[str]] = frozenset,
        draft_message: Callable[[MessageRequest], MessageBody] | None = None,
        program_terms: ProgramTerms | None = None,
        contacts: Callable[[], ProgramContacts] = ProgramContacts,
    ) -> None:
        """``own_documents`` lists the ids of the user's documents, read when a question
        names one ("the handbook"); ``draft_message`` writes the message a coaching answer
        ends with when the situation calls for one (none when not given); ``program_terms`` finds
        the sections a question names in the program's own words (one per index, remembered);
        ``contacts`` are the program's own, named by every escalation."""
        self.settings = settings
        self.retriever = retriever
        self.sentences = sentences
        self.router = router
        self.own_documents = own_documents
        self.draft_message = draft_message
        self.composer = Composer(sentences, retriever.vectors)
        self.program_terms = program_terms or ProgramTerms(retriever.lexical)
        self.contacts = contacts

    def stream(
        self,
        question: str,
        role: str,
        history: list[Turn],
        backend: str,
        retrieval: RetrievalMode,
        brief: Brief | None = None,
        query: str | None = None,
        screened: tuple[list[float], Route] | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text pieces, then the final Answer (always last).

        A ``brief`` answer is short, offers the rest as "more on …" items and repeats nothing
        the conversation said; ``query`` (a follow-up's words and its situation) is what to
        retrieve with instead of the question and the last user turns; ``screened`` is the
        question's vector and route when the conversation has already screened it."""
        started = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        history = recent_history(
            history, self.settings.max_question_chars, self.settings.max_history_chars
        )
        role = check_role(role)
        vector, route = screened or self.screen(question)
        base = Answer(question=question, role=role, text="", backend=backend, route=route)
        # A question about the user's own guide ("What trends does the handbook mention?"), or in
        # its own words ("What is the Buddy Board?"), is theirs to ask even where the built-in
        # scope would refuse it; escalation still comes first.
        own = self.own_documents() if refers_to_own_documents(question) else frozenset()
        named = (
            []
            if own or route.escalate
            else self.program_terms.sections_naming(question, self.own_documents())
        )
        own = own or frozenset(section.doc_id for section in named)
        if route.category == "out_of_scope" and not own:
            answer = base.model_copy(
                update={"mode": "refusal", "text": fixed_replies.refusal_text(role)}
            )
            yield answer.text
            yield self._timed(answer, started, 0.0)
            return
        if route.escalate:
            answer = self._escalation(base, route, vector)
            yield answer.text
            if route.ordinary and fixed_replies.helps_after(route.category):
                answer = yield from self._helped_after(answer, route.ordinary, backend, retrieval)
            yield self._timed(answer, started, 0.0)
            return

        caution = route.caution
        pointer = self._pointer(caution) if caution else ""
        if caution:
            yield f"{pointer}\n\n"
        if query is None:
            query = history_query(question, history)
            if backend != "composer" and history:
                query = self._condense(question, history, backend)
        if own:
            query = without_reference(query)
        # Safety guidance is for escalations (routed above), not for coaching answers.
        options = RetrievalOptions(
            mode=retrieval,
            k=self.settings.top_k,
            role=role,
            exclude_topics=frozenset({"safety"}),
            prefer_docs=own,
            prefer_floor=self.settings.relevance_floor,
        )
        found = self.retriever.retrieve(query, options, vector if query == question else None)
        retrieved_at = time.perf_counter()
        base = base.model_copy(update={"search_query": query, "contexts": found.chunks})
        relevant = (
            found.best_similarity >= self.settings.relevance_floor
            or found.best_question_similarity >= self.settings.question_floor
        )
        if named and not (relevant and any(c.doc_id in own for c in found.chunks)):
            # The sections that hold the program's words answer it, however far their wording.
            found = found.model_copy(update={"chunks": named[: self.settings.top_k]})
            relevant = True
        if not found.chunks or not relevant:
            text = fixed_replies.no_context_text(role)
            yield text
            answer = base.model_copy(update={"mode": "no_context", "text": text})
            if caution:
                answer = self._cautioned(answer, pointer, caution, vector)
            yield self._timed(answer, started, retrieved_at)
            return

        drafting = not own and (brief is None or brief.with_draft)
        draft = self._situation_draft(question, role, found.chunks) if drafting else ""
        if backend == "composer":
            own_only = bool(own) and all(c.doc_id in own for c in found.chunks)
            if brief and draft:  # the draft is part of a short answer's words
                brief = brief.model_copy(update={"words": max(80, brief.words - words(draft))})
            if brief and own:  # the user's own documents the question names
                brief = brief.model_copy(update={"first_docs": own})
            composition = (
                self.composer.compose_sections(found.chunks)
                if own_only
                else self.composer.compose(query, role, found.chunks, found.query_vector, brief)
            )
            yield from composition.text.splitlines(keepends=True)
            answer = base.model_copy(
                update={
                    "text": composition.text,
                    "citations": composition.citations,
                    "more": composition.more,
                    "asides": [
                        line for line in (composition.offer, brief and brief.opening) if line
                    ],
                }
            )
        else:
            answer = yield from self._generate_llm(base, found.chunks, history, backend)
        if answer.mode == "answer" and draft:
            yield f"\n\n{draft}"
            answer = answer.model_copy(
                update={
                    "text": f"{answer.text}\n\n{draft}",
                    "draft": draft,
                    "draft_kind": "message",
                }
            )
        if caution:
            answer = self._cautioned(answer, pointer, caution, vector)
        yield self._timed(answer, started, retrieved_at)

    def screen(self, question: str) -> tuple[list[float], Route]:
        """The question's vector and where safety screening routes it."""
        vector = self.retriever.embeddings.embed_query(question)
        return vector, self.router.route(question, vector)

    def _situation_draft(self, question: str, role: str, chunks: list[RetrievedChunk]) -> str:
        """The message the question's situation calls for, offered as a block ("" if none)."""
        if self.draft_message is None or not chunks:
            return ""
        lead_doc = documents_by_evidence(chunks)[0]
        request = message_for(question, role, lead_doc)
        if request is None:
            return ""
        draft = self.draft_message(request)
        return f"{situations().offer.format(kind=request.kind)}\n\n{quoted(draft)}"

    def _timed(self, answer: Answer, started: float, retrieved_at: float) -> Answer:
        done = time.perf_counter()
        retrieve = (retrieved_at - started) * 1000 if retrieved_at else 0.0
        return answer.model_copy(
            update={
                "timings_ms": {
                    "retrieve": round(retrieve, 2),
                    "generate": round((done - (retrieved_at or done)) * 1000, 2),
                    "total": round((done - started) * 1000, 2),
                }
            }
        )

    def _closest_guidance(self, category: str, vector: list[float], count: int) -> list[Unit]:
        """The sentences of the safety document for ``category`` closest to the question."""
        units = self.sentences.units_of_documents([fixed_replies.ESCALATION_DOCS[category]])
        query = np.asarray(vector)
        return sorted(units, key=lambda u: -float(u.vector @ query))[:count]

    def _pointer(self, category: Category) -> str:
        """One short, kind pointer to real help for a message near ``category``, with the
        program's own contact for it."""
        contact = fixed_replies.CONTACT_LINES.first(category, self.contacts())
        return " ".join(filter(None, [fixed_replies.CAUTION_NOTES[category], contact]))

    def _cautioned(
        self, answer: Answer, pointer: str, category: Category, vector: list[float]
    ) -> Answer:
        """The answer led by the pointer, with the safety guidance closest to the question
        among its sources."""
        citations = list(answer.citations)
        for best in self._closest_guidance(category, vector, 1):
            (passage,) = self.retriever.vectors.passages([best.chunk_id])
            citations.append(to_citation(len(citations) + 1, passage))
        return answer.model_copy(
            update={
                "text": f"{pointer}\n\n{answer.text}",
                "citations": citations,
                "notice": pointer,
            }
        )

    def _escalation(self, base: Answer, route: Route, vector: list[float]) -> Answer:
        """Point to the right people; quote the safety guidance when it is indexed; in a mixed
        message, say that the ordinary part can wait until the person is safe and supported."""
        category = route.category
        lines = [fixed_replies.ESCALATION_OPENERS[category][base.role]]
        if program := fixed_replies.CONTACT_LINES.block(category, self.contacts()):
            lines += ["", *program]
        book = CitationBook()
        contexts: list[RetrievedChunk] = []
        best = self._closest_guidance(category, vector, 5)
        if best:
            passages = self.retriever.vectors.passages([u.chunk_id for u in best])
            by_id = {passage.id: passage for passage in passages}
            lines += ["", "From the guidance on this:"]
            for unit in sorted(best, key=lambda u: (u.chunk_id, u.position)):
                cited = by_id[unit.chunk_id]
                lines.append(f"- {unit.text} [{book.cite(cited)}]")
                if cited.id not in {c.id for c in contexts}:
                    contexts.append(cited)
        if route.ordinary and not fixed_replies.helps_after(category):
            lines += ["", fixed_replies.ordinary_later(base.role, route.ordinary)]
        return base.model_copy(
            update={
                "mode": "escalation",
                "text": "\n".join(lines),
                "citations": book.citations,
                "contexts": contexts,
            }
        )

    def _helped_after(
        self, escalation: Answer, request: str, backend: str, retrieval: RetrievalMode
    ) -> Generator[str, None, Answer]:
        """The escalation, then the answer to the mixed message's ordinary request (routed
        again on its own), its sources numbered after the escalation's."""
        *_, later = self.stream(request, escalation.role, [], backend, retrieval)
        assert isinstance(later, Answer)
        if later.mode != "answer":
            return escalation
        offset = len(escalation.citations)
        text = CITATION_MARK.sub(lambda m: f"[{int(m[1]) + offset}]", later.text)
        block = f"\n\n{fixed_replies.help_after_heading(request)}\n\n{text}"
        yield block
        return escalation.model_copy(
            update={
                "text": escalation.text + block,
                "citations": [
                    *escalation.citations,
                    *(c.model_copy(update={"n": c.n + offset}) for c in later.citations),
                ],
                "contexts": [*escalation.contexts, *later.contexts],
            }
        )

    def _condense(self, question: str, history: list[Turn], backend: str) -> str:
        model = make_chat_model(self.settings, backend)
        try:
            reply = (chat_prompt(CONDENSE_SYSTEM) | model).invoke(
                {"history": _llm_messages(history), "question": question}
            )
        except Exception as exc:
            raise backend_failure(backend, exc) from exc
        condensed = str(reply.content).strip()
        return condensed if 3 <= len(condensed) <= 500 else history_query(question, history)

    def _generate_llm(
        self, base: Answer, chunks: list[RetrievedChunk], history: list[Turn], backend: str
    ) -> Generator[str, None, Answer]:
        model = make_chat_model(self.settings, backend)
        chain = chat_prompt(ANSWER_SYSTEM) | model
        inputs = {
            "role": base.role,
            "passages": number_passages(chunks),
            "history": _llm_messages(history),
            "question": base.question,
        }
        pieces: list[str] = []
        try:
            for message in chain.stream(inputs):
                piece = str(message.content)
                if piece:
                    pieces.append(piece)
                    yield piece
        except Exception as exc:
            raise backend_failure(backend, exc) from exc
        text, citations = validate_citations("".join(pieces), chunks)
        warnings = [] if citations else ["The answer cites no passage: treat it with care."]
        if not text:
            warnings.append("The model returned an empty answer.")
        return base.model_copy(update={"text": text, "citations": citations, "warnings": warnings})
