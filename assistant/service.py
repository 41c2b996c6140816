"""The question path shared by the API, the CLI and the evaluation: validate, retrieve, answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chromadb.api import ClientAPI

from assistant.answer import AnswerBuilder
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import InvalidQuestionError
from assistant.followup import Turn, standalone
from assistant.lexical import LexicalIndex
from assistant.retrieval import Retriever
from assistant.store import ChunkStore, open_client
from assistant.types import Answer, Hit


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


@dataclass
class Assistant:
    settings: Settings
    store: ChunkStore
    retriever: Retriever
    builder: AnswerBuilder

    @classmethod
    def open(
        cls, settings: Settings, embedder: Embedder, client: ClientAPI | None = None
    ) -> Assistant:
        """Open the index built by `ess-assistant ingest`; EmptyIndexError when there is none."""
        client = client or open_client(settings)
        store = ChunkStore.for_query(client, settings.collection, embedder)
        store.ensure_not_empty()
        lexical = LexicalIndex.load(settings.lexical_dir)
        return cls(
            settings, store, Retriever(store, lexical, settings), AnswerBuilder(settings, lexical)
        )

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        return self.retriever.search(check_question(query, self.settings), k)

    def ask_with_hits(
        self, question: str, k: int | None = None, history: list[Turn] | None = None
    ) -> tuple[Answer, list[Hit]]:
        """The answer and the passages it was built from (the evaluation needs both). A
        follow-up question is first rewritten with the conversation (`history`, latest last)."""
        text = standalone(check_question(question, self.settings), history or [])
        hits = self.retriever.search(text, k)
        answer = self.builder.build(text, hits)
        answer.question = text
        return answer, hits

    def ask(self, question: str, k: int | None = None, history: list[Turn] | None = None) -> Answer:
        return self.ask_with_hits(question, k, history)[0]

    def documents(self) -> list[dict[str, Any]]:
        """What is indexed, one row per document, with its passage count as `chunks`."""
        docs: dict[str, dict[str, Any]] = {}
        for _, _, meta in self.store.records(include_text=False):
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
