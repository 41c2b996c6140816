"""Passages and their sentences embedded and written to Chroma a slice at a time, so memory stays
bounded whatever the corpus size; and the time each step of an ingest takes."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, cast

import numpy as np
from tqdm import tqdm

from assistant.sentences import UNITS_VERSION, answer_units
from assistant.store import ChunkStore
from assistant.types import Chunk, Hit
from ingest.embed_pool import EmbedPool, Pools

WRITE_SLICE = 256  # passages embedded, then written to Chroma, at a time
T = TypeVar("T")


class Stages:
    """Adds the seconds spent in each named step of an ingest to `into` (the profile the
    scale benchmark reports)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            self.into[name] = round(self.into.get(name, 0.0) + spent, 3)


def embed_chunks(store: ChunkStore, chunks: list[Chunk], batch: int, progress: bool) -> np.ndarray:
    """Vectors for `chunks`, batch by batch, with a progress bar on a terminal."""
    parts = []
    with tqdm(total=len(chunks), desc="Vectorisation", unit="passage", disable=not progress) as bar:
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            parts.append(store.embedder.embed([c.index_text for c in part]))
            bar.update(len(part))
    if not parts:
        return np.zeros((0, store.embedder.dimension), dtype=np.float32)
    return np.vstack(parts)


def _units(passages: Sequence[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(passage id, its answer units) of each (passage id, text)."""
    return [(cid, answer_units(text)) for cid, text in passages]


def _texts(units: Sequence[tuple[str, list[str]]]) -> list[str]:
    return [text for _, texts in units for text in texts]


def _embed(store: ChunkStore, texts: Sequence[str], batch: int) -> np.ndarray:
    parts = [store.embedder.embed(texts[s : s + batch]) for s in range(0, len(texts), batch)]
    return np.vstack(parts) if parts else np.zeros((0, store.embedder.dimension), np.float32)


Job = tuple[Sequence[Chunk | Hit], list[tuple[str, list[str]]]]  # passages, their units


def _vectors(
    store: ChunkStore, jobs: Iterable[Job], passages: bool, batch: int, pool: EmbedPool | None
) -> Iterator[tuple[Job, np.ndarray]]:
    """Each job with the vectors of its passages' index texts (when `passages`) followed by
    those of their units: embedded by `pool` when given, else here, `batch` texts at a time."""

    def texts(job: Job) -> list[str]:
        own = [c.index_text for c in job[0] if isinstance(c, Chunk)] if passages else []
        return own + _texts(job[1])

    if pool is not None:
        yield from pool.map(jobs, texts)
        return
    for job in jobs:
        yield job, _embed(store, texts(job), batch)


def add_passages(
    store: ChunkStore,
    chunks: Sequence[Chunk],
    batch: int,
    progress: bool,
    timer: Stages,
    pools: Pools | None = None,
) -> int:
    """Embed and store `chunks` with the vectors of their sentences, a slice at a time, so
    memory stays bounded whatever the corpus size and one progress bar counts passages per
    second (sentences included) and the time left; with `pool`, other processes embed the next
    slices while this one writes. Returns how many sentences were stored."""
    with_units = store.sentences is not None
    jobs = (
        (part, _units([(c.id, c.text) for c in part]) if with_units else [])
        for part in _slices(chunks)
    )
    sentences = 0
    bar = tqdm(
        total=len(chunks),
        desc="Vectorisation (passages et leurs phrases)",
        unit=" passages",
        disable=not progress,
        smoothing=0.05,
    )
    with bar:
        pool = pools.for_texts(5 * len(chunks)) if pools else None  # ~4 sentences a passage
        vectors = _vectors(store, jobs, True, batch, pool)
        while True:
            with timer("embed"):  # with a pool: waiting for the next slice's vectors
                done = next(vectors, None)
            if done is None:
                break
            (part, units), both = done
            with timer("store"):
                store.upsert(cast(Sequence[Chunk], part), both[: len(part)])
                if store.sentences is not None:
                    store.sentences.put(units, both[len(part) :], UNITS_VERSION)
            sentences += len(both) - len(part)
            bar.update(len(part))
    return sentences


def _slices(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), WRITE_SLICE):
        yield items[start : start + WRITE_SLICE]


def embed_sentences(
    store: ChunkStore,
    current: set[str],
    batch: int,
    progress: bool,
    pools: Pools | None = None,
) -> int:
    """Embed and store the answer units of every current passage that has none stored yet (an
    index built before sentences were stored or by the old layout, an ingest killed between a
    passage and its sentences, or split by an older version of `answer_units`); returns how many
    were embedded. Answers then read these vectors instead of embedding sentences while the user
    waits."""
    if store.sentences is None:
        return 0
    needed = sorted(current - store.sentences.stored(UNITS_VERSION, sorted(current)))
    jobs = (
        (hits, _units([(h.chunk_id, h.text) for h in hits]))
        for hits in (store.get(part) for part in _slices(needed))
    )
    pool = pools.for_texts(4 * len(needed)) if pools else None
    embedded = 0
    with tqdm(
        total=len(needed), desc="Phrases", unit=" passages", disable=not progress or not needed
    ) as bar:
        for (hits, units), vectors in _vectors(store, jobs, False, batch, pool):
            store.sentences.put(units, vectors, UNITS_VERSION)  # replaces an older split
            embedded += len(vectors)
            bar.update(len(hits))
    return embedded
