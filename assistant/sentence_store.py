"""The vectors of each passage's answer units, stored under the passage's id: one record per
passage in a sibling Chroma collection, its sentences' vectors one float16 blob in the metadata.

Sentences are only ever read by their passage's id, never searched. Stored as one HNSW record
each (the layout before, `<collection>-sentences`), their 234,000 vectors at 100× the corpus
made Chroma's writes 587 s of a 616 s cold ingest and sat in every worker's memory. Here the
sibling's own vector is a one-dimension placeholder, so its graph costs nothing, and the blob
(base64: Chroma metadata hold str, int, float, bool) works alike in an embedded Chroma and with
a Chroma server. Each sentence's text hash travels with its vector: a sentence split otherwise
by a newer version of the code finds no vector and is embedded on the fly.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Where

log = logging.getLogger(__name__)

PAGE = 2000  # records per Chroma write or delete


def blobs_name(collection: str) -> str:
    """The collection that holds the sentence vectors of the passages of `collection`."""
    return f"{collection}-sentence-vectors"


def legacy_name(collection: str) -> str:
    """One record per sentence: the layout before, removed by the next ingest."""
    return f"{collection}-sentences"


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def encode(vectors: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vectors, dtype="<f2").tobytes()).decode("ascii")


def decode(blob: str, dimension: int) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(blob), dtype="<f2")
    return raw.reshape(-1, dimension).astype(np.float32)


def _position(sentence_id: str) -> tuple[str, int]:
    """(passage id, position) of a sentence id (`assistant.sentences.sentence_id`)."""
    chunk_id, _, position = sentence_id.rpartition(":")
    return chunk_id, int(position)


class SentenceStore:
    """Each passage's sentence vectors, read and written by passage id."""

    def __init__(self, collection: Collection, dimension: int) -> None:
        self.collection = collection
        self.dimension = dimension

    @classmethod
    def for_ingest(cls, client: ClientAPI, name: str, meta: dict[str, Any]) -> SentenceStore:
        """Open or create the sibling of collection `name`; one left by the old layout is
        deleted: its sentences are embedded again by this ingest."""
        existing = {c.name for c in client.list_collections()}
        if legacy_name(name) in existing:
            log.warning(
                "collection %s (one record per sentence, the old layout) deleted: the "
                "sentences of every passage are embedded again by this ingest",
                legacy_name(name),
            )
            client.delete_collection(legacy_name(name))
        collection = client.get_or_create_collection(
            blobs_name(name), embedding_function=None, metadata=meta
        )
        return cls(collection, int(meta["dimension"]))

    @classmethod
    def for_query(
        cls, client: ClientAPI, name: str, model: tuple[str, int]
    ) -> SentenceStore | None:
        """The sibling of `name` when it was built by this model; else None (sentences are
        embedded while answering)."""
        if blobs_name(name) not in {c.name for c in client.list_collections()}:
            return None
        collection = client.get_collection(blobs_name(name), embedding_function=None)
        meta = collection.metadata or {}
        if (str(meta.get("embedding_model")), int(meta.get("dimension", 0) or 0)) != model:
            return None
        return cls(collection, model[1])

    def put(
        self, passages: Sequence[tuple[str, Sequence[str]]], vectors: np.ndarray, version: int
    ) -> None:
        """Store each (passage id, its units) with its units' vectors, `vectors` holding those
        of every passage one after the other; `version` is the splitter's (UNITS_VERSION)."""
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        row = 0
        for cid, units in passages:
            part = vectors[row : row + len(units)]
            row += len(units)
            ids.append(cid)
            metas.append(
                {
                    "units": version,
                    "hashes": ",".join(text_hash(u) for u in units),
                    "vectors": encode(part) if len(units) else "",
                }
            )
        for start in range(0, len(ids), PAGE):
            end = start + PAGE
            self.collection.upsert(
                ids=ids[start:end],
                # Chroma needs a vector per record; nothing searches this one.
                embeddings=np.ones((len(ids[start:end]), 1), dtype=np.float32),
                metadatas=metas[start:end],  # type: ignore[arg-type]
            )

    def stored(self, version: int, among: Sequence[str] | None = None) -> set[str]:
        """Ids of the passages whose sentence vectors are stored, split by `version` (among
        `among` when given); ids only, the blobs are not read. One Chroma call over every
        record: filtering by ids and metadata at once took 16 s for 6,600 passages, and paging
        by offset grows with the square of the index (8 s at 67,000 passages)."""
        found = self.collection.get(where=cast(Where, {"units": version}), include=[])["ids"]
        return set(found) if among is None else set(found) & set(among)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        for start in range(0, len(chunk_ids), PAGE):
            self.collection.delete(ids=list(chunk_ids[start : start + PAGE]))

    def vectors(self, units: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
        """The stored vector of each (sentence id, text) whose passage has one for that very
        text at that position, by sentence id, in one read of the passages concerned."""
        wanted: dict[str, list[tuple[str, int, str]]] = {}
        for sid, text in units:
            chunk_id, position = _position(sid)
            wanted.setdefault(chunk_id, []).append((sid, position, text))
        if not wanted:
            return {}
        batch = self.collection.get(ids=list(wanted), include=["metadatas"])
        out: dict[str, np.ndarray] = {}
        for cid, meta in zip(batch["ids"], batch["metadatas"] or [], strict=False):
            hashes = str((meta or {}).get("hashes", "")).split(",")
            blob = str((meta or {}).get("vectors", ""))
            if not blob:
                continue
            stored = decode(blob, self.dimension)
            for sid, position, text in wanted.get(cid, []):
                if position < len(stored) and hashes[position] == text_hash(text):
                    out[sid] = stored[position]
        return out
