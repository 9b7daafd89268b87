"""Scope and safety routing: explicit rules plus embedding similarity to labelled examples."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel

from assistant.index.embeddings import PackagedEmbeddings

Category = Literal["conduct", "crisis", "legal_medical", "out_of_scope", "in_scope"]
ESCALATING: tuple[Category, ...] = ("conduct", "crisis", "legal_medical")
EXAMPLES_FILE = Path(__file__).parent / "data" / "safety_examples.yaml"

# Unambiguous signals: these route to escalation whatever the embeddings say.
_RULES: dict[Category, re.Pattern[str]] = {
    "crisis": re.compile(
        r"\b(suicid\w*|kill(ing)? my ?self|end(ing)? (my|his|her|their) (own )?life|"
        r"self[- ]?harm\w*|hurt(ing)? (my|him|her|them)sel(f|ves)|cutting myself|"
        r"want(ed)? to die|overdos\w*|took too many pills)\b",
        re.IGNORECASE,
    ),
    "conduct": re.compile(
        r"\b(sexual(ly)?|harass\w*|grop\w*|assault\w*|rap(e|ed)|molest\w*|stalk(s|ed|ing)?|"
        r"racis[mt]\w*|sexis[mt]\w*|homophob\w*|transphob\w*|discriminat\w*|"
        r"threaten\w*|blackmail\w*|touch(ed|es|ing)? me|inappropriate (photo|touch|comment)\w*|"
        r"(tried|try|trying) to kiss|comment\w* (on|about) my (body|appearance|looks|figure))\b",
        re.IGNORECASE,
    ),
    "legal_medical": re.compile(
        r"\b(lawyer|attorney|sue|suing|lawsuit|court|tribunal|legal (action|rights|advice)|"
        r"legally binding|"
        r"wrongful(ly)? (dismiss|terminat)\w*|chest pain|heart attack|stroke|unconscious|"
        r"collaps\w*|diagnos\w*|medication|prescri\w*)\b",
        re.IGNORECASE,
    ),
}


class Route(BaseModel):
    """Where a question goes: normal coaching, a refusal, or an escalation of some kind."""

    category: Category
    reason: str
    similarity: float = 0.0

    @property
    def escalate(self) -> bool:
        return self.category in ESCALATING


class SafetyRouter:
    """Classifies a question by rules first, then by its nearest labelled examples."""

    # Per category: (least similarity to its examples, least lead over the in-scope examples).
    # Crisis is the costliest miss, so it needs the least evidence.
    THRESHOLDS: dict[Category, tuple[float, float]] = {
        "crisis": (0.38, 0.10),
        "conduct": (0.50, 0.04),
        "legal_medical": (0.45, 0.10),
        "out_of_scope": (0.0, 0.04),
    }

    def __init__(self, embeddings: PackagedEmbeddings, neighbours: int = 3) -> None:
        self.embeddings = embeddings
        self.neighbours = neighbours

    @cached_property
    def _examples(self) -> dict[Category, np.ndarray]:
        labelled = yaml.safe_load(EXAMPLES_FILE.read_text())
        return {category: self.embeddings.encode(texts) for category, texts in labelled.items()}

    def _scores(self, vector: np.ndarray) -> dict[Category, float]:
        scores: dict[Category, float] = {}
        for category, matrix in self._examples.items():
            similarities = np.sort(matrix @ vector)[::-1][: self.neighbours]
            scores[category] = float(similarities.mean())
        return scores

    def route(self, question: str, vector: list[float] | None = None) -> Route:
        """Decide how to handle a question (rules win; then nearest-example similarity)."""
        for category, pattern in _RULES.items():
            match = pattern.search(question)
            if match:
                return Route(category=category, reason=f"rule: '{match.group(0)}'", similarity=1.0)
        query = np.asarray(vector or self.embeddings.embed_query(question), dtype=np.float32)
        scores = self._scores(query)
        best: Category = max(scores, key=scores.__getitem__)  # type: ignore[arg-type]
        lead = scores[best] - scores["in_scope"]
        least, least_lead = self.THRESHOLDS.get(best, (1.0, 1.0))
        if best != "in_scope" and scores[best] >= least and lead > least_lead:
            return Route(category=best, reason="similar to labelled examples", similarity=lead)
        return Route(category="in_scope", reason="mentorship question", similarity=lead)
