"""Settings for Mentor Coach, read from ``COACH_*`` environment variables and CLI overrides."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_cache_path, user_data_path
from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from assistant.backends import Backend, BackendSettings, SecondOpinionBackend
from assistant.models import Role
from assistant.resources import builtin_knowledge

RetrievalMode = Literal["hybrid", "dense", "bm25"]
# How much a first answer says (see Settings.detail).
Detail = Literal["brief", "full"]


def enforce_offline() -> None:
    """Make sure no library phones home or fetches a model from a hub."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
        "TRANSFORMERS_VERBOSITY": "error",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    }.items():
        os.environ.setdefault(key, value)


def default_cache_dir() -> Path:
    """Where derived files shared by every data folder live (the ONNX export of the model)."""
    return user_cache_path("mentor-coach", appauthor=False)


class Settings(BackendSettings):
    """All tunables; every field can be set as ``COACH_<NAME>`` or overridden in code/CLI (the
    LLM backends' own settings come from ``BackendSettings``)."""

    model_config = SettingsConfigDict(env_prefix="COACH_", extra="forbid")

    home: Path = Field(default_factory=lambda: user_data_path("mentor-coach", appauthor=False))
    knowledge_dir: Path = Field(default_factory=builtin_knowledge)
    chroma_path: Path | None = None
    chroma_url: str | None = None
    collection: str = "mentor_coach"
    # Accounts, conversations and ratings: a SQLite file in ``home`` unless this names a
    # PostgreSQL database (postgresql+psycopg://user:password@host:5432/coach) shared by servers.
    database_url: str | None = None
    # Derived files that can be rebuilt (the ONNX export, a re-trained safety classifier).
    cache_dir: Path = Field(default_factory=default_cache_dir)
    # How texts are embedded: ONNX Runtime (default, light and fast) or the sentence-transformers
    # reference; both give the same vectors, so an index built with one is searched with the other.
    embedding_encoder: Literal["onnx", "sentence-transformers"] = "onnx"
    top_k: int = Field(default=5, ge=1, le=50)
    retrieval: RetrievalMode = "hybrid"
    backend: Backend = "composer"
    # How much a first answer says: "brief" (about 250 words, the rest offered as "more on …"
    # items) or "full" (every step the guides give, as before 0.3).
    detail: Detail = "brief"
    # An LLM backend that reviews messages the safety classifier lets through (off by default;
    # never the only safeguard). Choose a capable model: a tiny local one adds nothing.
    safety_second_opinion: SecondOpinionBackend | None = None
    max_question_chars: int = Field(default=2000, ge=50)
    # A question is answered when its best passage is at least this similar (cosine) ...
    relevance_floor: float = Field(default=0.25, ge=-1, le=1)
    # ... or it comes this close to an example question of a document (hybrid retrieval): a vague or
    # roundabout question ("3rd rejection this year, what am i doing wrong") still has a home.
    question_floor: float = Field(default=0.4, ge=-1, le=1)
    max_file_mb: float = Field(default=20.0, gt=0)
    # The most a zip-based document (.docx) may unpack to: a small file can inflate to gigabytes.
    max_unzipped_mb: float = Field(default=100.0, gt=0)
    chunk_chars: int = Field(default=1200, ge=200, le=8000)
    # How long a write (ingest, remove, reindex) waits for another process's write to finish.
    lock_timeout_s: float = Field(default=600, ge=0)
    # 'coach serve': requests each API key may make (a `limits` rate: "120/minute",
    # "10/second;1000/hour"), counted in this storage (memory:// per server; redis://host:6379
    # shares the count between servers) ...
    rate_limit: str = "120/minute"
    rate_limit_storage: str = "memory://"
    # ... and the largest request body (default: max_file_mb plus 1 MB for the form around it).
    max_request_mb: float | None = Field(default=None, gt=0)
    # The web app of 'coach serve': wrong passwords allowed per address and per user name (the
    # rate above also limits each signed-in person's requests), how long a sign-in lasts, and
    # the other origins whose pages may call the API from a browser (CORS, never with cookies).
    signin_limit: str = "5/minute;30/hour"
    web_session_hours: float = Field(default=12, gt=0, le=24 * 30)
    # Comma-separated in the environment: "https://portal.example.org,https://x.example.org".
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # Limits every surface holds ('coach serve' most of all). The roles that may choose an
    # answer backend other than ``backend`` (a local LLM takes 30-100 s a request): the others
    # always get ``backend``; comma-separated, e.g. "program-lead,mentor". The one person of
    # 'coach ui' and the CLI chooses freely.
    backend_choice_roles: Annotated[tuple[Role, ...], NoDecode] = ("program-lead",)
    # The earlier turns passed to answering: each user turn is held to max_question_chars, and
    # the turns answering reads (the last few) to this many characters together.
    max_history_chars: int = Field(default=20_000, ge=1000)

    @field_validator("backend_choice_roles", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):  # "program-lead,mentor" in the environment
            return [role.strip() for role in value.split(",") if role.strip()]
        return value

    @field_validator("rate_limit", "signin_limit", mode="after")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a rate limit; write it like 120/minute or 10/second;1000/hour"
            ) from None
        return value

    @property
    def request_limit_bytes(self) -> int:
        """The largest request body 'coach serve' reads."""
        megabytes = self.max_request_mb or self.max_file_mb + 1
        return int(megabytes * 1024 * 1024)

    @field_validator("home", "knowledge_dir", "chroma_path", "cache_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def chroma_dir(self) -> Path:
        """Where the embedded Chroma database lives."""
        return self.chroma_path or self.home / "chroma"
