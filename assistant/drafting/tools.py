"""What every draft is made with, passed in by whoever builds drafts (the Coach)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.drafting.grounding import Grounder

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.index.sentences import SentenceStore
    from assistant.retrieval import HybridRetriever


@dataclass(frozen=True)
class DraftTools:
    """Settings, retrieval and the sentence store: the drafts' only inputs besides the request."""

    settings: Settings
    retriever: HybridRetriever
    sentences: SentenceStore

    def grounder(self, role: str | None = None) -> Grounder:
        """Finds cited best practice for one draft, for the person it speaks to."""
        return Grounder(self.retriever, self.sentences, self.settings.retrieval, role=role)
