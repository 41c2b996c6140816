"""The question path shared by the API, the CLI and the evaluation: validate, retrieve, answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from chromadb.api import ClientAPI

from assistant.answer import AnswerBuilder
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import InvalidQuestionError
from assistant.followup import Turn, standalone
from assistant.lexical import LexicalIndex
from assistant.manifest import Manifest
from assistant.question import understand
from assistant.retrieval import Retriever
from assistant.sentence_vectors import SentenceVectors
from assistant.store import ChunkStore, open_client
from assistant.types import Answer, Hit
from assistant.writer import Final, Writer

log = logging.getLogger(__name__)


def check_question(question: object, settings: Settings) -> str:
    """The question, stripped; a French error when it is not a usable question."""
    if not isinstance(question, str):
        raise InvalidQuestionError("la question doit être un texte")
    text = question.strip()
    if not text:
        raise InvalidQuestionError("la question est vide")
    if len(text) > settings.max_question_chars:
        raise InvalidQuestionError(
            f"la question est trop longue ({len(text)} caractères, "
            f"{settings.max_question_chars} au maximum)"
        )
    return text


def open_lexical(settings: Settings, store: ChunkStore) -> LexicalIndex | None:
    """BM25 from the ingest's file, or, with a Chroma server (no local file to trust, workers
    on several machines), rebuilt in memory from the server's passages."""
    if settings.chroma_url:
        return LexicalIndex.from_store(store)
    return LexicalIndex.load(settings.lexical_dir)


@dataclass
class Assistant:
    settings: Settings
    store: ChunkStore
    retriever: Retriever
    builder: AnswerBuilder
    lexical_fingerprint: str = ""
    _checked_at: float = field(default_factory=time.monotonic, repr=False)
    _refresh_lock: Lock = field(default_factory=Lock, repr=False)

    def __post_init__(self) -> None:
        if self.settings.chroma_url and not self.lexical_fingerprint:
            self.lexical_fingerprint = self.store.fingerprint()

    @classmethod
    def open(
        cls, settings: Settings, embedder: Embedder, client: ClientAPI | None = None
    ) -> Assistant:
        """Open the index built by `ess-assistant ingest`; EmptyIndexError when there is none."""
        client = client or open_client(settings)
        store = ChunkStore.for_query(client, settings.collection, embedder)
        store.ensure_not_empty()
        lexical = open_lexical(settings, store)
        return cls(
            settings,
            store,
            Retriever(store, lexical, settings),
            AnswerBuilder(settings, lexical, SentenceVectors(embedder, store)),
        )

    def refresh(self) -> None:
        """With a Chroma server, rebuild BM25 once another machine's ingest changed the corpus;
        the fingerprint is read at most every `lexical_refresh_s` seconds, off the hot path."""
        if not self.settings.chroma_url:
            return
        if time.monotonic() - self._checked_at < self.settings.lexical_refresh_s:
            return
        if not self._refresh_lock.acquire(blocking=False):
            return  # another request is checking; this one answers with the current index
        try:
            self._checked_at = time.monotonic()
            current = self.store.fingerprint()
            if current != self.lexical_fingerprint:
                log.info("corpus changed (%s): rebuilding BM25 from Chroma", current)
                lexical = LexicalIndex.from_store(self.store)
                self.retriever.lexical = self.builder.lexical = lexical
                # The ingest's manifest, when it ran on this machine (none elsewhere: all served).
                self.retriever.manifest = Manifest.load(self.settings.data_dir)
                self.lexical_fingerprint = current
        finally:
            self._refresh_lock.release()

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        self.refresh()
        return self.retriever.search(check_question(query, self.settings), k)

    def understand(
        self, question: str, history: list[Turn] | None = None, writer: Writer | None = None
    ) -> str:
        """The question as it would be asked alone, given the earlier turns."""
        checked = check_question(question, self.settings)
        turns = history or []
        return writer.standalone(checked, turns) if writer else standalone(checked, turns)

    def ask_with_hits(
        self,
        question: str,
        k: int | None = None,
        history: list[Turn] | None = None,
        writer: Writer | None = None,
    ) -> tuple[Answer, list[Hit]]:
        """The answer and the passages it was built from (the evaluation needs both). A
        follow-up question is first rewritten with the conversation (`history`, latest last).
        With a `writer` (an LLM), the answer is its checked text, or the extractive one."""
        text, hits, answer = self.extractive(question, k, history, writer)
        if writer is not None:
            answer = writer.write(text, hits, answer)
        return answer, hits

    def extractive(
        self,
        question: str,
        k: int | None = None,
        history: list[Turn] | None = None,
        writer: Writer | None = None,
    ) -> tuple[str, list[Hit], Answer]:
        """The standalone question, its passages and the extractive answer (the fallback)."""
        self.refresh()
        text = self.understand(question, history, writer)
        asked = understand(text)
        hits = self.retriever.search(asked, k)
        answer = self.builder.build(asked, hits, self.retriever.query_vectors(asked))
        answer.question = text
        return text, hits, answer

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        history: list[Turn] | None = None,
        writer: Writer | None = None,
    ) -> Iterator[str | Final]:
        """Text pieces as an LLM writes them, then the checked answer. The question is checked
        and the passages retrieved before the first piece, so a bad question fails at once."""
        text, hits, answer = self.extractive(question, k, history, writer)
        if writer is None:
            return iter([Final(answer, replaced=False)])
        return writer.stream(text, hits, answer)

    def ask(
        self,
        question: str,
        k: int | None = None,
        history: list[Turn] | None = None,
        writer: Writer | None = None,
    ) -> Answer:
        return self.ask_with_hits(question, k, history, writer)[0]

    def documents(self) -> list[dict[str, Any]]:
        """What is indexed, one row per document, with its passage count as `chunks`."""
        docs: dict[str, dict[str, Any]] = {}
        for cid, _, meta in self.store.records(include_text=False):
            if not self.retriever.manifest.allows(cid):
                continue  # an older version an interrupted ingest left behind
            doc_id = str(meta.get("doc_id", ""))
            row = docs.setdefault(
                doc_id,
                {
                    "doc_id": doc_id,
                    "title": meta.get("title", ""),
                    "kind": meta.get("kind", ""),
                    "date": meta.get("date", ""),
                    "status": meta.get("status", ""),
                    "source": meta.get("source", ""),
                    "chunks": 0,
                },
            )
            row["chunks"] += 1
        return sorted(docs.values(), key=lambda d: d["doc_id"])

    def document(self, doc_id: str) -> list[Hit]:
        """One document's current passages in reading order; empty when it is not indexed."""
        manifest = self.retriever.manifest
        return [h for h in self.store.passages_of(doc_id) if manifest.allows(h.chunk_id)]
