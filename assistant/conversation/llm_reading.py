"""With an LLM backend, the turn is read by the model, as structured output: the same acts and
the same facts as the offline classifier and patterns give, which stay the fallback.

The reading is requested as JSON and parsed into a pydantic model (as the safety second opinion
is), so any chat model works, OpenAI-compatible servers without tool calling included. Safety
routing is never the model's: a disclosure is the router's decision, made first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from assistant.conversation.acts import ActReading, Revision, TurnAct
from assistant.conversation.state import ConversationState, Facts
from assistant.drafting.models import MessageKind
from assistant.models import Turn

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

SYSTEM = """You read one turn of a conversation between a person and a mentoring coach.
Say what the turn asks for:
- new_question: a new question or situation;
- follow_up: a new aspect of the situation already discussed ("and if she doesn't reply?");
- draft_request: asks the coach to write something (draft: message, feedback, agenda,
  agreement, or any when it does not say; message: reengage, thank-you, ask-mentor or
  reschedule when it says which message);
- revision: asks to change the draft or answer just given (revision: shorter, longer, warmer,
  formal, casual, or detail for another name, day, time, length or recipient);
- more: asks to say more about something already said;
- clarify_answer: answers the coach's clarifying question;
- closing: thanks or goodbye;
- off_topic: nothing to do with mentoring.
Also give the facts the turn states about the other person and their meetings (leave out
what it does not say). What the coach knows so far: {known}

{format_instructions}"""


class TurnFacts(BaseModel):
    """The facts a turn states (the conversation's ``Facts``, none required)."""

    other: Literal["mentor", "mentee"] | None = None
    name: str | None = None
    pronoun: Literal["she", "he", "they"] | None = None
    sender: str | None = Field(default=None, description="who signs a message")
    cadence: str | None = None
    day: str | None = None
    time: str | None = None
    minutes: int | None = Field(default=None, ge=15, le=180)
    since: str | None = Field(default=None, description="how long since they last met")
    cancels: str | None = Field(default=None, description="who usually cancels")
    behavior: str | None = Field(default=None, description="what the other person did")
    goal: str | None = None


class TurnReading(BaseModel):
    act: TurnAct
    draft: Literal["message", "feedback", "agenda", "agreement", "any"] | None = None
    message: MessageKind | None = None
    revision: Revision | None = None
    facts: TurnFacts = Field(default_factory=TurnFacts)


class LLMTurnReader:
    """Reads a turn with a chat model; None when it fails (the offline reading is used)."""

    def __init__(self, model: BaseChatModel) -> None:
        # Imported here: LangChain's parsers would slow every start otherwise.
        from langchain_core.output_parsers import PydanticOutputParser
        from langchain_core.prompts import ChatPromptTemplate

        parser = PydanticOutputParser(pydantic_object=TurnReading)
        prompt = ChatPromptTemplate.from_messages(
            [("system", SYSTEM), ("placeholder", "{history}"), ("human", "{message}")]
        )
        self.chain = prompt.partial(format_instructions=parser.get_format_instructions()) | (
            model | parser
        )

    def read(
        self, message: str, history: list[Turn], state: ConversationState
    ) -> tuple[ActReading, dict[str, object]] | None:
        """The act and the facts stated, or None when the model fails or says nonsense."""
        known = state.facts.model_dump_json(exclude_none=True)
        turns = [("human" if t.speaker == "user" else "ai", t.content) for t in history[-4:]]
        try:
            reading = self.chain.invoke({"message": message, "history": turns, "known": known})
        except Exception as exc:  # the offline reading is always there
            log.warning("LLM turn reading failed (%s: %s)", type(exc).__name__, exc)
            return None
        if not isinstance(reading, TurnReading):
            return None
        facts = reading.facts.model_dump(exclude_none=True)
        act = ActReading(
            act=reading.act,
            confidence=1.0,
            draft=reading.draft,
            message=reading.message,
            revision=reading.revision,
        )
        return act, {k: v for k, v in facts.items() if k in Facts.model_fields}
