"""The drafting service: agendas, feedback, messages and agreements over injected tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.drafting.agenda import draft_agenda
from assistant.drafting.agreement import draft_agreement
from assistant.drafting.feedback import draft_feedback
from assistant.drafting.messages import draft_message
from assistant.drafting.models import (
    Agenda,
    AgendaRequest,
    AgreementDraft,
    AgreementRequest,
    DraftRequest,
    FeedbackDraft,
    FeedbackRequest,
    MessageDraft,
    MessageRequest,
)
from assistant.drafting.render import AnyDraft
from assistant.drafting.requests import build_request
from assistant.drafting.tools import DraftTools

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.index.sentences import SentenceStore
    from assistant.retrieval import HybridRetriever


class Drafter:
    """Drafts whose every item cites the best practice it came from."""

    def __init__(
        self, settings: Settings, retriever: HybridRetriever, sentences: SentenceStore
    ) -> None:
        self.tools = DraftTools(settings, retriever, sentences)

    def agenda(self, request: AgendaRequest, backend: str | None = None) -> Agenda:
        """A timed session agenda."""
        return draft_agenda(self.tools, request, backend)

    def feedback(self, request: FeedbackRequest, backend: str | None = None) -> FeedbackDraft:
        """Feedback in situation-behaviour-impact form, with a tone check."""
        return draft_feedback(self.tools, request, backend)

    def message(
        self, request: MessageRequest | str, backend: str | None = None, **details: Any
    ) -> MessageDraft:
        """A short, warm message; pass a MessageRequest, or its kind and fields."""
        if isinstance(request, str):
            request = build_request(MessageRequest, kind=request, **details)
        return draft_message(self.tools, request, backend)

    def agreement(self, request: AgreementRequest, backend: str | None = None) -> AgreementDraft:
        """A mentoring agreement draft."""
        return draft_agreement(self.tools, request, backend)

    def any(self, request: DraftRequest, backend: str | None = None) -> AnyDraft:
        """The draft a request of any kind asks for (a conversation's drafts)."""
        if isinstance(request, AgendaRequest):
            return self.agenda(request, backend)
        if isinstance(request, FeedbackRequest):
            return self.feedback(request, backend)
        if isinstance(request, MessageRequest):
            return self.message(request, backend)
        if isinstance(request, AgreementRequest):
            return self.agreement(request, backend)
        raise TypeError(f"no draft for {type(request).__name__}")
