"""Vectors of the sentences an answer may quote, so that each candidate is scored by meaning as
well as by the question's words.

Ingest embeds every sentence of every passage once and stores the vectors with the passage's id
(`sentence_store.py`), so a question fetches those of its few passages in one call instead of
embedding ~50 sentences (~150 ms on 2 cores). Whatever is missing (an index
built before sentences were stored, a sentence split differently by a newer version) is
embedded on the fly. Both land in a bounded LRU shared by the worker's requests.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import TYPE_CHECKING

import numpy as np

from assistant.embedding import Embedder

if TYPE_CHECKING:
    from assistant.store import ChunkStore


class SentenceVectors:
    def __init__(
        self, embedder: Embedder, store: ChunkStore | None = None, size: int = 50_000
    ) -> None:
        self.embedder = embedder
        self.store = store
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def similarities(
        self, question: str, units: list[tuple[str, str]], query: np.ndarray | None = None
    ) -> np.ndarray:
        """Cosine similarity of each (sentence id, text) to the question (or to `query`, the
        question's vector when the caller has it already)."""
        texts = [t for _, t in units]
        with self._lock:
            missing = {sid: t for sid, t in units if t not in self._data}
        found: dict[str, np.ndarray] = {}
        if missing and self.store is not None and self.store.sentences is not None:
            stored = self.store.sentences.vectors(list(missing.items()))
            found = {t: v for sid, t in missing.items() if (v := stored.get(sid)) is not None}
        to_embed = list(dict.fromkeys(t for t in missing.values() if t not in found))
        if query is None:
            with self._lock:
                query = self._data.get(question)
            if query is None:
                to_embed.append(question)
        if to_embed:
            found.update(zip(to_embed, self.embedder.embed(to_embed), strict=True))
            query = found[question] if query is None else query
        with self._lock:
            self._data.update(found)
            for text in texts:
                self._data.move_to_end(text)
            vectors = np.stack([self._data[t] for t in texts]) if texts else None
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        if vectors is None:
            return np.zeros(0, dtype=np.float32)
        return vectors @ query
