"""The Chroma collection of passages: our vectors, their text and everything needed to cite them.

The collection records the embedding model and dimension that built it; opening it with another
model is a clear error, never silently wrong neighbours.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from threading import Lock
from typing import Any, cast
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Where
from chromadb.config import Settings as ChromaSettings

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import ChromaUnavailableError, EmptyIndexError, ModelMismatchError
from assistant.lru import LRU
from assistant.sentence_store import SentenceStore, blobs_name
from assistant.types import Chunk, Hit, PassageMeta

log = logging.getLogger(__name__)

PAGE = 2000  # rows per Chroma get/upsert call


FINGERPRINT = "fingerprint"  # collection metadata key: hash of every stored chunk id
ARTICLES = "articles"  # collection metadata key: JSON, legal text key -> its article keys


def open_client(settings: Settings) -> ClientAPI:
    """The Chroma server at `chroma_url` when one is set (shared by every worker and machine),
    else an embedded client on the data folder; telemetry off: the machine is offline."""
    chroma = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlsplit(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ChromaUnavailableError(settings.chroma_url, "adresse invalide")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma
            )
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise ChromaUnavailableError(settings.chroma_url) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma)


def fresh_client(settings: Settings) -> ClientAPI:
    """An embedded client that reads the data folder as it is now. Chroma shares one client
    (and its in-memory vectors) per folder within a process, and that client never sees what
    another process wrote since: passages then found by BM25 but unknown to it answered 500
    ("Error finding id"). Clients already open keep working on what they had read."""
    if settings.chroma_url:
        return open_client(settings)
    SharedSystemClient.clear_system_cache()  # only the registry: open clients are untouched
    return open_client(settings)


def fingerprint(ids: Iterable[str]) -> str:
    """One hash of the corpus: chunk ids are content hashes, so any change changes it."""
    digest = hashlib.sha256()
    for cid in sorted(ids):
        digest.update(cid.encode() + b"\n")
    return digest.hexdigest()[:32]


class ChunkStore:
    """Passages in one Chroma collection, bound to one embedding model."""

    def __init__(
        self,
        collection: Collection,
        embedder: Embedder,
        client: ClientAPI | None = None,
        sentences: SentenceStore | None = None,
        cache_size: int = 0,
    ) -> None:
        self.collection = collection
        self.embedder = embedder
        self.client = client  # to re-read the collection's metadata written by other processes
        # The vectors of each passage's answer units (see sentence_store.py); None for an
        # index built before they were stored: answers then embed sentences as they go.
        self.sentences = sentences
        self._article_keys: dict[str | None, frozenset[str]] = {}
        self._articles_lock = Lock()
        # What answering reads again and again, kept for this store's life (one generation of
        # the index; ids are content hashes): a Chroma read costs ~1.2 ms a call and 0.06 ms a
        # passage, five or six calls an answer, half an answer's CPU at 100x the corpus.
        self._passages: LRU[str, tuple[str, PassageMeta]] = LRU(cache_size)
        self._vectors: LRU[str, np.ndarray] = LRU(cache_size)
        self._articles: LRU[tuple[str, str | None], tuple[str, ...]] = LRU(cache_size // 8)

    @classmethod
    def for_ingest(
        cls, client: ClientAPI, name: str, embedder: Embedder
    ) -> tuple[ChunkStore, bool]:
        """Open or create the collection; a collection built by another model is rebuilt.

        Returns the store and whether it was reset because the model changed.
        """
        meta = {"embedding_model": embedder.name, "dimension": embedder.dimension}
        reset = False
        existing = {c.name for c in client.list_collections()}
        for each in (name, blobs_name(name)):
            if each in existing:
                current = client.get_collection(each, embedding_function=None)
                if reset or _model_of(current) != (embedder.name, embedder.dimension):
                    log.warning("collection %s built with %s: rebuilding", each, _model_of(current))
                    client.delete_collection(each)
                    reset = reset or each == name  # a new passage collection: new sentences too
        collection = client.get_or_create_collection(
            name,
            embedding_function=None,
            metadata=meta,
            configuration={"hnsw": {"space": "cosine"}},
        )
        sentences = SentenceStore.for_ingest(client, name, meta)
        return cls(collection, embedder, client, sentences), reset

    @classmethod
    def for_query(
        cls, client: ClientAPI, name: str, embedder: Embedder, cache_size: int = 0
    ) -> ChunkStore:
        """Open the collection for answering; empty or built by another model is an error.
        `cache_size` passages (and as many vectors) read are kept in memory (see `get`)."""
        if name not in {c.name for c in client.list_collections()}:
            raise EmptyIndexError()
        collection = client.get_collection(name, embedding_function=None)
        stored = _model_of(collection)
        if stored != (embedder.name, embedder.dimension):
            raise ModelMismatchError(
                f"{stored[0]} ({stored[1]} dimensions)",
                f"{embedder.name} ({embedder.dimension} dimensions)",
            )
        sentences = SentenceStore.for_query(client, name, stored)
        return cls(collection, embedder, client, sentences, cache_size)

    def count(self) -> int:
        return int(self.collection.count())

    def ensure_not_empty(self) -> None:
        if self.count() == 0:
            raise EmptyIndexError()

    def fingerprint(self) -> str:
        """The corpus fingerprint the last ingest recorded, read afresh from Chroma."""
        current = self.collection
        if self.client is not None:
            current = self.client.get_collection(self.collection.name, embedding_function=None)
        return str((current.metadata or {}).get(FINGERPRINT, ""))

    def record_fingerprint(self, value: str) -> None:
        """Store `value` beside the model name (Chroma's modify replaces the whole metadata)."""
        self._record(FINGERPRINT, value)

    def record_articles(self, articles: Mapping[str, Iterable[str]]) -> None:
        """Store each legal text's article keys beside the model name, so that a worker (on
        any machine) knows them without listing every article's passages."""
        index = {text: sorted(set(keys)) for text, keys in sorted(articles.items())}
        self._record(ARTICLES, json.dumps(index, ensure_ascii=False, separators=(",", ":")))

    def _record(self, key: str, value: str) -> None:
        current = self.collection
        if self.client is not None:  # the metadata as stored now, not as this object read it
            current = self.client.get_collection(self.collection.name, embedding_function=None)
        meta = dict(current.metadata or {})
        if meta.get(key) != value:
            self.collection.modify(metadata={**meta, key: value})

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        for start in range(0, len(chunks), PAGE):
            part = chunks[start : start + PAGE]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + PAGE],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove these passages and their sentence vectors."""
        for start in range(0, len(ids), PAGE):
            self.collection.delete(ids=list(ids[start : start + PAGE]))
        if self.sentences is not None:
            self.sentences.delete(ids)

    def records(self, include_text: bool = True) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (id, text, metadata), page by page, for the lexical index and the listings."""
        include: list[Any] = ["metadatas", "documents"] if include_text else ["metadatas"]
        offset = 0
        while True:
            batch = self.collection.get(include=include, limit=PAGE, offset=offset)
            ids = batch["ids"]
            if not ids:
                return
            docs = batch.get("documents") or [""] * len(ids)
            for cid, text, meta in zip(ids, docs, batch["metadatas"] or [], strict=False):
                yield cid, text or "", dict(meta or {})
            offset += len(ids)

    def ids_by_document(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for cid, _, meta in self.records(include_text=False):
            out.setdefault(str(meta.get("doc_id", "")), set()).add(cid)
        return out

    def nearest(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """Ids of the `n` passages nearest to `vector`, with their cosine similarity. Ids and
        distances only: reading the metadata of every candidate costs more than the search,
        and only the few passages kept are read (`get`). Chroma caps `n` at the collection's
        size itself: no count() round trip on every question."""
        if n <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector], n_results=n, include=["distances"]
        )
        dists = (result.get("distances") or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], dists, strict=False)]

    def similarities(self, ids: Sequence[str], vector: np.ndarray) -> dict[str, float]:
        """Cosine similarity to `vector` of the stored vectors of these passages."""

        def read(missing: list[str]) -> Iterator[tuple[str, np.ndarray]]:
            batch = self.collection.get(ids=missing, include=["embeddings"])
            vectors = batch.get("embeddings")
            for cid, v in zip(batch["ids"], vectors if vectors is not None else [], strict=False):
                yield cid, np.asarray(v, dtype=np.float32)

        return {cid: float(v @ vector) for cid, v in self._vectors.get_many(ids, read).items()}

    def get(self, ids: Sequence[str]) -> list[Hit]:
        """Passages by id, in the order of `ids` (unknown ids left out). Each call returns new
        `Hit`s: callers score them."""

        def read(missing: list[str]) -> Iterator[tuple[str, tuple[str, PassageMeta]]]:
            batch = self.collection.get(ids=missing, include=["documents", "metadatas"])
            for hit in self._hits(batch):
                yield hit.chunk_id, (hit.text, hit.meta)

        found = self._passages.get_many(ids, read)
        return [Hit(chunk_id=c, text=found[c][0], meta=found[c][1]) for c in ids if c in found]

    def article(self, number: str, text_key: str | None = None) -> list[Hit]:
        """Every passage of an article, by its number's key ("13", "l2113-15"), of one legal
        text when given, in reading order within each document (ids are hashes: the order
        comes from the heading and the page)."""
        ids = self._articles.get((number, text_key))
        if ids is not None:
            return self.get(ids)
        where: dict[str, Any] = {"article_key": number}
        if text_key:
            where = {"$and": [where, {"text_key": text_key}]}
        hits = sorted(self._where(where), key=lambda h: (h.doc_id, h.meta.position))
        self._articles.put((number, text_key), tuple(h.chunk_id for h in hits))
        for hit in hits:
            self._passages.put(hit.chunk_id, (hit.text, hit.meta))
        return hits

    def passages_of(self, doc_id: str) -> list[Hit]:
        """Every passage of one document, in reading order (the document viewer)."""
        hits = self._where({"doc_id": doc_id})
        return sorted(hits, key=lambda h: (h.meta.position, h.chunk_id))

    def adjacent(self, hits: Sequence[Hit]) -> list[Hit]:
        """The passages just before and after each of `hits` in its document, in one read by a
        metadata filter: for an index whose manifest does not record each document's reading
        order (the filter costs 8 to 46 ms at 100× the corpus; see `Manifest.neighbours`)."""
        wanted = [
            {
                "$and": [
                    {"doc_id": h.doc_id},
                    {"position": {"$in": [h.meta.position - 1, h.meta.position + 1]}},
                ]
            }
            for h in hits
        ]
        if not wanted:
            return []
        return self._where(wanted[0] if len(wanted) == 1 else {"$or": wanted})

    def _where(self, where: dict[str, Any]) -> list[Hit]:
        """The passages whose metadata match `where`, unscored, in the store's order."""
        batch = self.collection.get(where=cast(Where, where), include=["documents", "metadatas"])
        return self._hits(batch)

    @staticmethod
    def _hits(batch: Any) -> list[Hit]:
        """The passages of a Chroma read, unscored, in its order."""
        return [
            Hit(
                chunk_id=cid,
                text=(batch["documents"] or [""])[i] or "",
                meta=PassageMeta.from_record((batch["metadatas"] or [{}])[i] or {}),
            )
            for i, cid in enumerate(batch["ids"])
        ]

    def article_keys(self, text_key: str | None) -> frozenset[str]:
        """The article keys indexed of one legal text (of all, for None). Listing them reads the
        metadata of every passage of those articles: for all texts at 100× the corpus, 3.7 s,
        and 900 MB in Chroma when read at once (then once per request that named a code
        article: 16 users at once took a worker to 2.3 GB). So an ingest records them in the
        collection's metadata (`record_articles`); for an index built before, each list is read
        once per store (per index generation) by one request while the others wait, a page at
        a time."""
        with self._articles_lock:
            recorded = (self.collection.metadata or {}).get(ARTICLES)
            if recorded is not None and not self._article_keys:
                index: dict[str | None, frozenset[str]] = {
                    str(t): frozenset(keys) for t, keys in json.loads(str(recorded)).items()
                }
                index[None] = frozenset().union(*index.values())
                self._article_keys = index
            if recorded is not None:
                return self._article_keys.get(text_key or None, frozenset())
            if text_key not in self._article_keys:
                where = {"text_key": text_key} if text_key else {"article_key": {"$ne": ""}}
                keys: set[str] = set()
                offset = 0
                while metas := self.collection.get(
                    where=cast(Where, where), include=["metadatas"], limit=PAGE, offset=offset
                )["metadatas"]:
                    keys.update(str(m["article_key"]) for m in metas if m and m.get("article_key"))
                    offset += len(metas)
                self._article_keys[text_key] = frozenset(keys)
            return self._article_keys[text_key]


def _model_of(collection: Collection) -> tuple[str, int]:
    meta = collection.metadata or {}
    return str(meta.get("embedding_model", "?")), int(meta.get("dimension", 0) or 0)
