"""Loading user and knowledge files and splitting them into heading-aware chunks."""

from assistant.ingest.chunking import chunk_document
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, LoadedDocument, load_file

__all__ = ["SUPPORTED_SUFFIXES", "LoadedDocument", "chunk_document", "load_file"]
