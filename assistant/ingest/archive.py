"""Refusing zip-based files (.docx) that inflate far beyond their size (decompression bombs).

A 1 MB .docx can hold 1 GB of XML; a parser reads all of it into memory. The zip's directory
declares each member's uncompressed size, and Python's zipfile stops a member at its declared
size, so the declared sizes bound what parsing can read: they are checked before it starts.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from assistant.errors import InputError

# How many times larger than its compressed size a large member may be: XML compresses 5-20x;
# a run of one repeated byte, which only a bomb has, 1000x.
MAX_RATIO = 200
# Members smaller than this are not ratio-checked (a tiny file of blanks compresses well too).
_RATIO_FLOOR_BYTES = 1_000_000


def check_unzipped_size(path: Path, raw: bytes, max_bytes: int | None) -> None:
    """InputError when the zip in ``raw`` would inflate past ``max_bytes`` (None: no total
    limit) or by more than ``MAX_RATIO`` in one large member. Not a zip: left to the loader."""
    try:
        members = zipfile.ZipFile(BytesIO(raw)).infolist()
    except zipfile.BadZipFile:
        return
    total = sum(member.file_size for member in members)
    if max_bytes is not None and total > max_bytes:
        raise InputError(
            f"{path}: unpacks to {total / 1e6:,.0f} MB, over the "
            f"{max_bytes / 1e6:,.0f} MB limit for the contents of a document.",
            "Save it again from Word or LibreOffice (or split it); raise "
            "COACH_MAX_UNZIPPED_MB only for a document you trust.",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise InputError(
                f"{path}: its part {member.filename} is compressed {ratio:,.0f} times, "
                "which only a decompression bomb is.",
                "Save it again from Word or LibreOffice and upload that file.",
            )
