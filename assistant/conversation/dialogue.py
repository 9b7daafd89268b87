"""The conversation's policy: what each turn asks for, then the reply that act calls for.

Every turn is screened for safety first (a disclosure is escalated whatever else it asks). Then
the act classifier reads it, and what the conversation knows decides: a revision revises the
last draft, a follow-up is answered from its own words and the situation (never the raw
history) without repeating what was shown, "more" expands what a short answer offered, a draft
request is written from the drafting templates with the facts given. The same transitions
rebuild the state of a conversation a client keeps itself (``replay``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.answering.answerer import Answerer
from assistant.answering.inputs import clean_question, recent_history
from assistant.answering.triage import questions_for, triage_rules
from assistant.config import Detail, RetrievalMode
from assistant.conversation.acts import Act, ActReader, ActReading
from assistant.conversation.drafts import DraftWriter
from assistant.conversation.llm_reading import LLMTurnReader
from assistant.conversation.replies import conversation_replies
from assistant.conversation.slots import read_facts
from assistant.conversation.state import ConversationState, LastDraft
from assistant.generation.composer import Brief, documents_by_evidence
from assistant.models import Answer, Role, Route, Turn, check_role
from assistant.retrieval import RetrievalOptions
from assistant.text.sentences import split_into_sentences
from assistant.text.words import words

FIRST_WORDS = 250  # a first answer: the lead, 3-4 steps, the draft when one fits
FOLLOW_UP_WORDS = 200
FULL_FOLLOW_UP_WORDS = 400
# Conversational acts: their meaning comes from the conversation, so a turn that screens as
# off-topic on its own ("what should I write to her?") is still answered.
IN_CONTEXT: frozenset[Act] = frozenset(
    {"follow_up", "draft_request", "revision", "more", "clarify_answer", "closing"}
)
_SHORT_ANSWER_WORDS = 10
UNSURE_FOLLOW_UP = 0.25
SURE_NEW = 0.9
# A request is most often the last sentence of a story ("... can you write me some feedback?").
SURE_REQUEST = 0.7


@dataclass(frozen=True)
class Asked:
    """One turn being answered: the message, who asks, the conversation so far and how."""

    message: str
    role: Role
    history: list[Turn]
    state: ConversationState
    screened: tuple[list[float], Route]  # the message's vector and its route
    facts: dict[str, object]  # what the message states (read once, by ``understand``)
    backend: str
    retrieval: RetrievalMode
    detail: Detail


class Reply(BaseModel):
    """A turn's answer and the conversation's state after it."""

    answer: Answer
    state: ConversationState


def _said(history: list[Turn]) -> str:
    return "\n".join(t.content for t in history if t.speaker == "assistant")


def _last_reply(history: list[Turn]) -> str:
    return next((t.content for t in reversed(history) if t.speaker == "assistant"), "")


def refers_back(message: str, facts: dict[str, object], state: ConversationState) -> bool:
    """Whether ``message`` speaks of the other person of the conversation (by name or as
    she, he or they)."""
    name = state.facts.name
    named = bool(name) and re.search(rf"\b{re.escape(str(name))}\b", message, re.I) is not None
    return named or "pronoun" in facts


def decide(
    reading: ActReading,
    route: Route,
    state: ConversationState,
    history: list[Turn],
    message: str,
    facts: dict[str, object],
) -> Act:
    """The turn's act: its reading, where the conversation allows it (``facts``: what the
    turn states)."""
    if route.escalate:
        return "disclosure"
    act = reading.act
    answered = any(t.speaker == "assistant" for t in history)
    if not answered and act in ("follow_up", "more", "clarify_answer", "revision"):
        return "new_question"
    # The facts the clarifying questions ask for (triage.yaml): what an answer to one states.
    answers_one = bool({q.fact for q in triage_rules().questions} & set(facts))
    if state.asked is not None and (
        act == "clarify_answer"
        or (
            act in ("follow_up", "new_question")
            and words(message) <= _SHORT_ANSWER_WORDS
            and answers_one
        )
    ):
        return "clarify_answer"
    if act == "clarify_answer" and not answers_one:
        return "follow_up"  # an answer to a question nobody asked, saying nothing it asks
    if act == "new_question" and answered and state.situation:
        # Half-way between a new question and a follow-up, or not sure and speaking of the
        # person the conversation is about ("how do I check in with Emeka without ..."), a turn
        # mid-conversation is most likely about the conversation's situation.
        unsure = reading.scores.get("follow_up", 0.0) >= UNSURE_FOLLOW_UP
        if unsure or (reading.confidence < SURE_NEW and refers_back(message, facts, state)):
            return "follow_up"
    if act == "off_topic" and route.category != "out_of_scope":
        return "new_question"  # safety screening finds it in scope: answer it
    return act


class Dialogue:
    """Replies to each turn of a conversation from injected answering and drafting."""

    def __init__(
        self,
        answerer: Answerer,
        acts: ActReader,
        drafts: DraftWriter,
        llm_reader: Callable[[str], LLMTurnReader] | None = None,
    ) -> None:
        """``llm_reader`` gives the reader of an LLM backend (by name): with one, turns are
        read by the model, the offline classifier and patterns standing by."""
        self.answerer = answerer
        self.acts = acts
        self.drafts = drafts
        self.llm_reader = llm_reader

    def understand(
        self,
        message: str,
        vector: list[float],
        history: list[Turn],
        state: ConversationState,
        backend: str,
    ) -> tuple[ActReading, dict[str, object]]:
        """What the turn asks for and the facts it states: the LLM backend's reading when it
        gives one, else the classifier's and the patterns'."""
        facts = read_facts(message)
        if backend != "composer" and self.llm_reader is not None:
            read = self.llm_reader(backend).read(message, history, state)
            if read is not None:
                return read[0], {**facts, **read[1]}
        return self.request_read(message, self.read(message, vector)), facts

    def read(self, message: str, vector: list[float]) -> ActReading:
        return self.acts.read(message, vector)

    def request_read(self, message: str, reading: ActReading) -> ActReading:
        """A story that ends by asking for a draft is that request (its last sentence read
        alone), whatever the story reads as whole."""
        sentences = split_into_sentences(message, any_case=True)
        if reading.act != "new_question" or len(sentences) < 2:
            return reading
        last = sentences[-1]
        alone = self.read(last, self.answerer.retriever.embeddings.embed_query(last))
        asked = alone.act == "draft_request" and alone.confidence >= SURE_REQUEST
        return alone if asked else reading

    def stream(
        self,
        message: str,
        role: str,
        history: list[Turn],
        state: ConversationState,
        backend: str,
        retrieval: RetrievalMode,
        detail: Detail = "brief",
    ) -> Iterator[str | Reply]:
        """Yield the reply's text in pieces, then the Reply (always last)."""
        settings = self.answerer.settings
        message = clean_question(message, settings.max_question_chars)
        who = check_role(role)
        vector, route = self.answerer.screen(message)
        reading, facts = self.understand(message, vector, history, state, backend)
        act = decide(reading, route, state, history, message, facts)
        if act != "disclosure":
            state = state.with_facts(facts)
        if act in IN_CONTEXT and route.category == "out_of_scope":
            route = route.model_copy(
                update={"category": "in_scope", "reason": f"a turn of the conversation ({act})"}
            )
        asked = Asked(
            message, who, history, state, (vector, route), facts, backend, retrieval, detail
        )
        replies = conversation_replies()
        answer: Answer
        if act == "revision" and state.draft is None and reading.revision == "longer":
            act = "more"  # nothing drafted yet: "more detail" is more of the answer
        if act == "draft_request" or (
            act == "revision" and (state.draft is not None or reading.revision != "shorter")
        ):
            answer, state = self._draft(message, who, state, reading, act, route, backend)
            yield answer.text
        elif act == "revision":  # "shorter" with nothing drafted yet: the last answer, shorter
            answer = self._shortened(message, who, history, route, backend)
            yield answer.text
        elif act == "closing":
            text = replies.closing[who]
            answer = Answer(question=message, role=who, text=text, backend=backend, route=route)
            yield text
        elif act == "more" and state.more:
            answer = self._more(message, who, state, route, backend)
            yield answer.text
        elif act in ("follow_up", "more", "clarify_answer") and state.situation:
            answer = yield from self._follow_up(asked, act)
        else:
            answer = yield from self._first(asked)
            act = "new_question" if act in ("follow_up", "more", "clarify_answer") else act
        answer = answer.model_copy(update={"act": act})
        yield Reply(answer=answer, state=self.advance(state, act, reading, message, who, answer))

    def advance(
        self,
        state: ConversationState,
        act: Act,
        reading: ActReading,
        message: str,
        role: Role,
        answer: Answer | None,
        reply: str = "",
    ) -> ConversationState:
        """The state after a turn of ``act`` and its answer (None when replaying a client's
        history, where ``reply`` is the assistant's text that followed). A draft turn's state
        is ``_draft``'s own (what it wrote), or, replayed, what it would write."""
        reply = answer.text if answer is not None else reply
        if act in ("new_question", "off_topic"):
            if answer is not None and answer.mode != "answer":
                return state
            lead = documents_by_evidence(answer.contexts)[0] if answer and answer.contexts else None
            asked = [i for i, q in enumerate(triage_rules().questions) if q.ask in reply]
            state = state.model_copy(
                update={
                    "situation": message,
                    "lead_doc": lead,
                    "more": answer.more if answer else [],
                    "asked": asked[0] if asked else None,
                    "draft": None,
                }
            )
            if answer is not None and answer.draft:  # the situation's message ended it
                drafted = self.drafts.draft("message", None, state, role)
                state = state.model_copy(update={"draft": drafted})
            return state
        if act in ("follow_up", "more", "clarify_answer"):
            return state.model_copy(update={"more": answer.more if answer else [], "asked": None})
        if act in ("draft_request", "revision") and answer is None:
            state = self._with_lead_doc(state, role)
            return state.model_copy(update={"draft": self._planned(reading, act, state, role)})
        return state

    # ------------------------------------------------------------------ replies

    def _brief(self, detail: Detail, words_left: int, **fields: object) -> Brief | None:
        if detail == "full" and "said" not in fields:
            return None
        limit = words_left if detail == "brief" else FULL_FOLLOW_UP_WORDS
        offer = conversation_replies().more_offer
        return Brief(words=limit, offer=offer, **fields)  # type: ignore[arg-type]

    def _first(self, asked: Asked) -> Generator[str, None, Answer]:
        """A new question: a short answer (the long form with ``detail="full"``), then the
        one clarifying question its situation calls for and what more it offers."""
        replies = conversation_replies()
        known = {**asked.state.facts.known(), **asked.facts}
        pending = [q for q in questions_for(asked.message) if q.fact not in known][:1]
        ask = replies.ask.format(question=pending[0].prompt) if pending else ""
        # A situation that calls for feedback (what the other did) gets no message at its end.
        told = asked.state.with_facts(known)
        messages = self.drafts.kind_for(None, told) == "message"
        brief = self._brief(asked.detail, FIRST_WORDS - words(ask), with_draft=messages)
        answer = yield from self._answered(asked, brief, query=asked.message)
        return (yield from self._closed_with(answer, ask if answer.mode == "answer" else ""))

    def _follow_up(self, asked: Asked, act: Act) -> Generator[str, None, Answer]:
        """A new aspect of the same situation (or the answer to the clarifying question):
        retrieved with its own words and the situation, nothing shown before repeated."""
        message, state = asked.message, asked.state
        replies = conversation_replies()
        questions = triage_rules().questions
        answered = [i for i, q in enumerate(questions) if q.fact in asked.facts]
        question = state.asked if state.asked is not None else next(iter(answered), None)
        if act == "clarify_answer" and question is not None:
            fact = questions[question].says.format(answer=message.strip().rstrip("."))
            opening = replies.clarified.format(fact=fact)
            query = f"{state.situation} {fact}"
        else:
            opening = replies.follow_up.format(question=message.strip())
            query = f"{message} {state.situation}"
        brief = self._brief(
            asked.detail,
            FOLLOW_UP_WORDS,
            steps=2,
            said=_said(asked.history),
            opening=opening,
            with_draft=False,
        )
        return (yield from self._answered(asked, brief, query=query))

    def _answered(
        self, asked: Asked, brief: Brief | None, query: str
    ) -> Generator[str, None, Answer]:
        """The answerer's reply, streamed (retrieved with ``query`` by the composer)."""
        answer: Answer | None = None
        for item in self.answerer.stream(
            asked.message,
            asked.role,
            asked.history,
            asked.backend,
            asked.retrieval,
            brief=brief,
            query=query if asked.backend == "composer" else None,
            screened=asked.screened,
        ):
            if isinstance(item, Answer):
                answer = item
            else:
                yield item
        assert answer is not None
        return answer

    def _closed_with(self, answer: Answer, ask: str) -> Generator[str, None, Answer]:
        """The answer ending with the clarifying question."""
        if not ask:
            return answer
        yield f"\n\n{ask}"
        return answer.model_copy(
            update={"text": f"{answer.text}\n\n{ask}", "asides": [*answer.asides, ask]}
        )

    def _more(
        self, message: str, role: Role, state: ConversationState, route: Route, backend: str
    ) -> Answer:
        """The "more on …" item the turn names (else the first offered), expanded from its
        passage, the others offered again."""
        replies = conversation_replies()
        said = set(re.findall(r"\w{4,}", message.lower()))
        named = [i for i in state.more if said & set(re.findall(r"\w{4,}", i.label.lower()))]
        item = (named or state.more)[0]
        passages = self.answerer.retriever.vectors.passages([item.chunk_id])
        rest = [i for i in state.more if i != item]
        if not passages:
            text = replies.nothing_more
            return Answer(question=message, role=role, text=text, backend=backend, route=route)
        composed = self.answerer.composer.compose_sections(passages)
        body = composed.text.split("\n", 1)[1].lstrip("\n")
        lines = [replies.more_opening.format(label=item.label), "", body]
        if rest:
            lines += ["", replies.more_offer.format(items="; ".join(i.label for i in rest))]
        return Answer(
            question=message,
            role=role,
            text="\n".join(lines),
            citations=composed.citations,
            contexts=passages,
            backend=backend,
            route=route,
            more=rest,
        )

    def _shortened(
        self, message: str, role: Role, history: list[Turn], route: Route, backend: str
    ) -> Answer:
        """ "Shorter" with no draft to revise: the last answer cut at a line, at most half."""
        last = _last_reply(history)
        kept: list[str] = []
        for line in last.splitlines():
            if kept and words("\n".join([*kept, line])) > words(last) // 2:
                break
            kept.append(line)
        text = "\n".join([*kept, "", conversation_replies().shortened]).strip()
        previous = next(
            (t.answer for t in reversed(history) if t.speaker == "assistant" and t.answer), None
        )
        cited = previous.citations if previous else []
        marks = set(re.findall(r"\[(\d+)\]", text))
        return Answer(
            question=message,
            role=role,
            text=text,
            citations=[c for c in cited if str(c.n) in marks],
            backend=backend,
            route=route,
        )

    def _planned(
        self, reading: ActReading, act: Act, state: ConversationState, role: Role
    ) -> LastDraft:
        """The draft a request or revision calls for, in the style a revision asks for."""
        if act == "revision" and state.draft is not None:
            style = {
                "shorter": "short",
                "longer": "standard",
                "warmer": "warm",
                "formal": "formal",
                "casual": "casual",
            }.get(reading.revision or "", state.draft.style)
            return state.draft.model_copy(update={"style": style})
        asked = None if reading.draft == "any" else reading.draft
        kind = self.drafts.kind_for(asked, state)
        last = self.drafts.draft(kind, reading.message, state, role)
        if act == "revision" and reading.revision in ("shorter", "warmer", "formal", "casual"):
            style = {"shorter": "short"}.get(reading.revision, reading.revision)
            last = last.model_copy(update={"style": style})
        return last

    def _draft(
        self,
        message: str,
        role: Role,
        state: ConversationState,
        reading: ActReading,
        act: Act,
        route: Route,
        backend: str,
    ) -> tuple[Answer, ConversationState]:
        """A draft from the templates with the conversation's facts (a revision: only the
        revised draft), and the state that remembers it."""
        replies = conversation_replies()
        if not state.situation:
            state = state.model_copy(update={"situation": message})
        state = self._with_lead_doc(state, role)
        last = self._planned(reading, act, state, role)
        written = self.drafts.written(last, state, role)
        if act == "revision" and state.draft is not None:
            change = reading.revision or "detail"
            intro = replies.revised.format(change=replies.changes[change])
        else:
            intro = replies.intro(last.kind, state.facts, role)
        answer = Answer(
            question=message,
            role=role,
            text=f"{intro}\n\n{written.text}",
            citations=list(written.citations),
            backend=backend,
            route=route,
            draft=written.text,
            draft_kind=last.kind,
            search_query=state.situation,
        )
        return answer, state.model_copy(update={"draft": last, "more": [], "asked": None})

    def _with_lead_doc(self, state: ConversationState, role: Role) -> ConversationState:
        """The state with the guide closest to its situation, when it has none yet (what kind
        of draft a request that names none calls for)."""
        if state.lead_doc is not None or not state.situation:
            return state
        settings = self.answerer.settings
        options = RetrievalOptions(
            mode=settings.retrieval,
            k=settings.top_k,
            role=role,
            exclude_topics=frozenset({"safety"}),
        )
        found = self.answerer.retriever.retrieve(state.situation, options)
        lead = documents_by_evidence(found.chunks)[0] if found.chunks else None
        return state.model_copy(update={"lead_doc": lead})

    def replay(self, history: list[Turn], role: str) -> ConversationState:
        """The state a conversation's earlier turns leave (a client that keeps its own
        history): each user turn read and applied as it was when it happened. Turns over the
        limits, or not text, are an InputError first (as the answerer says of them)."""
        who = check_role(role)
        settings = self.answerer.settings
        recent_history(history, settings.max_question_chars, settings.max_history_chars)
        state = ConversationState()
        seen: list[Turn] = []
        turns = list(history)
        said = [t.content for t in turns if t.speaker == "user"]
        vectors = iter(self.answerer.retriever.embeddings.embed_documents(said) if said else [])
        for at, turn in enumerate(turns):
            if turn.speaker != "user":
                seen.append(turn)
                continue
            reply = next((t.content for t in turns[at + 1 :] if t.speaker == "assistant"), "")
            reading = self.request_read(turn.content, self.read(turn.content, next(vectors)))
            route = Route(category="in_scope", part=turn.content, score=0.0)
            facts = read_facts(turn.content)
            act = decide(reading, route, state, seen, turn.content, facts)
            state = state.with_facts(facts)
            state = self.advance(state, act, reading, turn.content, who, None, reply)
            seen.append(turn)
        return state
