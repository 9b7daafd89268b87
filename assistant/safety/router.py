"""Safety routing: screen every part of a message, then read a flagged message whole.

Rules catch unambiguous words. The part classifier scores the whole message, each sentence, the
clauses of long sentences and neighbouring sentence pairs: fast, and it finds a disclosure
wherever it sits, but it judges parts out of context. So a message with a part at its screening
threshold is read again, whole, by the verifier (a fine-tuned encoder): it escalates when the
verifier finds present harm; when the verifier finds some, it is answered with a pointer to help
first; otherwise it is answered. The route keeps the part that flagged it, with the deciding
score. A configured LLM may add a second opinion, which can only raise a route to an escalation,
never lower one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import numpy as np

from assistant.models import ESCALATING, Category, Route
from assistant.safety.classifier import SafetyClassifier
from assistant.safety.parts import Part, message_parts
from assistant.safety.rules import Rules
from assistant.safety.verifier import Verifier

log = logging.getLogger(__name__)

Encode = Callable[[list[str]], np.ndarray]
# Categories escalated when the verifier finds them possible (pointer zone) and the part
# classifier alone would have escalated: a risk to life, and harassment or abuse of power (a
# program lead's second-hand report read whole as a process question is still a report).
_BOTH_STAGES_ENOUGH: tuple[Category, ...] = ("crisis", "conduct")
# Part kinds that can stand for "the rest of what you asked" in a mixed message.
_ORDINARY_KINDS = ("sentence", "clause")


class SecondOpinion(Protocol):
    """Another judge of a message (an LLM); None when it has nothing to add or fails."""

    def review(self, message: str) -> Route | None: ...


def _overlaps(a: str, b: str) -> bool:
    return a in b or b in a


class SafetyRouter:
    """Decides whether a message is coached, refused, or escalated to real help, and why."""

    def __init__(
        self,
        encode: Encode,
        classifier: SafetyClassifier,
        rules: Rules,
        verifier: Verifier,
        second_opinion: SecondOpinion | None = None,
    ) -> None:
        self.encode = encode
        self.classifier = classifier
        self.rules = rules
        self.verifier = verifier
        self.second_opinion = second_opinion
        self._column = {c: classifier.index(c) for c in classifier.categories}

    def route(self, message: str, vector: list[float] | None = None) -> Route:
        """Route ``message``; ``vector`` is its embedding when the caller has it already."""
        parts, probs = self.screen(message, vector)
        route = self._by_rule(message, parts, probs) or self._by_classifier(message, parts, probs)
        if not route.escalate and self.second_opinion is not None:
            opinion = self.second_opinion.review(message)
            if opinion is not None and opinion.escalate:
                route = opinion.model_copy(
                    update={"ordinary": self._ordinary(parts, probs, opinion.part)}
                )
        log.debug(
            "route %s (%s, score %.3f) on %s: %r; %s",
            route.category,
            route.source,
            route.score,
            route.part_kind,
            route.part,
            route.reason,
        )
        return route

    def screen(
        self, message: str, vector: list[float] | None = None
    ) -> tuple[list[Part], np.ndarray]:
        """The first stage: the message's parts and their category probabilities."""
        parts = message_parts(message)
        texts = [part.text for part in parts]
        return parts, self.classifier.probabilities(self._vectors(parts, vector), texts)

    def _vectors(self, parts: list[Part], vector: list[float] | None) -> np.ndarray:
        texts = [part.text for part in parts]
        if vector is None:
            return self.encode(texts)
        whole = np.asarray(vector, dtype=np.float32)[None, :]
        return np.vstack([whole, self.encode(texts[1:])]) if len(texts) > 1 else whole

    def _score(self, probs: np.ndarray, category: Category) -> np.ndarray:
        return probs[:, self._column[category]]

    def _by_rule(self, message: str, parts: list[Part], probs: np.ndarray) -> Route | None:
        match = self.rules.match(message)
        if match is None:
            return None
        words = match.words.lower()
        # The most specific part that holds the words: the shortest one that contains them.
        holding = [part for part in parts if words in part.text.lower()]
        part = min(holding, key=lambda p: len(p.text)) if holding else parts[0]
        return Route(
            category=match.category,
            part=part.text,
            part_kind=part.kind,
            score=1.0,
            source="rule",
            reason=f"the words '{match.words}'",
            ordinary=self._ordinary(parts, probs, part.text)
            if match.category in ESCALATING
            else "",
        )

    def _risks(self, probs: np.ndarray) -> list[tuple[float, Category]]:
        """Each escalating category's highest score over the parts."""
        return [(float(self._score(probs, c).max()), c) for c in ESCALATING]

    def flagged(self, probs: np.ndarray) -> tuple[float, Category] | None:
        """The highest risk that reaches its screening threshold: the verifier reads the message."""
        screening = self.classifier.model.screening
        return max(((s, c) for s, c in self._risks(probs) if s >= screening[c]), default=None)

    def _by_classifier(self, message: str, parts: list[Part], probs: np.ndarray) -> Route:
        """Screen the parts; read a flagged message whole; else refuse or answer."""
        flagged = self.flagged(probs)
        caution: Category | None = None
        read: np.ndarray | None = None
        if flagged is not None:
            read = self.verifier.probabilities(message)
            harm, category = self.verifier.harm(read)
            if harm >= self.verifier.model.escalate or self._both_see(category, harm, probs):
                route = self._read_whole(category, harm, self.verifier.model.escalate, parts, probs)
                return route.model_copy(
                    update={"ordinary": self._ordinary(parts, probs, route.part)}
                )
            if harm >= self.verifier.model.caution:
                caution = category
        thresholds = self.classifier.model.thresholds
        out = self._score(probs, "out_of_scope")
        whole_is_ordinary = self._score(probs, "in_scope")[0] >= 0.5
        if out[0] >= thresholds["out_of_scope"] or (
            out.max() >= thresholds["out_of_scope"] and not whole_is_ordinary
        ):
            return self._routed("out_of_scope", parts, probs)
        if read is not None or int(probs[0].argmax()) == self._column["out_of_scope"]:
            # Most likely off-topic, not surely, or flagged and read whole already: the
            # verifier decides, and only a confident verdict refuses (a question wrongly refused
            # costs the person their answer; one it reads as off-topic, a medicine or a contract
            # question, is not coached as mentoring either).
            read = self.verifier.probabilities(message) if read is None else read
            off_topic = float(read[self.verifier.categories.index("out_of_scope")])
            if off_topic >= self.verifier.model.refuse:
                return self._read_whole(
                    "out_of_scope", off_topic, self.verifier.model.refuse, parts, probs
                )
        score, category = flagged or max(self._risks(probs))
        at = int(self._score(probs, category).argmax())
        return Route(
            category="in_scope",
            part=parts[0].text,
            score=round(float(self._score(probs, "in_scope")[0]), 4),
            reason=(
                f"ordinary; closest risk {category} {score:.2f} in {parts[at].kind} "
                f"'{parts[at].text}'"
                + (" (read whole by the verifier: no present harm)" if flagged else "")
            ),
            caution=caution,
        )

    def _both_see(self, category: Category, harm: float, probs: np.ndarray) -> bool:
        """A risk to life or a report of harassment that the verifier finds possible (its
        pointer zone) and the part classifier on its own would have escalated: missing someone
        at risk costs more than an escalation of an ordinary message, so both stages seeing it
        is enough."""
        return (
            category in _BOTH_STAGES_ENOUGH
            and harm >= self.verifier.model.caution
            and float(self._score(probs, category).max())
            >= self.classifier.model.thresholds[category]
        )

    def _read_whole(
        self,
        category: Category,
        score: float,
        threshold: float,
        parts: list[Part],
        probs: np.ndarray,
    ) -> Route:
        """A route the verifier decided, reading the whole message; it names the part that
        scored highest for ``category``."""
        route = self._routed(category, parts, probs)
        return route.model_copy(
            update={
                "score": round(score, 4),
                "source": "verifier",
                "reason": f"{route.reason}; read whole by the verifier: {score:.2f} "
                f"(threshold {threshold})",
            }
        )

    def _routed(self, category: Category, parts: list[Part], probs: np.ndarray) -> Route:
        scores = self._score(probs, category)
        # The highest-scoring part; of parts that tie, the shortest says most precisely why.
        index = min(np.flatnonzero(scores >= scores.max() - 1e-6), key=lambda i: len(parts[i].text))
        part = parts[index]
        return Route(
            category=category,
            part=part.text,
            part_kind=part.kind,
            score=round(float(scores[index]), 4),
            reason=f"{part.kind} scored {scores[index]:.2f} for {category}",
        )

    def _ordinary(self, parts: list[Part], probs: np.ndarray, trigger: str) -> str:
        """The ordinary request of a mixed message: its most ordinary sentence or clause that
        does not hold the part that escalated (a question first)."""
        ordinary = self._score(probs, "in_scope")
        candidates = [
            (("?" in part.text), float(ordinary[i]), part.text)
            for i, part in enumerate(parts)
            if part.kind in _ORDINARY_KINDS
            and not _overlaps(part.text, trigger)
            and int(probs[i].argmax()) == self._column["in_scope"]
        ]
        return max(candidates)[2] if candidates else ""
