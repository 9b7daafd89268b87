"""Run evaluation cases through ``Coach.ask`` and score every answer; aggregate the scores.

Per case: retrieval metrics on the answer's contexts (the retrieved chunks, or for an escalation the
guidance it quotes), key-point coverage, and — for answers in mode ``answer`` only, since refusal,
escalation and no-context replies open with fixed text — groundedness and citation precision.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from assistant.models import Answer, Citation, RetrievedChunk
from evals.dataset import EvalCase
from evals.judge import Judge
from evals.keypoints import coverage
from evals.metrics import RetrievalScores, retrieval_scores
from evals.results import CaseResult, EvalRun, RunConfig, build_run
from evals.support import SupportScorer, check_grounding

if TYPE_CHECKING:
    from assistant.coach import Coach

Progress = Callable[[int, int, str], None]


def _case_fields(case: EvalCase) -> dict[str, Any]:
    return case.model_dump(include={"id", "question", "role", "topic", "expect", "relevant"})


def _retrieval(case: EvalCase, doc_ids: list[str], k: int) -> RetrievalScores | None:
    return retrieval_scores(doc_ids, case.relevant, k) if case.relevant else None


def _source_label(citation: Citation) -> str:
    return f"[{citation.n}] {citation.heading_path} ({citation.doc_id})"


def _with_heading(chunk: RetrievedChunk) -> str:
    """A passage as the answer may quote it: its section heading, then its text."""
    heading = chunk.section.split(" > ")[-1]
    return f"{heading}\n{chunk.text}" if heading else chunk.text


def cited_passages(coach: Coach, answer: Answer) -> dict[int, str]:
    """The full text of every cited passage, with its heading, by citation number."""
    known = {chunk.id: _with_heading(chunk) for chunk in answer.contexts}
    missing = [c.chunk_id for c in answer.citations if c.chunk_id and c.chunk_id not in known]
    if missing:
        known.update((chunk.id, _with_heading(chunk)) for chunk in coach.passages(missing))
    return {c.n: known.get(c.chunk_id, c.snippet) for c in answer.citations}


def coached_text(answer: Answer) -> str:
    """The answer's claims: its text without the pointer to help, the draft and the coach's
    own lines (what it offers to expand, the question it asks)."""
    text = answer.text.replace(answer.notice, "").replace(answer.draft, "")
    for aside in answer.asides:
        text = text.replace(aside, "")
    return text


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
            coached_text(answer),
            [_with_heading(chunk) for chunk in answer.contexts],
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
            case.question,
            role=case.role,
            backend=config.backend,
            retrieval=config.retrieval,
            detail=config.detail,
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
