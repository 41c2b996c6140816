"""The question path shared by the API, the CLI and the evaluation: validate, retrieve, answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from chromadb.api import ClientAPI

from assistant.answer import AnswerBuilder
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import InvalidQuestionError
from assistant.followup import Turn, standalone
from assistant.question import understand
from assistant.retrieval import Retriever
from assistant.snapshot import Generations, Snapshot
from assistant.store import ChunkStore
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


class Assistant:
    """The question path over the current index generation (see snapshot.py): each call takes
    one snapshot and reads only it, so an ingest in another process never mixes two."""

    def __init__(self, settings: Settings, generations: Generations) -> None:
        self.settings = settings
        self.generations = generations

    @classmethod
    def open(
        cls, settings: Settings, embedder: Embedder, client: ClientAPI | None = None
    ) -> Assistant:
        """Open the index built by `ess-assistant ingest`; EmptyIndexError when there is none,
        DamagedIndexError when its files cannot be trusted."""
        generations = Generations(settings, embedder, client)
        generations.current()
        return cls(settings, generations)

    def snapshot(self) -> Snapshot:
        """The index to answer from, the newest one an ingest finished."""
        return self.generations.current()

    @property
    def store(self) -> ChunkStore:
        return self.snapshot().store

    @property
    def retriever(self) -> Retriever:
        return self.snapshot().retriever

    @property
    def builder(self) -> AnswerBuilder:
        return self.snapshot().builder

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        return self.snapshot().retriever.search(check_question(query, self.settings), k)

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
        snapshot = self.snapshot()
        text = self.understand(question, history, writer)
        asked = understand(text)
        hits = snapshot.retriever.for_answer(asked, k)
        answer = snapshot.builder.build(asked, hits, snapshot.retriever.query_vectors(asked))
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
        snapshot = self.snapshot()
        docs: dict[str, dict[str, Any]] = {}
        for cid, _, meta in snapshot.store.records(include_text=False):
            if not snapshot.manifest.allows(cid):
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
        snapshot = self.snapshot()
        passages = snapshot.store.passages_of(doc_id)
        return [h for h in passages if snapshot.manifest.allows(h.chunk_id)]
