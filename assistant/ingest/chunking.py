"""Heading-aware chunking: one chunk per section, long sections split on paragraph boundaries."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from assistant.ingest.loaders import LoadedDocument
from assistant.models import Chunk

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]
_MIN_WORDS = 4


def chunk_id(source: str, text: str) -> str:
    """Stable id from the file's path and the chunk's content: unchanged content, same id."""
    return hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()[:32]


def _section_path(metadata: dict[str, str], title: str) -> str:
    parts = [metadata[key] for _, key in _HEADERS if metadata.get(key)]
    if parts and parts[0].strip().lower() == title.strip().lower():
        parts = parts[1:]
    return " > ".join(parts)


def chunk_document(document: LoadedDocument, max_chars: int = 1200) -> list[Chunk]:
    """Split a document on its headings; every chunk keeps its 'title > section' path."""
    sections = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True).split_text(document.text)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_chars, chunk_overlap=max_chars // 10, separators=["\n\n", "\n", ". ", " "]
    )
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in sections:
        path = _section_path(section.metadata, document.title)
        for piece in splitter.split_text(section.page_content):
            text = piece.strip()
            if len(text.split()) < _MIN_WORDS:
                continue
            cid = chunk_id(document.source, f"{path}\n{text}")
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(
                Chunk(
                    id=cid,
                    doc_id=document.doc_id,
                    title=document.title,
                    section=path,
                    source=document.source,
                    text=text,
                    position=len(chunks),
                    audience=document.audience,
                    topics=document.topics,
                )
            )
    return chunks
