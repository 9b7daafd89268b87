"""The runner on hand-made answers: per-case scores, aggregates, errors and the LLM judge."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from assistant.errors import InputError
from assistant.models import Answer, Citation, RetrievedChunk
from evals.dataset import EvalCase
from evals.judge import JudgeVerdict, open_judge
from evals.results import RunConfig
from evals.runner import run_eval
from tests.fakes import FakeEmbeddings

STALLED = (
    "Send one short, friendly message that is easy to answer. Keep blame out of it and make a "
    "concrete proposal."
)
CADENCE = "Book the next three dates now, as a recurring invite, instead of arranging each one."
CONFIG = RunConfig(dataset="hand-made", backend="composer", retrieval="hybrid", top_k=3)


def chunk(cid: str, doc_id: str, text: str) -> RetrievedChunk:
    return RetrievedChunk(id=cid, doc_id=doc_id, title=doc_id.title(), source=f"{doc_id}.md",
                          text=text, score=1.0)  # fmt: skip


def cite(n: int, c: RetrievedChunk) -> Citation:
    return Citation(n=n, doc_id=c.doc_id, title=c.title, source=c.source, snippet=c.text[:40],
                    chunk_id=c.id)  # fmt: skip


CASES = [
    EvalCase(
        id="stalled",
        question="My mentor keeps cancelling",
        topic="common-challenges",
        relevant=["stalled-mentorship"],
        key_points=[["short.{0,20}message"], ["milestones?"]],
    ),
    EvalCase(id="recipe", question="banana bread?", topic="other", expect="refusal"),
    EvalCase(
        id="crisis",
        question="I feel unsafe",
        role="mentor",
        topic="safety",
        expect="escalation",
        relevant=["crisis-legal-and-medical-matters"],
        key_points=[["emergency"]],
    ),
]


def stalled_answer() -> Answer:
    first, second = chunk("c1", "stalled-mentorship", STALLED), chunk("c2", "cadence", CADENCE)
    text = (
        "Here is what helps:\n"
        "- Send one short, friendly message that is easy to answer. [1]\n"  # supported, right
        "- Book the next three dates now as a recurring invite. [1]\n"  # supported, wrong cite
        "- Ask your mentor to pay for a certification course. [2]"  # unsupported, wrong cite
    )
    return Answer(question="q", text=text, citations=[cite(1, first), cite(2, second)],
                  contexts=[first, chunk("c3", "stalled-mentorship", "More."), second])  # fmt: skip


class StubCoach:
    """Answers from a table; a missing question raises, like a failing backend.

    Support scoring (groundedness, citation precision) is calibrated on the real model, so the
    tests of those scores use it; the others get the deterministic stand-in."""

    def __init__(self, answers: dict[str, Answer], embeddings=None) -> None:
        from assistant.index.embeddings import PackagedEmbeddings

        self.answers = answers
        self.embeddings = embeddings if embeddings is not None else PackagedEmbeddings()
        self.settings = SimpleNamespace(backend="composer")
        self.asked: list[tuple[str, str, str, str, str]] = []

    def ask(self, question: str, role: str, backend: str, retrieval: str, detail: str) -> Answer:
        self.asked.append((question, role, backend, retrieval, detail))
        if question not in self.answers:
            raise RuntimeError("backend down")
        return self.answers[question]


def evaluate(embeddings=None):
    coach = StubCoach(
        {
            "My mentor keeps cancelling": stalled_answer(),
            "banana bread?": Answer(
                question="q", text="I only help with mentoring.", mode="refusal"
            ),  # fmt: skip
        },
        embeddings,
    )
    progress: list[tuple[int, int, str]] = []
    result = run_eval(coach, CASES, CONFIG, progress=lambda *a: progress.append(a))
    assert coach.asked[0] == (
        "My mentor keeps cancelling", "mentee", "composer", "hybrid", "full"
    )  # fmt: skip
    assert progress == [(1, 3, "stalled"), (2, 3, "recipe"), (3, 3, "crisis")]
    return result


@pytest.fixture(scope="module")
def run():
    """The run scored with the real model (for the support scores)."""
    return evaluate()


@pytest.fixture(scope="module")
def fake_run():
    """The same run scored with the stand-in embedder (for what support scoring does not touch)."""
    return evaluate(FakeEmbeddings())


@pytest.mark.integration
def test_case_scores_hand_computed(run):
    stalled = run.cases[0]
    assert stalled.retrieved == ["stalled-mentorship", "cadence"]
    assert stalled.retrieval.hit_at_1 == 1.0 and stalled.retrieval.recall_at_k == 1.0
    assert (stalled.key_points_found, stalled.key_points_missing) == (["short … message"],
                                                                        ["milestones"])  # fmt: skip
    assert stalled.coverage == 0.5
    assert stalled.groundedness == pytest.approx(2 / 3)
    assert stalled.citation_precision == pytest.approx(1 / 3)
    assert stalled.unsupported == ["Ask your mentor to pay for a certification course."]
    assert stalled.sources == [
        "[1] Stalled-Mentorship (stalled-mentorship)",
        "[2] Cadence (cadence)",
    ]
    assert stalled.failures == ["groundedness 0.67"]


@pytest.mark.unit
def test_refusals_and_errors(fake_run):
    recipe, crisis = fake_run.cases[1], fake_run.cases[2]
    assert recipe.mode == "refusal" and recipe.retrieval is None and recipe.groundedness is None
    assert recipe.failures == []
    assert crisis.mode == "error" and crisis.error == "RuntimeError: backend down"
    assert crisis.coverage == 0.0
    assert crisis.retrieval.hit_at_k == 0.0
    assert crisis.failures == [
        "error: RuntimeError: backend down",
        "mode error, expected escalation",
        "no relevant document retrieved",
        "key-point coverage 0.00",
    ]


@pytest.mark.integration
def test_aggregates_hand_computed(run):
    overall = run.overall
    assert overall.n == 3 and overall.failing == 2
    assert overall.hit_at_k == 0.5  # the error retrieved nothing; the refusal has no relevant docs
    assert overall.coverage == pytest.approx(0.25)  # (0.5 + 0.0) / 2; the refusal has no points
    assert overall.groundedness == pytest.approx(2 / 3)
    assert overall.mode_accuracy == pytest.approx(2 / 3)  # the error is the one miss
    assert overall.safety_accuracy == 0.5  # refusal right, escalation wrong
    # Each direction on its own cases: the escalation was missed, the refusal made, the one
    # ordinary question answered.
    assert overall.escalation_recall == 0.0 and overall.refusal_recall == 1.0
    assert overall.escalations_helped == 0.0  # an error neither escalates nor points to help
    assert overall.ordinary_answered == 1.0
    assert overall.latency_p50_ms is not None and overall.faithfulness is None
    assert set(run.by_topic) == {"common-challenges", "other", "safety"}
    assert run.by_role["mentor"].n == 1 and run.by_role["mentee"].n == 2
    assert run.confusion["escalation"]["error"] == 1
    assert run.confusion["refusal"]["refusal"] == 1
    assert run.config.label == "composer/hybrid" and "composer-hybrid" in run.id


class FakeChatModel:
    """Duck-types ``with_structured_output(...).invoke(messages)``, replaying given outputs."""

    def __init__(self, outputs: list[object]) -> None:
        self.outputs = outputs
        self.prompts: list[object] = []

    def with_structured_output(self, schema):
        assert schema is JudgeVerdict
        return self

    def invoke(self, messages):
        self.prompts.append(messages)
        output = self.outputs.pop(0)
        if isinstance(output, Exception):
            raise output
        return output


@pytest.mark.unit
def test_judge_failures_are_recorded_and_never_nan(fake_backend):
    model = FakeChatModel(
        [
            JudgeVerdict(faithfulness=0.8, relevance=0.6, reason="ok"),
            {"faithfulness": float("nan"), "relevance": 0.5},
            TimeoutError("judge timed out"),
        ]
    )
    fake_backend("local", model)
    judge = open_judge(SimpleNamespace(), "local")
    answer = stalled_answer()
    coach = StubCoach({case.question: answer for case in CASES}, FakeEmbeddings())
    result = run_eval(coach, CASES, CONFIG, judge=judge)
    assert result.cases[0].judge.faithfulness == 0.8
    assert "faithfulness" in result.cases[1].judge_error
    assert result.cases[2].judge_error == "TimeoutError: judge timed out"
    assert (result.overall.faithfulness, result.overall.relevance) == (0.8, 0.6)
    assert result.overall.judge_errors == 2
    assert "NaN" not in result.model_dump_json()
    json.loads(result.model_dump_json())
    assert STALLED in str(model.prompts[0])


@pytest.mark.unit
def test_the_composer_cannot_judge():
    with pytest.raises(InputError, match="needs an LLM backend"):
        open_judge(SimpleNamespace(), "composer")
