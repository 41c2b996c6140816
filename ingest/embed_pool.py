"""Embedding at ingest on every core: processes, each with its own model, embed slices of texts
while the ingest's own process writes the previous slices to Chroma.

The model's forward pass runs in numpy with one BLAS thread (more threads only wait for each
other on such small matrices), so one process uses one core: a cold ingest of 100× the corpus
spends most of its time there. Processes are started (spawn: the ingest's Chroma threads are
never forked) only for an ingest with enough to embed to repay the seconds each takes to load
the model.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

import numpy as np

from assistant.embedding import Embedder

T = TypeVar("T")
MIN_TEXTS = 4000  # fewer texts to embed (passages and sentences) are embedded in-process

_embedder: Embedder | None = None  # in each worker process


def _start(factory: Callable[[], Embedder]) -> None:
    global _embedder
    _embedder = factory()


def _embed(texts: Sequence[str]) -> np.ndarray:
    assert _embedder is not None
    return _embedder.embed(texts)


def processes_for(setting: int) -> int:
    """The processes an ingest may use: the setting, 0 meaning one per core."""
    return setting or os.cpu_count() or 1


class EmbedPool:
    """Worker processes that embed lists of texts, results in submission order."""

    def __init__(self, factory: Callable[[], Embedder], processes: int) -> None:
        self.processes = processes
        self._pool = ProcessPoolExecutor(
            processes, mp_context=get_context("spawn"), initializer=_start, initargs=(factory,)
        )

    def map(
        self, items: Iterable[T], texts: Callable[[T], Sequence[str]]
    ) -> Iterator[tuple[T, np.ndarray]]:
        """Each item with the vectors of its `texts`, in order; at most two items per process
        are queued ahead, so memory stays bounded whatever the number of items."""
        pending: deque[tuple[T, Future[np.ndarray]]] = deque()
        for item in items:
            pending.append((item, self._pool.submit(_embed, list(texts(item)))))
            if len(pending) >= 2 * self.processes:
                first, future = pending.popleft()
                yield first, future.result()
        while pending:
            first, future = pending.popleft()
            yield first, future.result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


class Pools:
    """The pool of one ingest, started at its first large job; none without a `factory` (the
    model cannot be rebuilt in another process) or with one process."""

    def __init__(self, factory: Callable[[], Embedder] | None = None, processes: int = 1) -> None:
        self.factory = factory
        self.processes = processes
        self._pool: EmbedPool | None = None

    def for_texts(self, count: int) -> EmbedPool | None:
        """The pool for a job of `count` texts, or None: embed them in this process."""
        if self.factory is None or self.processes < 2 or count < MIN_TEXTS:
            return None
        if self._pool is None:
            self._pool = EmbedPool(self.factory, self.processes)
        return self._pool

    def __enter__(self) -> Pools:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:
            self._pool.close()
