"""Heading detection for user documents without Markdown: plain text, PDF, HTML and Word."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.ingest import chunk_document, load_file
from assistant.ingest.headings import mark_headings

USER_DOCS = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "user_docs"
EXPECTED = yaml.safe_load((USER_DOCS / "sections.yaml").read_text(encoding="utf-8"))["documents"]


def _headings(text: str) -> list[str]:
    return [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]


@pytest.mark.unit
@pytest.mark.parametrize("case", EXPECTED, ids=[case["file"] for case in EXPECTED])
def test_section_recall_on_non_markdown_guides_is_at_least_point_nine(case):
    document = load_file(USER_DOCS / case["file"], max_bytes=10**7)
    found = set(_headings(document.text))
    recall = sum(section in found for section in case["sections"]) / len(case["sections"])
    assert document.title == case["title"]
    assert recall >= 0.9, sorted(set(case["sections"]) - found)
    spurious = found - set(case["sections"]) - {case["title"]}
    assert not spurious, spurious


@pytest.mark.unit
def test_sections_of_a_text_guide_become_chunk_paths_with_whole_lists():
    document = load_file(USER_DOCS / "northwind-mentoring-handbook.txt", max_bytes=10**7)
    chunks = chunk_document(document)
    trends = [c for c in chunks if c.section.endswith("Future trends")]
    assert len(trends) == 1
    assert trends[0].section == "Future trends"
    bullets = [line for line in trends[0].text.splitlines() if line.lstrip().startswith("•")]
    assert len(bullets) == 3


@pytest.mark.unit
def test_plain_text_headings_emoji_numbered_and_caps():
    text = (
        "Program Guide\n\n🎯 Choosing your mentor\n\nPick someone outside your team.\n\n"
        "2.1 What to look for in a partner\n\nShared hours.\n\nCODE OF CONDUCT\n\nBe kind.\n"
    )
    assert _headings(mark_headings(text)) == [
        "Program Guide",
        "Choosing your mentor",
        "What to look for in a partner",
        "CODE OF CONDUCT",
    ]
    assert mark_headings(text).splitlines()[1] == "# Program Guide"


@pytest.mark.unit
def test_wrapped_paragraphs_lists_and_sentences_are_not_headings():
    text = (
        "Guide\n\nPartners should work at different clinics, and we try not\n"
        "to match people who\nshare a rota.\n\n1. Book the first meeting\n2. Send an agenda\n\n"
        "Meet every two weeks.\n\nthis line starts in lower case\n"
    )
    assert _headings(mark_headings(text)) == ["Guide"]
