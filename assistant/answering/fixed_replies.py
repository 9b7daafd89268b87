"""Fixed replies for refusals, escalations and questions the knowledge base cannot answer.

The texts are in ``data/replies.yaml``. They are also this module's attributes, as before
(``fixed_replies.ESCALATION_OPENERS[category][role]``), read from the file on first use.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache, cached_property
from pathlib import Path
from typing import Any, get_args

from pydantic import model_validator

from assistant.answering.contacts import ProgramContacts
from assistant.data_files import (
    DataModel,
    Text,
    check_placeholders,
    load_data_file,
    require_keys,
)
from assistant.models import ESCALATING, Category, Role
from assistant.resources import builtin_knowledge, package_folder

REPLIES_FILE = package_folder("assistant.answering", "data") / "replies.yaml"


class ContactLines(DataModel):
    """``contacts`` of ``data/replies.yaml``: how the program's contacts are shown."""

    heading: Text
    labels: dict[str, Text]
    by_category: dict[Category, tuple[str, ...]]

    @model_validator(mode="after")
    def _valid(self) -> ContactLines:
        fields = set(ProgramContacts.model_fields)
        require_keys("contacts.labels", self.labels, tuple(sorted(fields)))
        require_keys("contacts.by_category", self.by_category, ESCALATING)
        for category, names in self.by_category.items():
            if unknown := set(names) - fields:
                raise ValueError(f"contacts.by_category.{category}: no contact {sorted(unknown)}")
        return self

    def block(self, category: Category, contacts: ProgramContacts) -> list[str]:
        """The lines naming the program's contacts for ``category`` (none when it gave none)."""
        given = contacts.given(self.by_category.get(category, ()))
        if not given:
            return []
        return [self.heading, *(f"- {self.labels[name]}: {contact}" for name, contact in given)]

    def first(self, category: Category, contacts: ProgramContacts) -> str:
        """The program's first contact for ``category`` as one phrase ("" when it gave none)."""
        given = contacts.given(self.by_category.get(category, ()))
        return f"{self.labels[given[0][0]]}: {given[0][1]}." if given else ""


class Replies(DataModel):
    """``data/replies.yaml``: every fixed text, for every role and escalating category."""

    example_questions: dict[Role, tuple[Text, ...]]
    scope: Text
    refusal: Text
    no_context: Text
    emergency: Text
    escalation_openers: dict[Category, dict[Role, Text]]
    escalation_docs: dict[Category, Text]
    caution_notes: dict[Category, Text]
    ordinary_later: dict[Role, Text]
    help_after_escalation: frozenset[Category]
    help_after_heading: Text
    contacts: ContactLines

    @model_validator(mode="after")
    def _valid(self) -> Replies:
        roles = get_args(Role)
        require_keys("example_questions", self.example_questions, roles)
        require_keys("ordinary_later", self.ordinary_later, roles)
        for role, questions in self.example_questions.items():
            if not questions:
                raise ValueError(f"example_questions: {role} has no questions")
        by_categories: list[tuple[str, Collection[Any]]] = [
            ("escalation_openers", self.escalation_openers),
            ("escalation_docs", self.escalation_docs),
            ("caution_notes", self.caution_notes),
        ]
        for name, by_category in by_categories:
            require_keys(name, by_category, ESCALATING)
            extra = [category for category in by_category if category not in ESCALATING]
            if extra:
                raise ValueError(f"{name}: {', '.join(extra)} never escalates")
        if never := sorted(self.help_after_escalation - set(ESCALATING)):
            raise ValueError(f"help_after_escalation: {', '.join(never)} never escalates")
        for category, openers in self.escalation_openers.items():
            require_keys(f"escalation_openers.{category}", openers, roles)
            for role, text in openers.items():
                where = f"escalation_openers.{category}.{role}"
                check_placeholders(text, {"emergency"}, "{emergency}", where)
        for name, text in [("refusal", self.refusal), ("no_context", self.no_context)]:
            check_placeholders(text, {"scope", "examples"}, "{scope} and {examples}", name)
        for category, doc in self.escalation_docs.items():
            if not (builtin_knowledge() / f"{doc}.md").is_file():
                raise ValueError(f"escalation_docs.{category}: knowledge/{doc}.md does not exist")
        return self

    @cached_property
    def openers(self) -> dict[str, dict[str, str]]:
        return {
            category: {
                role: text.format(emergency=self.emergency) for role, text in by_role.items()
            }
            for category, by_role in self.escalation_openers.items()
        }


def load_replies(path: Path = REPLIES_FILE) -> Replies:
    return load_data_file(path, Replies)


@cache
def replies() -> Replies:
    """The shipped fixed replies, read once."""
    return load_replies()


_ATTRIBUTES = {
    "EXAMPLE_QUESTIONS": lambda r: {role: list(qs) for role, qs in r.example_questions.items()},
    "SCOPE": lambda r: r.scope,
    "ESCALATION_OPENERS": lambda r: r.openers,
    "ESCALATION_DOCS": lambda r: dict(r.escalation_docs),
    "CAUTION_NOTES": lambda r: dict(r.caution_notes),
    "CONTACT_LINES": lambda r: r.contacts,
}


def __getattr__(name: str) -> Any:
    """``EXAMPLE_QUESTIONS``, ``SCOPE``, ``ESCALATION_OPENERS``, ``ESCALATION_DOCS``,
    ``CAUTION_NOTES`` and ``CONTACT_LINES``, from the replies file."""
    if name in _ATTRIBUTES:
        return _ATTRIBUTES[name](replies())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def ordinary_later(role: Role, ordinary: str) -> str:
    """The line that closes a mixed message's escalation, quoting its ordinary request."""
    return f'{replies().ordinary_later[role]} ("{ordinary}").'


def helps_after(category: Category) -> bool:
    """Whether a mixed message's ordinary request is answered after this escalation."""
    return category in replies().help_after_escalation


def help_after_heading(ordinary: str) -> str:
    """The heading of the answer to a mixed message's ordinary request, quoting it."""
    return f'**{replies().help_after_heading}** ("{ordinary}"):'


def examples_block(role: Role) -> str:
    """Example questions for a role, as a Markdown list."""
    return "\n".join(f"- {q}" for q in replies().example_questions[role])


def refusal_text(role: Role) -> str:
    data = replies()
    return data.refusal.format(scope=data.scope, examples=examples_block(role))


def no_context_text(role: Role) -> str:
    data = replies()
    return data.no_context.format(scope=data.scope, examples=examples_block(role))
