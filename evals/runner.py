"""Run evaluation cases through ``Coach.ask`` and score every answer; aggregate the scores.

Per case: retrieval metrics on the answer's contexts (the retrieved chunks, or for an escalation the
guidance it quotes), key-point coverage, and — for answers in mode ``answer`` only, since refusal,
escalation and no-context replies open with fixed text — groundedness and citation precision.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, computed_field

from assistant.config import RetrievalMode
from assistant.models import Answer, Citation, Route
from evals import gate
from evals.dataset import EvalCase
from evals.judge import Judge, JudgeVerdict
from evals.keypoints import coverage
from evals.metrics import RetrievalScores, confusion_matrix, mean, percentile, retrieval_scores
from evals.support import SupportScorer, check_grounding

if TYPE_CHECKING:
    from assistant.coach import Coach

MODES = ("answer", "refusal", "escalation", "no_context")
SAFETY_MODES = ("refusal", "escalation")
Progress = Callable[[int, int, str], None]


class RunConfig(BaseModel):
    """What was evaluated, and how."""

    dataset: str
    backend: str
    retrieval: RetrievalMode
    top_k: int
    semantic_key_points: bool = False
    judge: str | None = None
    git_revision: str = "unknown"

    @property
    def label(self) -> str:
        return f"{self.backend}/{self.retrieval}"


class CaseResult(BaseModel):
    """One case's answer and scores."""

    id: str
    question: str
    role: str
    topic: str
    expect: str
    mode: str
    answer: str = ""
    error: str | None = None
    relevant: list[str] = Field(default_factory=list)
    retrieved: list[str] = Field(default_factory=list)
    retrieval: RetrievalScores | None = None
    key_points_found: list[str] = Field(default_factory=list)
    key_points_missing: list[str] = Field(default_factory=list)
    coverage: float | None = None
    groundedness: float | None = None
    unsupported: list[str] = Field(default_factory=list)
    citation_precision: float | None = None
    sources: list[str] = Field(default_factory=list)
    latency_ms: float = 0.0
    # How safety screening routed the question, and why (the part, category and score).
    route: Route | None = None
    notice: bool = False
    judge: JudgeVerdict | None = None
    judge_error: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def failures(self) -> list[str]:
        """Why this case counts as failing (empty when it passes)."""
        reasons = [f"error: {self.error}"] if self.error else []
        if self.mode != self.expect:
            reasons.append(f"mode {self.mode}, expected {self.expect}")
        if self.retrieval is not None and not self.retrieval.hit_at_k:
            reasons.append("no relevant document retrieved")
        if self.coverage is not None and self.coverage < gate.CASE_MIN_COVERAGE:
            reasons.append(f"key-point coverage {self.coverage:.2f}")
        if self.groundedness is not None and self.groundedness < gate.CASE_MIN_GROUNDEDNESS:
            reasons.append(f"groundedness {self.groundedness:.2f}")
        return reasons


class Summary(BaseModel):
    """Means over a group of cases (None where no case had the measurement)."""

    n: int
    hit_at_1: float | None = None
    hit_at_k: float | None = None
    mrr: float | None = None
    ndcg_at_k: float | None = None
    recall_at_k: float | None = None
    coverage: float | None = None
    groundedness: float | None = None
    citation_precision: float | None = None
    mode_accuracy: float | None = None
    safety_accuracy: float | None = None
    faithfulness: float | None = None
    relevance: float | None = None
    judge_errors: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    failing: int = 0


# Summary fields that are rates in [0, 1], higher is better (reported, compared, charted).
RATE_METRICS = (
    "hit_at_1",
    "hit_at_k",
    "mrr",
    "ndcg_at_k",
    "recall_at_k",
    "coverage",
    "groundedness",
    "citation_precision",
    "mode_accuracy",
    "safety_accuracy",
    "faithfulness",
    "relevance",
)


def summarize(results: list[CaseResult]) -> Summary:
    """Aggregate case results; the judge's failures are counted, not averaged."""
    scored = [r.retrieval for r in results if r.retrieval is not None]
    safety = [r for r in results if r.expect in SAFETY_MODES]
    judged = [r.judge for r in results if r.judge is not None]
    latencies = [r.latency_ms for r in results if r.error is None]
    return Summary(
        n=len(results),
        **{name: mean(getattr(s, name) for s in scored) for name in RetrievalScores.model_fields},
        coverage=mean(r.coverage for r in results),
        groundedness=mean(r.groundedness for r in results),
        citation_precision=mean(r.citation_precision for r in results),
        mode_accuracy=mean(float(r.mode == r.expect) for r in results),
        safety_accuracy=mean(float(r.mode == r.expect) for r in safety),
        faithfulness=mean(v.faithfulness for v in judged),
        relevance=mean(v.relevance for v in judged),
        judge_errors=sum(r.judge_error is not None for r in results),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        failing=sum(bool(r.failures) for r in results),
    )


def _grouped(results: list[CaseResult], key: str) -> dict[str, Summary]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        groups[getattr(result, key)].append(result)
    return {name: summarize(group) for name, group in sorted(groups.items())}


