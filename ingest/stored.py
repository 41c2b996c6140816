"""What the index holds when an ingest starts: each document's passages, the file it was read
from and its articles by legal text; from the manifest when it can be trusted, else from Chroma.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.config import Settings
from assistant.manifest import Manifest
from assistant.store import ChunkStore

log = logging.getLogger(__name__)

RUNNING_FILE = ".ingest-running"  # present while an ingest writes to Chroma


def stored_documents(
    settings: Settings, store: ChunkStore, manifest: Manifest
) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each stored document's passage ids and the file it was read from. Taken from the
    manifest when it tells the whole truth (written with its files by an ingest that finished,
    and Chroma counts as many passages as it lists): listing every Chroma record took 10 s of
    the 21 s that adding one document cost at 100× the corpus. Otherwise (an ingest killed half
    way, a manifest from an older version) Chroma is listed, and what it holds beyond the
    manifest is found and deleted by this ingest."""
    docs = manifest.docs
    trusted = (
        docs is not None
        and set(manifest.sources) == set(docs)
        and not (settings.data_dir / RUNNING_FILE).exists()
        and store.count() == len(manifest.ids)
    )
    if trusted and docs is not None:
        return {d: set(ids) for d, ids in docs.items()}, dict(manifest.sources)
    if docs is not None:
        log.info("manifest not trusted as the list of stored passages: listing Chroma")
    existing: dict[str, set[str]] = {}
    paths: dict[str, str] = {}
    for cid, _, stored in store.records(include_text=False):
        doc_id = str(stored.get("doc_id", ""))
        existing.setdefault(doc_id, set()).add(cid)
        paths[doc_id] = str(stored.get("path", ""))
    return existing, paths


def articles_of(metadatas: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Legal text key ("" for none) -> the article keys of these passages."""
    out: dict[str, set[str]] = {}
    for meta in metadatas:
        if meta.get("article_key"):
            out.setdefault(str(meta.get("text_key", "")), set()).add(str(meta["article_key"]))
    return {text: sorted(keys) for text, keys in sorted(out.items())}


def known_articles(
    store: ChunkStore,
    current: dict[str, set[str]],
    read: dict[str, dict[str, list[str]]],
    previous: Manifest,
) -> dict[str, dict[str, list[str]]]:
    """Each current document's article keys: those just read, else the previous manifest's;
    for documents it does not know (a manifest from an older version), one pass over Chroma."""
    out = {d: read[d] if d in read else previous.articles.get(d) for d in current}
    unknown = {d for d, texts in out.items() if texts is None}
    if unknown:
        metas: dict[str, list[dict[str, Any]]] = {}
        for cid, _, meta in store.records(include_text=False):
            doc_id = str(meta.get("doc_id", ""))
            if doc_id in unknown and cid in current[doc_id]:
                metas.setdefault(doc_id, []).append(meta)
        out |= {d: articles_of(metas.get(d, [])) for d in unknown}
    return {d: texts or {} for d, texts in out.items()}


def known_order(
    store: ChunkStore,
    current: dict[str, set[str]],
    read: dict[str, list[str]],
    previous: Manifest,
) -> dict[str, list[str]]:
    """Each current document's passages in reading order: those just read, else the previous
    manifest's; for documents it does not know (a manifest from an older version), one pass
    over Chroma."""
    out: dict[str, list[str]] = {}
    unknown: set[str] = set()
    for doc_id, ids in current.items():
        known = read.get(doc_id) or previous.order.get(doc_id)
        if known is not None and set(known) == ids:
            out[doc_id] = known
        else:
            unknown.add(doc_id)
    if unknown:
        places: dict[str, list[tuple[int, str]]] = {}
        for cid, _, meta in store.records(include_text=False):
            doc_id = str(meta.get("doc_id", ""))
            if doc_id in unknown and cid in current[doc_id]:
                places.setdefault(doc_id, []).append((int(meta.get("position", 0) or 0), cid))
        out |= {d: [cid for _, cid in sorted(places.get(d, []))] for d in unknown}
    return out
