"""Does a question point at the user's own documents ("the guide", "my notes")?

A user who has added a program handbook and asks "Which factors does the guide say to consider
when choosing a mentor?" means that handbook, not the built-in knowledge, which covers the same
topic and usually wins the search. The words are data (``data/own_documents.yaml``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import model_validator

from assistant.data_files import DataModel, Text, load_data_file
from assistant.resources import package_folder

OWN_DOCUMENTS_FILE = package_folder("assistant.answering", "data") / "own_documents.yaml"


class OwnDocumentWords(DataModel):
    """``data/own_documents.yaml``: determiner + noun pairs and whole phrases."""

    determiners: tuple[Text, ...]
    nouns: tuple[Text, ...]
    phrases: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _some(self) -> OwnDocumentWords:
        if not self.determiners or not self.nouns:
            raise ValueError("determiners and nouns must each list at least one word")
        return self

    def pattern(self) -> re.Pattern[str]:
        def alternatives(words: tuple[str, ...]) -> str:
            ordered = sorted(words, key=len, reverse=True)  # "program guide" before "guide"
            return "|".join(re.escape(w.strip()).replace(r"\ ", r"\s+") for w in ordered)

        pairs = rf"(?:{alternatives(self.determiners)})\s+(?:{alternatives(self.nouns)})"
        options = [pairs, *([alternatives(self.phrases)] if self.phrases else [])]
        return re.compile(rf"\b(?:{'|'.join(options)})\b", re.IGNORECASE)


def load_words(path: Path = OWN_DOCUMENTS_FILE) -> OwnDocumentWords:
    """The word lists, validated (``DataFileError`` naming the file if they are not)."""
    return load_data_file(path, OwnDocumentWords)


@cache
def _pattern() -> re.Pattern[str]:
    return load_words().pattern()


def refers_to_own_documents(question: str) -> bool:
    """True when the question names a guide, handbook, document or notes of its own."""
    return _pattern().search(question) is not None


def without_reference(question: str) -> str:
    """The question without the words naming the document: "handbook" would otherwise pull
    the search to the passage under the handbook's title instead of the section asked about."""
    return re.sub(r"\s{2,}", " ", _pattern().sub(" ", question)).strip() or question
