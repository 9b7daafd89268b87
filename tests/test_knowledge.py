"""The shipped knowledge base: schema, unique ids, coverage of every area, dev-set consistency."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import frontmatter
import pytest
import yaml
from pydantic import BaseModel, Field, field_validator

from evals.dataset import DATASETS

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
DOCUMENTS = sorted(p for p in KNOWLEDGE.glob("*.md") if p.name != "README.md")
TOPICS = {
    "goals", "finding-a-mentor", "relationship", "expectations", "communication",
    "continuous-learning", "successes-and-failures", "networking", "measuring-progress",
    "ending", "mentorship-styles", "common-challenges", "organisational-impact", "formats",
    "practicalities", "feedback", "safety",
}  # fmt: skip


class FrontMatter(BaseModel, extra="forbid"):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=5)
    topics: list[str] = Field(min_length=1)
    audience: list[Literal["mentee", "mentor", "program-lead"]] = Field(min_length=1)
    stage: Literal["starting", "ongoing", "stalled", "ending", "any"]
    summary: str = Field(min_length=20)
    questions: list[str] = Field(min_length=5, max_length=12)

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, topics: list[str]) -> list[str]:
        unknown = set(topics) - TOPICS
        assert not unknown, f"unknown topics {unknown} (see knowledge/README.md)"
        return topics


def test_knowledge_base_has_at_least_30_documents():
    assert len(DOCUMENTS) >= 30


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_document_front_matter_and_shape(path):
    post = frontmatter.load(path)
    meta = FrontMatter(**post.metadata)
    assert meta.id == path.stem
    words = len(post.content.split())
    assert 300 <= words <= 900, f"{words} words"
    assert len(re.findall(r"^# ", post.content, re.M)) == 1
    assert len(re.findall(r"^## ", post.content, re.M)) >= 3


def test_ids_are_unique():
    ids = [frontmatter.load(p).metadata["id"] for p in DOCUMENTS]
    assert len(ids) == len(set(ids))


def test_every_area_is_covered_by_a_document():
    covered = {t for p in DOCUMENTS for t in frontmatter.load(p).metadata["topics"]}
    assert covered == TOPICS


def test_every_audience_has_documents():
    audiences = {a for p in DOCUMENTS for a in frontmatter.load(p).metadata["audience"]}
    assert audiences == {"mentee", "mentor", "program-lead"}


def test_example_questions_are_unique_across_documents():
    questions = [q.lower() for p in DOCUMENTS for q in frontmatter.load(p).metadata["questions"]]
    assert len(questions) == len(set(questions))


@pytest.mark.parametrize("dataset", sorted(DATASETS.glob("*.yaml")), ids=lambda p: p.stem)
def test_dataset_is_consistent_with_the_knowledge_base(dataset):
    cases = yaml.safe_load(dataset.read_text())
    ids = {p.stem for p in DOCUMENTS}
    assert len(cases) >= 40
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert set(case["relevant"]) <= ids, case["id"]
        assert case["role"] in ("mentee", "mentor", "program-lead")
        for point in case["key_points"]:
            for pattern in point:
                re.compile(pattern)
    expects = {c.get("expect", "answer") for c in cases}
    assert {"answer", "refusal", "escalation"} <= expects
    assert {c["role"] for c in cases} == {"mentee", "mentor", "program-lead"}
