"""Optional LLM judge: faithfulness and answer relevance through LangChain structured output.

Used only when asked for (``coach eval --judge``) with a non-composer backend. A failed or malformed
verdict is recorded per case as ``judge_error`` and left out of the means; it is never a NaN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import InputError

if TYPE_CHECKING:
    from assistant.config import Settings

SYSTEM_PROMPT = (
    "You grade answers of a mentorship coaching assistant. Judge only from the passages given. "
    "faithfulness: the share (0 to 1) of the answer's claims that the passages support. "
    "relevance: how directly and usefully (0 to 1) the answer addresses the question."
)


class JudgeVerdict(BaseModel):
    """The judge's scores for one answer."""

    model_config = ConfigDict(allow_inf_nan=False)

    faithfulness: float = Field(ge=0, le=1, description="Share of claims the passages support.")
    relevance: float = Field(ge=0, le=1, description="How well the answer addresses the question.")
    reason: str = Field(default="", description="One sentence explaining the scores.")


class Judge:
    """Wraps a LangChain chat model as ``llm.with_structured_output(JudgeVerdict)``."""

    def __init__(self, chat_model: Any, backend: str) -> None:
        self.backend = backend
        self._structured = chat_model.with_structured_output(JudgeVerdict)

    def verdict(self, question: str, answer: str, passages: list[str]) -> JudgeVerdict:
        """Score one answer; raises on a backend failure or an invalid verdict."""
        numbered = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(passages, 1))
        result = self._structured.invoke(
            [
                ("system", SYSTEM_PROMPT),
                ("human", f"Question:\n{question}\n\nPassages:\n{numbered}\n\nAnswer:\n{answer}"),
            ]
        )
        return JudgeVerdict.model_validate(result, from_attributes=True)


def open_judge(settings: Settings, backend: str) -> Judge:
    """A judge on ``backend``'s chat model; the composer cannot judge."""
    from assistant.backends import backend_names, make_chat_model

    if backend == "composer":
        raise InputError(
            "The LLM judge needs an LLM backend, not the composer.",
            f"Set COACH_BACKEND or pass --backend {backend_names(llm_only=True)} with --judge.",
        )

    return Judge(make_chat_model(settings, backend), backend)
