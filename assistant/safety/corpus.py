"""The labelled training corpus of the safety classifier (``data/corpus/*.yaml``).

Written for training only, never drawn from the evaluation sets in ``evals/datasets``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InputError
from assistant.models import Category, Role
from assistant.resources import package_folder

CORPUS_DIR = package_folder("assistant.safety", "data", "corpus")


class LabelledExample(BaseModel):
    """One message or message part and how it must be routed."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=2, max_length=2000)
    label: Category
    # Who writes it (the person affected, a mentor hearing it, a program lead receiving a report).
    role: Role | None = None


def corpus_files(folder: Path = CORPUS_DIR) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def corpus_digest(folder: Path = CORPUS_DIR) -> str:
    """A hash of every corpus file: a trained model records it, so a stale one is detected."""
    digest = hashlib.sha256()
    for path in corpus_files(folder):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def load_corpus(folder: Path = CORPUS_DIR) -> list[LabelledExample]:
    """Every example, validated; a text repeated under two labels is an error, under one kept
    once."""
    examples: dict[str, LabelledExample] = {}
    for path in corpus_files(folder):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise InputError(f"{path} is not valid YAML ({exc}).".replace("\n", " ")) from None
        if not isinstance(raw, list):
            raise InputError(f"{path} is not a YAML list of labelled examples.")
        for number, item in enumerate(raw, start=1):
            try:
                example = LabelledExample.model_validate(item)
            except ValidationError as exc:
                raise InputError(
                    f"{path}: example {number} is invalid ({exc.errors()[0]['msg']})."
                ) from None
            seen = examples.setdefault(_key(example.text), example)
            if seen.label != example.label:
                raise InputError(
                    f"{path}: '{example.text}' is labelled both {seen.label} and {example.label}."
                )
    if not examples:
        raise InputError(f"No labelled examples in {folder}.")
    return list(examples.values())
