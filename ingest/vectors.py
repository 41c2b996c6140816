"""Passages and their sentences embedded and written to Chroma a slice at a time, so memory stays
bounded whatever the corpus size; and the time each step of an ingest takes."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from tqdm import tqdm

from assistant.sentences import UNITS_VERSION, answer_units, sentence_id
from assistant.store import ChunkStore
from assistant.types import Chunk

WRITE_SLICE = 256  # passages embedded, then written to Chroma, at a time


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


def _sentence_rows(hits: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(sentence id, passage id, text) of the answer units of each (passage id, text)."""
    return [
        (sentence_id(cid, j), cid, unit)
        for cid, text in hits
        for j, unit in enumerate(answer_units(text))
    ]


def _embed(store: ChunkStore, texts: Sequence[str], batch: int) -> np.ndarray:
    parts = [store.embedder.embed(texts[s : s + batch]) for s in range(0, len(texts), batch)]
    return np.vstack(parts) if parts else np.zeros((0, store.embedder.dimension), np.float32)


def add_passages(
    store: ChunkStore, chunks: Sequence[Chunk], batch: int, progress: bool, timer: Stages
) -> int:
    """Embed and store `chunks` with the vectors of their sentences, a slice at a time, so
    memory stays bounded whatever the corpus size and one progress bar counts passages per
    second (sentences included) and the time left. Returns how many sentences were stored."""
    sentences = 0
    step = max(batch, WRITE_SLICE)
    bar = tqdm(
        total=len(chunks),
        desc="Vectorisation (passages et leurs phrases)",
        unit=" passages",
        disable=not progress,
        smoothing=0.05,
    )
    with bar:
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            rows = _sentence_rows([(c.id, c.text) for c in part])
            with timer("embed_passages"):
                vectors = _embed(store, [c.index_text for c in part], batch)
            with timer("embed_sentences"):
                sentence_vectors = _embed(store, [text for _, _, text in rows], batch)
            with timer("store"):
                store.upsert(part, vectors)
                if rows:
                    store.upsert_sentences(rows, sentence_vectors, UNITS_VERSION)
            sentences += len(rows)
            bar.update(len(part))
    return sentences


def embed_sentences(store: ChunkStore, current: set[str], batch: int, progress: bool) -> int:
    """Embed and store the answer units of every current passage that has none stored yet (an
    index built before sentences were stored, an ingest killed between a passage and its
    sentences, or split by an older version of `answer_units`); returns how many were embedded.
    Answers then fetch these vectors instead of embedding sentences while the user waits."""
    if store.sentences is None:
        return 0
    needed = sorted(current - store.passages_with_sentences(UNITS_VERSION, sorted(current)))
    rows = _sentence_rows(
        [
            (hit.chunk_id, hit.text)
            for start in range(0, len(needed), 500)
            for hit in store.get(needed[start : start + 500])
        ]
    )
    parts = []
    with tqdm(
        total=len(rows), desc="Phrases", unit="phrase", disable=not progress or not rows
    ) as bar:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            parts.append(store.embedder.embed([text for _, _, text in part]))
            bar.update(len(part))
    store.delete_sentences(needed)  # vectors of an older split, if any
    if parts:
        store.upsert_sentences(rows, np.vstack(parts), UNITS_VERSION)
    return len(rows)
