"""One typed settings object, built in entry points (never at import time)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SHARED_CORPUS = Path("../shared/corpus")


def default_corpus_dirs() -> list[Path]:
    """The project's own notes, plus the shared starter corpus when it sits beside the project."""
    dirs = [Path("corpus")]
    if SHARED_CORPUS.is_dir():
        dirs.append(SHARED_CORPUS)
    return dirs


def _split_list(value: object, sep: str) -> object:
    """A list setting given in the environment: a JSON list, or items joined by `sep`."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    return json.loads(text) if text.startswith("[") else [p for p in text.split(sep) if p]


class Settings(BaseSettings):
    """Every tunable of ingest and answering; read from `ESS_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="ESS_", extra="ignore")

    data_dir: Path = Path("data")
    corpus_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=default_corpus_dirs)
    collection: str = "ess-passages"
    # A Chroma server (e.g. http://127.0.0.1:8001) shared by every worker and machine; empty =
    # the embedded Chroma in data_dir. In server mode the lexical index is rebuilt in memory
    # from the server's passages, and again when their fingerprint changes (checked at most
    # every `lexical_refresh_s` seconds).
    chroma_url: str = ""
    lexical_refresh_s: float = Field(default=30.0, ge=0.0)

    # Embeddings: "use" (multilingual USE v3, numpy only) or "sentence-transformers"
    # (a model name or folder; empty = the all-MiniLM-L6-v2 folder shipped on PyPI).
    embedding_backend: Literal["use", "sentence-transformers"] = "use"
    embedding_model: str = ""
    embedding_batch: int = Field(default=32, ge=1)
    # BLAS threads of one USE embedding call. Its matrices are small (384 tokens at a time):
    # measured on this 2-core machine at load 3.6, two threads cost 106 ms of CPU per passage
    # and its sentences, one thread 21 ms; ingest uses the cores with processes instead.
    embedding_threads: int = Field(default=1, ge=1)
    # Processes that embed at ingest when there are many passages to embed (0: one per core).
    ingest_processes: int = Field(default=0, ge=0)

    # Chunking: sizes in characters; ~1000 chars of French stays under MiniLM's 256 tokens.
    chunk_size: int = Field(default=1000, ge=200)
    chunk_overlap: int = Field(default=120, ge=0)

    # Retrieval
    top_k: int = Field(default=5, ge=1, le=20)
    # Passages taken from each of the dense and lexical searches before fusion; 60 rather than
    # 40 lets a passage that both rank moderately (a practice note in plain words) be fused in.
    candidates: int = Field(default=60, ge=5, le=500)
    max_per_doc: int = Field(default=3, ge=1)
    max_notes: int = Field(default=5, ge=0)  # practice-note passages placed beside the top_k
    dense_weight: float = Field(default=0.3, ge=0.0, le=1.0)
    # Passages (text and metadata) and their vectors kept in memory by each worker once read,
    # for one generation of the index: ~4 kB each, so 20,000 cost ~80 MB; 0 = none.
    passage_cache: int = Field(default=20_000, ge=0)

    # Answering
    answer_sentences: int = Field(default=6, ge=1, le=10)
    # Share of a sentence's score that comes from its embedding similarity to the question
    # (the rest from the question's terms it holds).
    sentence_dense_weight: float = Field(default=0.4, ge=0.0, le=1.0)
    refusal_threshold: float = Field(default=0.31, ge=0.0, le=1.0)
    max_question_chars: int = Field(default=2000, ge=10)

    # LLM answers (optional): an OpenAI-compatible endpoint (Albert, Mistral, Ollama, vLLM,
    # llama-cpp-python's server) or a local GGUF file. Unset: extractive answers only. Whatever
    # the LLM writes goes through the citation guard; a failure falls back to the extractive one.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_gguf: Path | None = None
    llm_timeout_s: float = Field(default=60.0, gt=0.0)
    # A short answer (one or two sentences, ~50 tokens) with room to finish its last one; a
    # 1.5B model on a shared 2-core CPU writes 1 to 3 tokens/s, reads 6 to 10 (LLM_REPORT.md).
    llm_max_tokens: int = Field(default=120, ge=16)
    llm_passages: int = Field(default=2, ge=1, le=20)  # passages the LLM reads, cited ones first
    # Characters of quoted sentences the LLM reads in all (~170 tokens): its wait to first word.
    # At 350, the opening's sentence (200 to 400 characters) was cut and the model, missing its
    # subject or its figure, wrote that the passages do not answer (LLM_REPORT.md).
    llm_context_chars: int = Field(default=600, ge=200)
    # CPU threads of a local GGUF model (prompt and generation); None: llama.cpp's choice. On a
    # machine shared with other work, 1 thread is faster than threads that wait for a core.
    llm_threads: int | None = Field(default=None, ge=1)
    # Share of a sentence's content words its cited passages must hold (threshold chosen on the
    # evaluation set by `python -m evals.guard_threshold`: 0.6 keeps 97 % of true citations and
    # rejects 87 % of citations of another retrieved passage).
    guard_overlap: float = Field(default=0.6, ge=0.0, le=1.0)

    # Service
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)

    # Hostile input and access (issue 7)
    max_text_bytes: int = Field(default=20_000_000, ge=1)  # larger text files are skipped
    max_pdf_pages: int = Field(default=3000, ge=1)  # longer PDFs are indexed up to this page
    # A PDF whose page contents decompress to more (a small stream shared by many pages counts
    # once per page), or that takes longer to read, is refused: one file cannot hold an ingest.
    max_pdf_content_bytes: int = Field(default=64_000_000, ge=1)
    max_pdf_seconds: float = Field(default=60.0, gt=0.0)
    max_upload_bytes: int = Field(default=50_000_000, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)  # JSON requests (uploads apart)
    admin_token: str = ""  # empty: the /admin/ endpoints answer 404
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)  # empty: closed
    log_questions: bool = False  # True: questions logged anonymised (masked, hashed client)
    # Requests per client (address) and worker, in the `limits` notation ("30/minute",
    # "10/minute;200/day"); empty: no limit. /ask and /ask/stream share one budget.
    rate_limit_ask: str = "30/minute"
    rate_limit_feedback: str = "10/minute"

    # Légifrance import (`ess-assistant legifrance sync`): PISTE credentials (OAuth2 client
    # credentials), the production endpoints by default (the sandbox ones in the README), the
    # list of articles to import, and the retries on 429 / 5xx (delay doubling from backoff_s).
    legifrance_client_id: str = ""
    legifrance_client_secret: SecretStr = SecretStr("")
    legifrance_token_url: str = "https://oauth.piste.gouv.fr/api/oauth/token"
    legifrance_api_url: str = "https://api.piste.gouv.fr/dila/legifrance/lf-engine-app"
    legifrance_list: Path = Path("corpus/legifrance.toml")
    legifrance_retries: int = Field(default=4, ge=1, le=10)
    legifrance_backoff_s: float = Field(default=1.0, ge=0.0, le=60.0)
    legifrance_timeout_s: float = Field(default=30.0, gt=0.0)

    @field_validator("rate_limit_ask", "rate_limit_feedback")
    @classmethod
    def _check_rate(cls, value: str) -> str:
        """Fail at start-up on a rate `limits` cannot read, not at the first request."""
        if value.strip():
            parse_many(value)
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept `ESS_CORS_ORIGINS=https://a,https://b` as well as a JSON list."""
        return _split_list(value, ",")

    @field_validator("corpus_dirs", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        """Accept `ESS_CORPUS_DIRS=a:b` as well as a JSON list."""
        return _split_list(value, ":")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_gguf)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def uploads_dir(self) -> Path:
        """Files sent to `POST /admin/documents`; always part of what `ingest` indexes."""
        return self.data_dir / "uploads"

    @property
    def legifrance_dir(self) -> Path:
        """Articles written by `ess-assistant legifrance sync`; indexed with the corpus folders."""
        return self.data_dir / "legifrance"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"