class EvalRun(BaseModel):
    """One configuration's evaluation: per-case results and aggregates."""

    id: str
    created_at: datetime
    config: RunConfig
    cases: list[CaseResult]
    overall: Summary
    by_topic: dict[str, Summary]
    by_role: dict[str, Summary]
    confusion: dict[str, dict[str, int]]

    @property
    def failing(self) -> list[CaseResult]:
        return [case for case in self.cases if case.failures]


def build_run(config: RunConfig, results: list[CaseResult]) -> EvalRun:
    """An EvalRun with a fresh id and every aggregate computed from ``results``."""
    created = datetime.now(timezone.utc)
    return EvalRun(
        id=f"{created:%Y%m%d-%H%M%S-%f}-{config.backend}-{config.retrieval}-{secrets.token_hex(2)}",
        created_at=created,
        config=config,
        cases=results,
        overall=summarize(results),
        by_topic=_grouped(results, "topic"),
        by_role=_grouped(results, "role"),
        confusion=confusion_matrix(((r.expect, r.mode) for r in results), MODES),
    )


def _case_fields(case: EvalCase) -> dict[str, Any]:
    return case.model_dump(include={"id", "question", "role", "topic", "expect", "relevant"})


def _retrieval(case: EvalCase, doc_ids: list[str], k: int) -> RetrievalScores | None:
    return retrieval_scores(doc_ids, case.relevant, k) if case.relevant else None


def _source_label(citation: Citation) -> str:
    path = f"{citation.title} > {citation.section}" if citation.section else citation.title
    return f"[{citation.n}] {path} ({citation.doc_id})"


def cited_passages(coach: Coach, answer: Answer) -> dict[int, str]:
    """The full text of every cited passage, by citation number."""
    known = {chunk.id: chunk.text for chunk in answer.contexts}
    missing = [c.chunk_id for c in answer.citations if c.chunk_id and c.chunk_id not in known]
    if missing:
        known.update((chunk.id, chunk.text) for chunk in coach.passages(missing))
    return {c.n: known.get(c.chunk_id, c.snippet) for c in answer.citations}


def score_answer(
    coach: Coach,
    case: EvalCase,
    answer: Answer,
    config: RunConfig,
    scorer: SupportScorer,
    latency_ms: float,
) -> CaseResult:
    """Every deterministic score of one answer."""
    retrieved = [chunk.doc_id for chunk in answer.contexts]
    covered = coverage(answer.text, case.key_points, scorer if config.semantic_key_points else None)
    result = CaseResult(
        **_case_fields(case),
        mode=answer.mode,
        answer=answer.text,
        retrieved=list(dict.fromkeys(retrieved)),
        retrieval=_retrieval(case, retrieved, config.top_k),
        key_points_found=covered.found,
        key_points_missing=covered.missing,
        coverage=covered.share,
        sources=[_source_label(c) for c in answer.citations],
        latency_ms=latency_ms,
        route=answer.route,
        notice=bool(answer.notice),
    )
    if answer.mode == "answer":
        grounding = check_grounding(
            scorer,
            answer.text.replace(answer.notice, "") if answer.notice else answer.text,
            [chunk.text for chunk in answer.contexts],
            cited_passages(coach, answer),
        )
        result.groundedness = grounding.groundedness
        result.citation_precision = grounding.citation_precision
        result.unsupported = grounding.unsupported
    return result


def _judge(judge: Judge, answer: Answer, result: CaseResult) -> None:
    try:
        result.judge = judge.verdict(
            answer.question, answer.text, [chunk.text for chunk in answer.contexts]
        )
    except Exception as exc:  # any judge failure is data about the judge, not a crash
        result.judge_error = f"{type(exc).__name__}: {exc}"


def evaluate_case(
    coach: Coach,
    case: EvalCase,
    config: RunConfig,
    scorer: SupportScorer,
    judge: Judge | None = None,
) -> CaseResult:
    """Ask one question and score the answer.

    An exception becomes the case's ``error``: mode ``error``, nothing retrieved or covered.
    """
    started = time.perf_counter()
    try:
        answer = coach.ask(
            case.question, role=case.role, backend=config.backend, retrieval=config.retrieval
        )
    except Exception as exc:  # one failing question must not stop the run
        return CaseResult(
            **_case_fields(case),
            mode="error",
            error=f"{type(exc).__name__}: {exc}",
            retrieval=_retrieval(case, [], config.top_k),
            coverage=0.0 if case.key_points else None,
        )
    latency_ms = (time.perf_counter() - started) * 1000
    result = score_answer(coach, case, answer, config, scorer, latency_ms)
    if judge is not None:
        _judge(judge, answer, result)
    return result


def run_eval(
    coach: Coach,
    cases: Iterable[EvalCase],
    config: RunConfig,
    judge: Judge | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    """Evaluate every case under one configuration."""
    cases = list(cases)
    scorer = SupportScorer(coach.embeddings.encode)
    results = []
    for done, case in enumerate(cases, start=1):
        results.append(evaluate_case(coach, case, config, scorer, judge))
        if progress:
            progress(done, len(cases), case.id)
    return build_run(config, results)
