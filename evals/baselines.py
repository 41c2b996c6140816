"""Two plain pipelines to measure the product against: what it must beat to be worth its parts.

Both read the same files as `ess-assistant ingest` and cut them the way a LangChain tutorial
would (1000 characters, 200 of overlap, no article or heading awareness); `naive` ranks the
passages by embedding similarity with the product's model, `bm25` by BM25 alone. Both answer
with the top passage and never refuse. Their indexes live in memory, never in the data dir.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.embedding import Embedder
from assistant.errors import DocumentError
from assistant.lexical import LexicalIndex
from assistant.types import Answer, Citation, Hit, PassageMeta
from evals.run import AskFn
from ingest.index import IngestSummary, discover
from ingest.read import read_document

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def split_corpus(roots: Sequence[Path]) -> list[Document]:
    """The files ingest would index under `roots`, pages joined, cut into 1000/200 passages.

    Unreadable files and a second file claiming an already used id are left out, as ingest
    does, so the baselines see the same documents as the product."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    passages: list[Document] = []
    seen: set[str] = set()
    for source in discover(roots, IngestSummary()):
        try:
            read = read_document(source.path)
        except DocumentError:
            continue
        meta = source.catalog.meta_for(source.path, read.title)
        if meta.doc_id in seen:
            continue
        seen.add(meta.doc_id)
        text = "\n\n".join(page.text for page in read.pages)
        metadata = {
            "doc_id": meta.doc_id,
            "title": meta.title,
            "date": meta.date,
            "status": meta.status,
            "source": meta.source,
            "path": meta.path,
        }
        for number, piece in enumerate(splitter.split_text(text)):
            chunk_id = f"{meta.doc_id}#{number}"
            passages.append(Document(id=chunk_id, page_content=piece, metadata=metadata))
    return passages


class EmbedderAdapter(Embeddings):
    """The product's embedder seen through LangChain's interface, so both embed identically."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def top_passage_answer(ranked: Sequence[tuple[Document, float]]) -> tuple[Answer, list[Hit]]:
    """The first passage as the answer, cited [1]; every ranked passage becomes a citation."""
    hits = [
        Hit(
            chunk_id=str(doc.id),
            text=doc.page_content,
            meta=PassageMeta.from_record(doc.metadata),
            score=score,
        )
        for doc, score in ranked
    ]
    citations = [
        Citation(
            n=n,
            doc_id=hit.doc_id,
            title=str(hit.meta.title),
            date=str(hit.meta.date),
            status=str(hit.meta.status),
            locator=hit.locator,
            excerpt=hit.text,
            source=str(hit.meta.source),
        )
        for n, hit in enumerate(hits, 1)
    ]
    text = f"{hits[0].text} [1]" if hits else ""
    return Answer(answer=text, refused=False, citations=citations), hits


@dataclass
class NaiveRag:
    """Dense top-k over an in-memory LangChain vector store."""

    store: InMemoryVectorStore

    @classmethod
    def build(cls, passages: list[Document], embedder: Embedder) -> NaiveRag:
        store = InMemoryVectorStore(EmbedderAdapter(embedder))
        if passages:
            store.add_documents(passages)
        return cls(store)

    def ask(self, question: str, k: int, history: list[str]) -> tuple[Answer, list[Hit]]:
        query = " ".join([*history[-1:], question])  # a plain chat RAG: last turn + this one
        return top_passage_answer(self.store.similarity_search_with_score(query, k=k))


@dataclass
class Bm25Rag:
    """BM25 top-k with the product's French analysis (stemming, accent folding), nothing else."""

    index: LexicalIndex
    passages: dict[str, Document]

    @classmethod
    def build(cls, passages: list[Document]) -> Bm25Rag:
        index = LexicalIndex.build((str(p.id), p.page_content) for p in passages)
        return cls(index, {str(p.id): p for p in passages})

    def ask(self, question: str, k: int, history: list[str]) -> tuple[Answer, list[Hit]]:
        query = " ".join([*history[-1:], question])
        ranked = [(self.passages[cid], score) for cid, score in self.index.search(query, k)]
        return top_passage_answer(ranked)


BASELINES = ("naive", "bm25")


def build_baselines(
    names: Sequence[str], passages: list[Document], embedder: Embedder
) -> dict[str, AskFn]:
    """Each named baseline, indexed once over `passages`; a ValueError names an unknown one."""
    unknown = [n for n in names if n not in BASELINES]
    if unknown:
        raise ValueError(
            f"baseline inconnue : {', '.join(unknown)} (au choix : {', '.join(BASELINES)})"
        )
    built: dict[str, AskFn] = {}
    for name in dict.fromkeys(names):  # asked twice, built and reported once
        system: NaiveRag | Bm25Rag = (
            NaiveRag.build(passages, embedder) if name == "naive" else Bm25Rag.build(passages)
        )
        built[name] = system.ask
    return built
