"""A second opinion from a configured LLM (``COACH_SAFETY_SECOND_OPINION``), as structured output.

Never the only safeguard: the router asks it only about messages the rules and the classifier let
through, it can only raise a route to an escalation, and any failure leaves the classifier's route.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.backends import make_chat_model
from assistant.config import Settings
from assistant.models import Category, Route

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

SYSTEM = """You screen messages sent to a mentoring assistant before it answers them.
Classify the message:
- conduct: it discloses harassment, sexual misconduct, discrimination, bullying, threats,
  coercion or retaliation, even when the behaviour is only described.
- crisis: someone may harm themselves or be in danger, even when said indirectly.
- legal_medical: a medical emergency or symptoms, or a legal matter such as being told to
  falsify records, sign something untrue or take confidential data.
- out_of_scope: a request unrelated to mentoring.
- in_scope: an ordinary mentoring question, including sensitive-sounding but ordinary ones.
Quote in `part` the words of the message that decided it.

{format_instructions}"""


class Verdict(BaseModel):
    category: Category
    part: str = Field(description="the words of the message that decided the category")
    confidence: float = Field(ge=0, le=1, description="how sure, from 0 to 1")


class LLMSecondOpinion:
    """Asks a chat model for a Verdict; a confident escalation becomes a Route.

    The verdict is requested as JSON and parsed into the pydantic model (rather than with
    tool calling), so any chat model works, including OpenAI-compatible servers without tools.
    """

    def __init__(self, model: BaseChatModel, min_confidence: float = 0.5) -> None:
        # Imported here: LangChain's parsers and tracers would slow every start otherwise.
        from langchain_core.output_parsers import PydanticOutputParser
        from langchain_core.prompts import ChatPromptTemplate

        parser = PydanticOutputParser(pydantic_object=Verdict)
        prompt = ChatPromptTemplate.from_messages([("system", SYSTEM), ("human", "{message}")])
        self.chain = prompt.partial(format_instructions=parser.get_format_instructions()) | (
            model | parser
        )
        self.min_confidence = min_confidence

    def review(self, message: str) -> Route | None:
        try:
            verdict = self.chain.invoke({"message": message})
        except Exception as exc:  # a failing second opinion must never stop an answer
            log.warning("Safety second opinion failed (%s: %s)", type(exc).__name__, exc)
            return None
        if not isinstance(verdict, Verdict) or verdict.confidence < self.min_confidence:
            return None
        part = verdict.part if verdict.part and verdict.part in message else message
        return Route(
            category=verdict.category,
            part=part,
            part_kind="whole" if part == message else "clause",
            score=verdict.confidence,
            source="second_opinion",
            reason=f"LLM second opinion: {verdict.category} ({verdict.confidence:.2f})",
        )


def configured_second_opinion(settings: Settings) -> LLMSecondOpinion | None:
    """The second opinion ``COACH_SAFETY_SECOND_OPINION`` names (a ``SecondOpinionBackend``)."""
    backend = settings.safety_second_opinion
    return LLMSecondOpinion(make_chat_model(settings, backend)) if backend else None
