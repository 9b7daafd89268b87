"""The Coach facade: the one API that the CLI, the UI and the evals all use."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.accounts import Accounts
from assistant.answering.answerer import Answerer
from assistant.answering.contacts import ContactsFile
from assistant.answering.program_terms import ProgramTerms
from assistant.backends import make_chat_model
from assistant.config import Detail, RetrievalMode, Settings, enforce_offline
from assistant.conversation.acts import ActModel, ActReader
from assistant.conversation.dialogue import Dialogue, Reply
from assistant.conversation.drafts import DraftWriter
from assistant.conversation.llm_reading import LLMTurnReader
from assistant.conversation.state import FACT_LABELS, ConversationState
from assistant.database import Database, open_database
from assistant.drafting import models as drafts
from assistant.drafting.drafter import Drafter
from assistant.errors import IndexUnavailableError, InputError, NotPermittedError
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.folder import WaitCallback
from assistant.index.knowledge_index import KnowledgeIndex, ProgressCallback
from assistant.index.live import LiveIndex
from assistant.index.uploads import KeptCopies
from assistant.models import (
    Answer,
    DocumentInfo,
    IndexCheck,
    IngestReport,
    RetrievedChunk,
    Role,
    SessionInfo,
    Turn,
    check_role,
)
from assistant.ratings import Rating, RatingStore
from assistant.record.store import RecordStore
from assistant.retrieval import HybridRetriever, Reranker, RetrievalOptions
from assistant.safety import SafetyRouter
from assistant.safety.classifier import SafetyClassifier
from assistant.safety.rules import shipped_rules
from assistant.safety.second_opinion import configured_second_opinion
from assistant.safety.training import current_model
from assistant.safety.verifier import Verifier, VerifierModel
from assistant.sessions import SessionStore
from assistant.source_names import SourceNames

log = logging.getLogger(__name__)


class Coach:
    """Mentorship coaching assistant over a knowledge index."""

    def __init__(
        self,
        settings: Settings,
        reranker: Reranker | None = None,
        on_wait: WaitCallback | None = None,
    ) -> None:
        enforce_offline()
        self.settings = settings
        self.embeddings = PackagedEmbeddings(
            encoder=settings.embedding_encoder, cache_dir=settings.cache_dir
        )
        self.live = LiveIndex(settings, self.embeddings, on_wait)
        # What the front ends show for a stored path (never the server's folders).
        self.names = SourceNames(settings.home, settings.knowledge_dir)
        self._reranker = reranker
        self._retriever: tuple[KnowledgeIndex, HybridRetriever] | None = None
        self._program_terms: ProgramTerms | None = None
        self._opening = threading.Lock()
        self.router = SafetyRouter(
            self.embeddings.encode,
            SafetyClassifier(current_model(settings.cache_dir, self.embeddings.encode)),
            shipped_rules(),
            Verifier(VerifierModel.load(), settings.cache_dir),
            configured_second_opinion(settings),
        )

    @classmethod
    def open(
        cls,
        home: str | Path | None = None,
        progress: ProgressCallback | None = None,
        on_wait: WaitCallback | None = None,
        settle: bool = True,
        **overrides: Any,
    ) -> Coach:
        """Open the index under ``home`` or ``COACH_HOME``: checked and repaired if a write was
        interrupted, built on first use, and built-in documents whose files changed since (an
        upgrade) indexed again. ``settle=False`` skips the check and repair (to inspect an
        index as it is: 'coach doctor --check')."""
        if home is not None:
            overrides["home"] = Path(home)
        coach = cls(Settings(**overrides), on_wait=on_wait)
        if settle:
            coach.live.settle()
        if coach.live.broken or not settle:  # 'coach reindex' rebuilds it; every other use says so
            return coach
        if coach.index.is_empty() or coach.index.builtin_changes():
            with coach.live.writing("ingest") as index:  # checked again under the lock
                if index.is_empty():
                    report = index.ingest(
                        [coach.settings.knowledge_dir], builtin=True, progress=progress
                    )
                    if index.is_empty():
                        raise IndexUnavailableError(
                            f"The built-in knowledge in {coach.settings.knowledge_dir} could not "
                            f"be indexed ({len(report.failed)} files failed).",
                            "Check COACH_KNOWLEDGE_DIR; 'coach ingest' shows each file's error.",
                        )
                    # Set-up work too, once per cache: the first flagged message then waits
                    # for no export of the safety verifier.
                    coach.router.verifier.prepare()
                elif changes := index.builtin_changes():
                    log.info(
                        "built-in knowledge: %d files to index, %d documents gone",
                        len(changes.to_index),
                        len(changes.gone),
                    )
                    for document in changes.gone:  # first, so a moved guide keeps its id
                        index.remove(document.doc_id)
                    index.ingest(changes.to_index, builtin=True, progress=progress)
        return coach

    @property
    def index(self) -> KnowledgeIndex:
        """The live knowledge index (re-opened when another process wrote to it)."""
        return self.live.current()

    @property
    def retriever(self) -> HybridRetriever:
        """Hybrid retrieval over the live index."""
        index = self.index
        if self._retriever is None or self._retriever[0] is not index:
            retriever = HybridRetriever(
                self.embeddings,
                index.vectors,
                index.lexical,
                self._reranker,
                questions=index.questions,
            )
            self._retriever = (index, retriever)
        return self._retriever[1]

    @retriever.setter
    def retriever(self, retriever: HybridRetriever) -> None:
        """Swap the retriever (an evaluation of a broken one) until the index is re-opened."""
        self._retriever = (self.index, retriever)

    @cached_property
    def database(self) -> Database:
        """Accounts, conversations and ratings (opened on first use, so a damaged or unreachable
        database stops only what needs it); an earlier release's files are imported first."""
        with self._opening:  # one Database per Coach, even when threads ask at once
            if "database" in self.__dict__:
                return self.__dict__["database"]
            return open_database(self.settings.home, self.settings.database_url)

    @cached_property
    def sessions(self) -> SessionStore:
        return SessionStore(self.database)

    @cached_property
    def ratings(self) -> RatingStore:
        return RatingStore(self.database)

    @cached_property
    def record(self) -> RecordStore:
        """Each person's mentorship record (theirs alone)."""
        return RecordStore(self.database)

    @cached_property
    def accounts(self) -> Accounts:
        """The users of a deployed program ('coach users', 'coach serve')."""
        return Accounts(self.database)

    @property
    def answerer(self) -> Answerer:
        """The answering pipeline (built on the current retriever, so it can be swapped)."""
        return Answerer(
            self.settings,
            self.retriever,
            self.index.sentences,
            self.router,
            own_documents=lambda: frozenset(
                d.doc_id for d in self.index.catalog.all() if not d.builtin
            ),
            draft_message=lambda request: self.drafter.message(request, backend="composer"),
            program_terms=self.program_terms,
            contacts=self.contacts_file.current,
        )

    @cached_property
    def contacts_file(self) -> ContactsFile:
        """The program's contacts (``COACH_HOME/contacts.yaml``), named by every escalation."""
        return ContactsFile(self.settings.home)

    @property
    def program_terms(self) -> ProgramTerms:
        """What the user's documents name, remembered for as long as the index is the same."""
        lexical = self.retriever.lexical
        if self._program_terms is None or self._program_terms.lexical is not lexical:
            self._program_terms = ProgramTerms(lexical)
        return self._program_terms

    @property
    def drafter(self) -> Drafter:
        """The drafting service (built on the current retriever, like the answerer)."""
        return Drafter(self.settings, self.retriever, self.index.sentences)

    def ingest(
        self,
        paths: Sequence[str | Path],
        progress: ProgressCallback | None = None,
        keep_copy: bool = False,
    ) -> IngestReport:
        """Add or update the user's own documents (files or folders).

        With ``keep_copy`` (uploads from temporary folders), files are first copied into
        ``COACH_HOME/documents`` so that 'reindex' can read them again later: a copy under a
        name kept before replaces it (an edited upload updates its document), and the copy of
        a file that fails is taken back.
        """
        files = [Path(p).expanduser() for p in paths]
        with self.live.writing("ingest") as index, KeptCopies(self.uploads) as copies:
            if keep_copy:
                files = copies.keep(files)
            report = index.ingest(files, progress=progress)
            copies.take_back(report)
        return self.names.report(report)

    @property
    def uploads(self) -> Path:
        """Where uploaded files are kept (read again by 'reindex')."""
        return self.settings.home / "documents"

    def documents(self) -> list[DocumentInfo]:
        """Every indexed document, built-in knowledge first."""
        return self.names.each(self.index.catalog.all())

    def remove(self, doc_id_or_path: str) -> DocumentInfo:
        """Remove a document by id or source path (and the copy an upload kept, so that a
        rebuild does not bring it back)."""
        with self.live.writing("remove") as index:
            removed = index.remove(doc_id_or_path)
        kept = Path(removed.source)
        if kept.parent == self.uploads:
            kept.unlink(missing_ok=True)
        return self.names.each([removed])[0]

    def approve(self, doc_id_or_path: str, section: str | None = None) -> DocumentInfo:
        """Approve a document's sections held back at ingest (all, or one by its section path
        or chunk id) and index them: only a program lead decides that uploaded text is advice."""
        with self.live.writing("approve") as index:
            return self.names.each([index.approve(doc_id_or_path, section)])[0]

    def reindex(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Rebuild the indexes beside the live ones, then switch (a crash loses nothing)."""
        return self.names.report(self.live.reindex(progress=progress))

    def doctor(self, repair: bool = True) -> IndexCheck:
        """Check the index against the catalog, id by id, and repair what is out of step."""
        return self.live.doctor(repair)

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        role: str | None = None,
        exclude_topics: frozenset[str] = frozenset(),
    ) -> list[RetrievedChunk]:
        """The chunks retrieval returns for a query, best first, with scores."""
        options = RetrievalOptions(
            k=k or self.settings.top_k,
            mode=mode or self.settings.retrieval,
            role=role,
            exclude_topics=exclude_topics,
        )
        return self.names.each(self.retriever.retrieve(query, options).chunks)

    def passages(self, chunk_ids: list[str]) -> list[RetrievedChunk]:
        """The stored passages with these ids (e.g. those an answer cites), unscored."""
        return self.names.each(self.index.vectors.passages(chunk_ids))

    def may_choose_backend(self, user: str | None) -> bool:
        """Whether ``user`` may choose a backend other than the configured one: the one person
        of a local install (None) always, an account when COACH_BACKEND_CHOICE_ROLES has its
        role (a local LLM costs 30-100 s a request: not every key holder's to spend)."""
        return user is None or self.accounts.get(user).role in self.settings.backend_choice_roles

    def choose_backend(self, backend: str | None, user: str | None) -> str:
        """The backend that answers ``user``: ``backend`` when it is theirs to choose, the
        configured one when none is named; any other choice is a NotPermittedError."""
        configured = self.settings.backend
        if backend is None or backend == configured or self.may_choose_backend(user):
            return backend or configured
        role = self.accounts.get(str(user)).role
        allowed = ", ".join(self.settings.backend_choice_roles) or "nobody"
        raise NotPermittedError(
            f"As a {role} you get answers from the configured backend '{configured}'; "
            f"choosing another ('{backend}') is for: {allowed}.",
            "Leave the backend unset, or ask your program lead (COACH_BACKEND_CHOICE_ROLES).",
        )

    @cached_property
    def acts(self) -> ActReader:
        """The dialogue-act classifier (its weights read once)."""
        return ActReader(ActModel.load())

    @property
    def dialogue(self) -> Dialogue:
        """The conversation's policy over the current answerer and drafter."""
        return Dialogue(
            self.answerer,
            self.acts,
            DraftWriter(lambda request: self.names.draft(self.drafter.any(request, "composer"))),
            lambda backend: LLMTurnReader(make_chat_model(self.settings, backend)),
        )

    def stream(
        self,
        question: str,
        role: Role = "mentee",
        session_id: str | None = None,
        backend: str | None = None,
        retrieval: RetrievalMode | None = None,
        user: str | None = None,
        history: list[Turn] | None = None,
        store: bool = False,
        detail: Detail | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the reply's text in pieces, then the final Answer; saves it, and what the
        coach knows after it, to the session (which must be ``user``'s: None is this machine's
        one person). With ``store`` and no session, the answer starts a conversation (its id in
        ``Answer.session_id``), created only once answered, so a refused or failed question
        leaves none.

        ``history`` (a client that keeps its own conversation, e.g. an OpenAI API client) is
        used instead of the stored session's turns, and what the coach knows is read from it.
        ``detail`` is "brief" (the default setting) or "full" for a first answer's long form."""
        backend = self.choose_backend(backend, user)
        dialogue = self.dialogue
        if history is None:
            history = self.sessions.turns(session_id, user) if session_id else []
            state = self.sessions.state(session_id, user) if session_id else ConversationState()
        else:
            state = dialogue.replay(history, role)
        reply: Reply | None = None
        for item in dialogue.stream(
            question,
            role,
            history,
            state,
            backend,
            retrieval or self.settings.retrieval,
            detail or self.settings.detail,
        ):
            if isinstance(item, Reply):
                reply = item
            else:
                yield item
        assert reply is not None
        answer = self.names.answer(reply.answer).model_copy(update={"session_id": session_id})
        if session_id:
            self.sessions.append(session_id, answer.question, answer, user, reply.state)
        elif store:
            answer = self.sessions.start(answer, user, reply.state)
        yield answer

    def conversation_state(self, session_id: str, user: str | None = None) -> ConversationState:
        """What the coach knows about a conversation of ``user``'s."""
        return self.sessions.state(session_id, user)

    def edit_conversation_state(
        self, session_id: str, facts: dict[str, object], user: str | None = None
    ) -> ConversationState:
        """Set facts of a conversation by hand (None or "" clears one); facts set by hand are
        kept over what later messages say. An invalid value is an InputError naming it."""
        state = self.sessions.state(session_id, user)
        unknown = sorted(set(facts) - set(FACT_LABELS))
        if unknown:
            raise InputError(
                f"Unknown fact(s): {', '.join(unknown)}.", f"Use: {', '.join(FACT_LABELS)}."
            )
        cleaned = {k: (None if v in ("", None) else v) for k, v in facts.items()}
        try:
            state = state.with_facts(cleaned, by_hand=True)
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = FACT_LABELS.get(str(problem["loc"][0]), str(problem["loc"][0]))
            raise InputError(
                f"{field}: {problem['msg']}.", "Correct the value, or clear it."
            ) from None
        self.sessions.set_state(session_id, state, user)
        return state

    def clear_conversation_state(self, session_id: str, user: str | None = None) -> None:
        """Forget what the coach knows about a conversation (its turns stay)."""
        self.sessions.set_state(session_id, ConversationState(), user)

    def ask(
        self,
        question: str,
        role: Role = "mentee",
        session_id: str | None = None,
        backend: str | None = None,
        retrieval: RetrievalMode | None = None,
        user: str | None = None,
        history: list[Turn] | None = None,
        store: bool = False,
        detail: Detail | None = None,
    ) -> Answer:
        """Answer a question, grounded in the knowledge base, with numbered citations."""
        *_, answer = self.stream(
            question, role, session_id, backend, retrieval, user, history, store, detail
        )
        assert isinstance(answer, Answer)  # stream() always ends with the Answer
        return answer

    def new_session(self, role: Role = "mentee", user: str | None = None) -> str:
        """Start a conversation of ``user`` (None: this machine's one person); pass its id to
        ask()/stream() for follow-ups."""
        return self.sessions.create(check_role(role), owner=user)

    def list_sessions(self, user: str | None = None) -> list[SessionInfo]:
        return self.sessions.list(user)

    def session_info(self, session_id: str, user: str | None = None) -> SessionInfo:
        return self.sessions.info(session_id, user)

    def session_turns(self, session_id: str, user: str | None = None) -> list[Turn]:
        return self.sessions.turns(session_id, user)

    def export_session(self, session_id: str, user: str | None = None) -> str:
        """A conversation as Markdown with its sources."""
        return self.sessions.export_markdown(session_id, user)

    def delete_session(self, session_id: str, user: str | None = None) -> None:
        self.sessions.delete(session_id, user)

    def rate(
        self, answer: Answer, rating: str, comment: str = "", user: str | None = None
    ) -> Rating:
        """Record a thumbs up ("up") or down ("down") for an answer, with an optional comment."""
        return self.ratings.add(answer, rating, comment, user)

    def ratings_csv(self, names: bool = False) -> str:
        """Every rating as CSV, oldest first, for trainers; anonymous unless ``names`` (then
        only the users who agreed are named)."""
        return self.ratings.to_csv(names)

    def agenda(
        self, request: drafts.AgendaRequest, backend: str | None = None, user: str | None = None
    ) -> drafts.Agenda:
        """A timed session agenda; every item cites the best practice it came from."""
        return self.names.draft(self.drafter.agenda(request, self.choose_backend(backend, user)))

    def feedback(
        self, request: drafts.FeedbackRequest, backend: str | None = None, user: str | None = None
    ) -> drafts.FeedbackDraft:
        """Feedback in situation-behaviour-impact form, with a tone check and citations."""
        return self.names.draft(self.drafter.feedback(request, self.choose_backend(backend, user)))

    def message(
        self,
        request: drafts.MessageRequest | str,
        backend: str | None = None,
        user: str | None = None,
        **details: Any,
    ) -> drafts.MessageDraft:
        """A short, warm message (re-engage, thank you, ask a mentor, reschedule), cited.

        Pass a MessageRequest, or its kind and fields: ``coach.message("reengage", to="mentee")``.
        """
        return self.names.draft(
            self.drafter.message(request, self.choose_backend(backend, user), **details)
        )

    def agreement(
        self, request: drafts.AgreementRequest, backend: str | None = None, user: str | None = None
    ) -> drafts.AgreementDraft:
        """A mentoring agreement draft; each section cites the practice behind it."""
        return self.names.draft(self.drafter.agreement(request, self.choose_backend(backend, user)))
