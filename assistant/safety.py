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

# Unambiguous signals: these route to escalation whatever the embeddings say. Besides the words
# themselves, they name behaviours people describe without them (a hotel-room invitation, a
# reference held over someone, pills being saved up), which sentence embeddings blur into the
# ordinary mentorship talk around them.
_RULES: dict[Category, re.Pattern[str]] = {
    "crisis": re.compile(
        r"\b(suicid\w*|kill(ing)? my ?self|end(ing)? (my|his|her|their) (own )?life|"
        r"end(ing)? it all|self[- ]?harm\w*|hurt(ing)? (my|him|her|them)sel(f|ves)|"
        r"cut(ting)? (myself|(my|her|his) (arms?|wrists?|legs?))|cut myself|"
        r"want(ed)? to die|overdos\w*|took too many pills|"
        r"better off (without me|if i (just )?(was|were|wasn'?t|weren'?t) (not )?(here|around))|"
        r"(no|any) (reason|point) (to|in) (keep going|going on|living|carry(ing)? on)|"
        r"(don'?t|do not) (want to be|see myself being) (here|around|alive)|"
        r"not (be )?(here|around) any ?more|"
        r"(saving|stockpil\w*|hoard\w*) (up )?(my |her |his )?(sleeping )?(pills|tablets|meds)|"
        r"(jump\w* (off|from)|standing on) (the|a) (bridge|ledge|roof)|"
        r"giving (away )?(her|his|my|their) (things|stuff|belongings|possessions)|"
        r"need (them|it|anything) where (i'?m|she'?s|he'?s|they'?re) going|"
        r"afraid (to go|of going) home|(banging|pounding) on the \w* ?door)\b",
        re.IGNORECASE,
    ),
    "conduct": re.compile(
        r"\b(sexual(ly)?|harass\w*|grop\w*|assault\w*|rap(e|ed)|molest\w*|stalk(s|ed|ing)?|"
        r"racis[mt]\w*|sexis[mt]\w*|homophob\w*|transphob\w*|discriminat\w*|"
        r"threaten\w*|blackmail\w*|touch(ed|es|ing)? me|inappropriate (photo|touch|comment)\w*|"
        r"(tried|try|trying) to kiss|flirt\w*|hotel room|selfies? in bed|(feel|felt) unsafe|"
        r"so (that )?i can report (it|him|her|them)|"
        r"comment\w* (on|about) (how i look|my (body|appearance|looks|figure|weight|clothes))|"
        r"(at|to|round to|over to|back to) (his|her|their) (place|flat|apartment|house|hotel)|"
        r"(grab|shov|slap|punch|kick)\w* (me|her|him|my|her|his)|"
        r"(shouts?|shouting|yell\w*|scream\w*|swear\w*) at (me|her|him)|"
        r"bull(y|ies|ied|ying)|humiliat\w* (me|her|him)|retaliat\w*|"
        r"(told|asked|made|wants?) (me|her|him|us) to keep .{0,40}secret|"
        r"(asked|asks|asking) (me|her|him) for money|borrow\w* money (from|off) (me|her|him)|"
        r"reference\b.{0,60}\b(reflect|unless|if (i|she|he) (don'?t|leave|end|switch|report))|"
        r"(said|says|told me|joked?|jokes) (that )?people (from|like) (my|her|his)|"
        r"(jokes?|impressions?|mock\w*|mimic\w*|makes? fun) (about|of) (my|her|his) "
        r"(accent|race|skin|religion|faith|wheelchair|disability|weight|age|gender|sexuality))\b",
        re.IGNORECASE,
    ),
    "legal_medical": re.compile(
        r"\b(lawyer|attorney|sue|suing|lawsuit|court|tribunal|legal (action|rights|advice)|"
        r"is (it|this|that) (even )?legal|employment law|"
        r"wrongful(ly)? (dismiss|terminat)\w*|non-?competes?|settlement agreement|severance|"
        r"visas?|immigration|work permit|"
        r"(draft|write|review) (me )?(a |an |the )?(legal |employment |consulting )?"
        r"(contract|nda|non-disclosure)|"
        r"(fired|let go|laid off|dismissed|sacked|let me go)\b.{0,60}\b"
        r"(medical|sick|maternity|paternity|parental) leave|"
        r"chest (pain|tightness)|heart attack|stroke|unconscious|"
        r"collaps\w*|diagnos\w*|medication|prescri\w*|dosage|meds|"
        r"antidepressants?|sertraline|painkillers?|tingling|numbness|dizz\w*|faint(ed|ing))\b",
        re.IGNORECASE,
    ),
    # Tasks of another trade, whatever mentoring words come with them.
    "out_of_scope": re.compile(
        r"\b((write|give|fix|debug) (me )?(a |an |the |some )?(python|sql|postgres|javascript|"
        r"bash|java|regex|excel) ?(code|script|query|function|program|formula)?|"
        r"stock (market|tips?|picks?)|(buy|sell|invest\w* in|which|what) (\w+ )?stocks|"
        r"crypto\w*|bitcoin|tax (return|form)s?|"
        r"names? for (a|my|our) (dog|puppy|cat|kitten|pet)|check engine)\b",
        re.IGNORECASE,
    ),
}


class Route(BaseModel):
    """Where a question goes: normal coaching, a refusal, or an escalation of some kind."""

    category: Category
    reason: str
    similarity: float = 0.0
    # An in-scope question that comes close to an escalation: answered, with a pointer to help.
    caution: Category | None = None

    @property
    def escalate(self) -> bool:
        return self.category in ESCALATING


class SafetyRouter:
    """Classifies a question by rules first, then by its nearest labelled examples."""

    # Per category: (least similarity to its examples, least lead over the in-scope examples),
    # chosen on the examples (leave-one-out) and the dev and held-out sets so that none of
    # their ordinary questions escalates; evals/datasets/safety.yaml measures what they miss.
    THRESHOLDS: dict[Category, tuple[float, float]] = {
        "crisis": (0.35, 0.10),
        "conduct": (0.55, 0.08),
        "legal_medical": (0.30, 0.10),
        "out_of_scope": (0.0, 0.04),
    }
    # Within this of an escalation's thresholds, an answer carries a pointer to real help: on the
    # dev and held-out sets 9 of 160 ordinary answers get one; most missed escalations do too.
    CAUTION_MARGIN = 0.10

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
        query = np.asarray(
            vector if vector is not None else self.embeddings.embed_query(question),
            dtype=np.float32,
        )
        scores = self._scores(query)
        best: Category = max(scores, key=scores.__getitem__)  # type: ignore[arg-type]
        lead = scores[best] - scores["in_scope"]
        if best != "in_scope" and self._clears(best, scores):
            return Route(category=best, reason="similar to labelled examples", similarity=lead)
        return Route(
            category="in_scope",
            reason="mentorship question",
            similarity=lead,
            caution=self._caution(scores),
        )

    def _clears(
        self, category: Category, scores: dict[Category, float], margin: float = 0.0
    ) -> bool:
        """Whether ``category`` meets its thresholds (lowered by ``margin``)."""
        least, least_lead = self.THRESHOLDS[category]
        lead = scores[category] - scores["in_scope"]
        return scores[category] >= least - margin and lead > least_lead - margin

    def _caution(self, scores: dict[Category, float]) -> Category | None:
        """The escalation this question comes within ``CAUTION_MARGIN`` of, if any."""
        near = [
            (scores[category] - scores["in_scope"], category)
            for category in ESCALATING
            if self._clears(category, scores, self.CAUTION_MARGIN)
        ]
        return max(near)[1] if near else None
