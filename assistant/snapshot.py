"""What a request reads: one generation of the index, built whole and swapped by reference.

A generation is the Chroma collection as one client sees it, the BM25 index and the manifest
of current passages, checked against each other. An ingest in another process changes the
files under a running service: the service notices it with one cheap check (`Generation`),
one request builds the next snapshot beside the current one (a fresh Chroma client, which
reads the new vectors from disk), and every other request keeps answering from the snapshot
it holds. Nothing is ever assigned into a snapshot in use.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock

from chromadb.api import ClientAPI

from assistant.answer import AnswerBuilder
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import DamagedIndexError, EssError
from assistant.lexical import IDS_FILE, LexicalIndex
from assistant.manifest import MANIFEST_FILE, Manifest
from assistant.question import understand
from assistant.retrieval import QueryCache, Retriever
from assistant.sentence_vectors import SentenceVectors
from assistant.store import ChunkStore, fingerprint, fresh_client, open_client

log = logging.getLogger(__name__)

Stamp = tuple[int, int, int]  # inode, modification time (ns), size: os.replace changes it


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class Generation:
    """What identifies the files a snapshot was built from; any ingest changes it."""

    manifest: Stamp | None
    lexical: Stamp | None
    fingerprint: str = ""  # with a Chroma server: the corpus fingerprint the ingest recorded

    @classmethod
    def of(cls, settings: Settings, fingerprint: str = "") -> Generation:
        return cls(
            _stamp(settings.data_dir / MANIFEST_FILE),
            _stamp(settings.lexical_dir / IDS_FILE),
            fingerprint,
        )


@dataclass(frozen=True)
class Snapshot:
    """Everything one request reads, consistent with itself."""

    generation: Generation
    store: ChunkStore
    manifest: Manifest
    retriever: Retriever
    builder: AnswerBuilder
    problems: tuple[str, ...] = ()  # French, shown by /health: served, but needs an ingest


def build(
    settings: Settings,
    embedder: Embedder,
    client: ClientAPI,
    generation: Generation,
    cache: QueryCache | None = None,
) -> Snapshot:
    """Open the collection, the manifest and BM25, and check that they agree. A BM25 index that
    is missing or misses current passages (an ingest killed after its manifest switch) is
    rebuilt in memory from Chroma, so keyword search never silently loses a document."""
    store = ChunkStore.for_query(
        client, settings.collection, embedder, cache_size=settings.passage_cache
    )
    store.ensure_not_empty()
    manifest = Manifest.load(settings.data_dir)
    if manifest.docs is not None and not manifest.docs:
        raise DamagedIndexError(
            f"le fichier {MANIFEST_FILE} ne liste aucun document alors que l'index contient "
            f"{store.count()} passages"
        )
    problems: list[str] = []
    lexical: LexicalIndex | None
    if settings.chroma_url:
        # A worker that shares the ingest's data folder loads the BM25 index it saved, when it
        # is of the corpus the server holds (19 s of start-up at 100x the corpus, most of it
        # reading every passage over HTTP); any other rebuilds it from the server.
        saved = LexicalIndex.load(settings.lexical_dir)
        if saved is not None and fingerprint(saved.ids) == store.fingerprint():
            lexical = saved
        else:
            lexical = LexicalIndex.from_store(store, manifest.allows)
    else:
        lexical = LexicalIndex.load(settings.lexical_dir)
        reason = ""
        if lexical is None and LexicalIndex.stale(settings.lexical_dir):
            reason = "index lexical fait par une autre version de l'analyse du texte"
        elif lexical is None:
            reason = "index lexical (dossier lexical/) absent"
        elif manifest.docs is not None and not manifest.ids <= set(lexical.ids):
            reason = "index lexical en retard sur le manifeste (ingestion interrompue)"
        if reason:
            log.warning("%s: rebuilding BM25 in memory from Chroma", reason)
            problems.append(f"{reason} : reconstruit en mémoire ; lancez `ess-assistant ingest`")
            lexical = LexicalIndex.from_store(store, manifest.allows)
    retriever = Retriever(store, lexical, settings, manifest=manifest, cache=cache)
    builder = AnswerBuilder(settings, lexical, SentenceVectors(embedder, store))
    warm_up(retriever, builder)
    return Snapshot(generation, store, manifest, retriever, builder, tuple(problems))


WARM_UP = "économie sociale et solidaire collectivités territoriales"


def warm_up(retriever: Retriever, builder: AnswerBuilder) -> None:
    """Answer once before serving: Chroma loads a collection's vectors at its first query and
    the answer path its models at first use, so without this the first users after a start
    or a swap waited 27 s each. A snapshot that cannot answer is never swapped in."""
    asked = understand(WARM_UP)
    builder.build(asked, retriever.for_answer(asked), retriever.query_vectors(asked))


@dataclass
class Generations:
    """The current snapshot and how to replace it: one freshness check per request (two file
    stats; with a Chroma server, its fingerprint at most every `lexical_refresh_s`), one
    builder at a time, the others answering from the snapshot they already have."""

    settings: Settings
    embedder: Embedder
    client: ClientAPI | None = None  # a Chroma server's client, opened once
    _current: Snapshot | None = None
    _lock: Lock = field(default_factory=Lock, repr=False)
    _checked_at: float = 0.0
    _failed: Generation | None = None  # a generation that could not be built: not retried
    failure: str = ""  # why the newest files are not served (French), until one is

    def current(self) -> Snapshot:
        """The snapshot to answer from; an EssError only when there is none at all."""
        snapshot = self._current
        if snapshot is not None and not self._due(snapshot):
            return snapshot
        if snapshot is None:
            with self._lock:  # the first one: every request needs it
                if self._current is None:
                    self._current = self._build(self._generation())
                return self._current
        if not self._lock.acquire(blocking=False):
            return snapshot  # another request is building the next one
        try:
            self._checked_at = time.monotonic()
            generation = self._generation()
            if generation != snapshot.generation and generation != self._failed:
                try:
                    self._current = self._build(generation)
                except (EssError, OSError, ValueError) as exc:
                    self._failed, self.failure = generation, str(exc)
                    log.error("new index generation not served (%s): keeping the previous", exc)
            return self._current or snapshot
        finally:
            self._lock.release()

    def _due(self, snapshot: Snapshot) -> bool:
        if not self.settings.chroma_url:
            return Generation.of(self.settings) != snapshot.generation
        return time.monotonic() - self._checked_at >= self.settings.lexical_refresh_s

    def _generation(self) -> Generation:
        fingerprint = ""
        if self.settings.chroma_url:
            current = self._current
            store = current.store if current else None
            if store is None:
                store = ChunkStore.for_query(
                    self._client(), self.settings.collection, self.embedder
                )
            fingerprint = store.fingerprint()
        return Generation.of(self.settings, fingerprint)

    def _client(self) -> ClientAPI:
        if self.settings.chroma_url:
            if self.client is None:
                self.client = open_client(self.settings)  # a server is always up to date
            return self.client
        # Embedded Chroma keeps vectors in memory per client: another process's ingest is
        # only seen by a client opened after it.
        return fresh_client(self.settings)

    def _build(self, generation: Generation) -> Snapshot:
        started = time.perf_counter()
        previous = self._current
        snapshot = build(
            self.settings,
            self.embedder,
            self._client(),
            generation,
            previous.retriever.cache if previous else None,
        )
        self._failed, self.failure = None, ""
        if previous is not None:
            log.info(
                "index generation swapped in %.1f s (%d passages)",
                time.perf_counter() - started,
                snapshot.store.count(),
            )
        return snapshot
