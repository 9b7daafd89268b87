"""HTML text with its headings: ``<h1>``-``<h6>``, and blocks that are wholly bold.

Pages built in a web editor or pasted into a CMS often head sections with a bold paragraph
(``<p><strong>Who can join?</strong></p>``) instead of a heading tag; such a block is a heading
one level below the page's deepest real heading. A paragraph that merely starts with a bold
phrase is text.
"""

from __future__ import annotations

from typing import Any

from assistant.ingest.headings import MAX_CHARS, MAX_WORDS

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "div", "dt", "dd"]
_INSIDE = ["li", "blockquote", "p", "dt", "dd"]  # text already taken with its container
_DROPPED = ["script", "style", "noscript", "template", "nav", "footer", "iframe"]


def _wholly_bold(element: Any, content: str) -> bool:
    bold = " ".join(
        " ".join(b.get_text(" ", strip=True).split()) for b in element.find_all(["b", "strong"])
    )
    short = len(content) <= MAX_CHARS and len(content.split()) <= MAX_WORDS
    return short and bold == content and not content.endswith((".", ",", ";"))


def _leaf_div(element: Any) -> bool:
    """A ``<div>`` that holds text itself rather than other blocks."""
    return element.find(_BLOCKS) is None


def html_text(text: str) -> tuple[str, str]:
    """(Markdown-headed text, ``<title>``) of an HTML page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    for tag in soup(_DROPPED):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    body = soup.body or soup
    deepest = max((_HEADINGS[tag.name] for tag in body.find_all(list(_HEADINGS))), default=1)
    blocks: list[str] = []
    for element in body.find_all(_BLOCKS):
        if element.name == "div" and not _leaf_div(element):
            continue
        if element.name not in _HEADINGS and element.find_parent(_INSIDE):
            continue
        content = " ".join(element.get_text(" ", strip=True).split())
        if not content:
            continue
        if element.name in _HEADINGS:
            blocks.append(f"{'#' * _HEADINGS[element.name]} {content}")
        elif element.name != "li" and _wholly_bold(element, content):
            blocks.append(f"{'#' * min(deepest + 1, 4)} {content}")
        elif element.name == "li":
            blocks.append(f"- {content}")
        else:
            blocks.append(content)
    return "\n\n".join(blocks), title
