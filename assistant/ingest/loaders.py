"""Turn a file (Markdown, text, PDF, HTML, Word) into a LoadedDocument with `#` headings."""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from pydantic import BaseModel, Field

from assistant.errors import InputError
from assistant.ingest.archive import check_unzipped_size
from assistant.ingest.docx import docx_text
from assistant.ingest.headings import mark_headings
from assistant.ingest.html import html_text
from assistant.ingest.pdf import pdf_text
from assistant.text.invisible import strip_invisible

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".html", ".htm", ".docx")
_BINARY_SNIFF_BYTES = 8192
# Zip-based formats: their unpacked size is checked before a parser reads them.
_ZIPPED = (".docx",)
_HEADING_LINE = re.compile(r"^#{1,6}[ \t].*$", re.MULTILINE)


class LoadedDocument(BaseModel):
    """A document ready to chunk: body text with '#' headings, plus its metadata."""

    doc_id: str
    title: str
    source: str
    text: str
    content_hash: str
    audience: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    stage: str = ""
    summary: str = ""
    questions: list[str] = Field(default_factory=list)


def slugify(value: str) -> str:
    """Lowercase kebab-case identifier made of letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return slug or "document"


def _as_list(value: object) -> list[str]:
    """A front-matter list field: one value (`topics: 5`) is a list of one."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(item) for item in value if item is not None]
    return [str(value)]


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without aliases: a few hundred bytes of nested aliases expand to gigabytes
    when the values are read (an upload anyone can make)."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in front matter")
        return super().compose_node(parent, index)


class _FrontMatterHandler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler with the alias-free loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_FrontMatterLoader)  # noqa: S506 (a SafeLoader subclass)


def _decode_text(path: Path, raw: bytes) -> str:
    # Windows "Unicode" text is UTF-16 with a byte-order mark: its NUL bytes are not binary.
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in raw[:_BINARY_SNIFF_BYTES]:
        raise InputError(
            f"{path}: looks like a binary file, not {path.suffix} text.",
            "Export it as Markdown, plain text, PDF, HTML or Word (.docx) and ingest that file.",
        )
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{path}: is not valid {'UTF-16' if utf16 else 'UTF-8'} text.",
        "Save it as UTF-8 and ingest it again.",
    )


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#\s+(.+?)\s*$", text, flags=re.MULTILINE)
    return match.group(1).strip() if match else None


def _load_markdown(path: Path, raw: bytes) -> tuple[str, dict]:
    text = _decode_text(path, raw)
    try:
        handler = _FrontMatterHandler()
        post = frontmatter.loads(text, handler=handler if handler.detect(text) else None)
    except (yaml.YAMLError, ValueError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"{path}: the YAML front matter between the '---' lines is malformed ({first_line}).",
            "Fix the YAML (key: value per line) or remove the front matter block.",
        ) from exc
    if not isinstance(post.metadata, dict):
        raise InputError(
            f"{path}: the front matter is not a set of 'key: value' fields.",
            "Fix or remove the block between the '---' lines.",
        )
    return post.content, dict(post.metadata)


def _load_text(path: Path, raw: bytes) -> tuple[str, dict]:
    return mark_headings(_decode_text(path, raw)), {}


def _load_pdf(path: Path, raw: bytes) -> tuple[str, dict]:
    from pypdf.errors import PdfReadError

    try:
        text, title = pdf_text(raw)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(
            f"{path}: is not a readable PDF ({exc}).", "Check the file opens in a PDF viewer."
        ) from exc
    if not text.strip():
        raise InputError(
            f"{path}: the PDF has no extractable text (it may be a scanned image).",
            "Run OCR on it or export the text, then ingest that file.",
        )
    return text, {"title": title} if title else {}


def _load_html(path: Path, raw: bytes) -> tuple[str, dict]:
    text, title = html_text(_decode_text(path, raw))
    return text, {"title": title} if title else {}


def _load_docx(path: Path, raw: bytes) -> tuple[str, dict]:
    from zipfile import BadZipFile

    from docx.opc.exceptions import PackageNotFoundError

    try:
        text, title = docx_text(raw)
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(
            f"{path}: is not a readable Word document ({exc}).",
            "Check it opens in Word or LibreOffice and save it again as .docx.",
        ) from exc
    return text, {"title": title} if title else {}


_LOADERS: dict[str, Callable[[Path, bytes], tuple[str, dict]]] = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_text,
    ".pdf": _load_pdf,
    ".html": _load_html,
    ".htm": _load_html,
    ".docx": _load_docx,
}


def load_file(path: Path, max_bytes: int, max_unzipped_bytes: int | None = None) -> LoadedDocument:
    """Read one file into a LoadedDocument, or raise InputError saying what is wrong with it.

    A zip-based file may unpack to ``max_unzipped_bytes`` (None: any size, at a sane ratio).

    Titles and headings lose bidirectional controls and zero-width characters (a name must read
    as what it is)."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.", "Check the path and try again.")
    if suffix not in _LOADERS:
        raise InputError(
            f"{path}: unsupported file type '{suffix or '(none)'}'.",
            f"Supported: {', '.join(SUPPORTED_SUFFIXES)}.",
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit.",
            "Split it into smaller files or raise COACH_MAX_FILE_MB.",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be read ({exc.strerror}).", "Check the file's permissions."
        ) from exc
    if suffix in _ZIPPED:
        check_unzipped_size(path, raw, max_unzipped_bytes)
    body, meta = _LOADERS[suffix](path, raw)
    body = _HEADING_LINE.sub(lambda heading: strip_invisible(heading.group(0)), body)
    if not body.strip():
        raise InputError(f"{path}: is empty.", "Add some text to it, or leave it out.")
    title = str(meta.get("title") or _first_heading(body) or path.stem.replace("_", " ").strip())
    title = strip_invisible(title).strip() or path.stem
    return LoadedDocument(
        doc_id=slugify(str(meta.get("id") or path.stem)),
        title=title,
        source=str(path.resolve()),
        text=body,
        content_hash=hashlib.sha256(raw).hexdigest(),
        audience=_as_list(meta.get("audience")),
        topics=_as_list(meta.get("topics")),
        stage=str(meta.get("stage") or ""),
        summary=str(meta.get("summary") or ""),
        questions=[q for q in _as_list(meta.get("questions")) if q.strip()],
    )
