"""Bring the index in line with the document folders: add, keep, replace, remove; never duplicate.

Chunk ids are content hashes, so an unchanged document costs no embedding, a changed one swaps
its chunks, and a document that disappeared from a scanned folder loses its chunks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import DocumentError
from assistant.french import terms
from assistant.lexical import LexicalIndex
from assistant.manifest import Manifest
from assistant.postings import Postings
from assistant.store import ChunkStore, fingerprint
from assistant.types import UPLOADED, Chunk, DocumentMeta
from ingest.catalog import CATALOG_FILE, Catalog, load_catalog
from ingest.chunk import chunk_document
from ingest.embed_pool import Pools, processes_for
from ingest.read import ReadLimits, read_document
from ingest.signatures import (
    SIGNATURES_FILE,
    Signed,
    load_signatures,
    save_signatures,
    signature,
    unchanged,
)
from ingest.stored import (
    RUNNING_FILE,
    articles_of,
    known_articles,
    known_order,
    stored_documents,
)
from ingest.vectors import Stages, add_passages, embed_sentences


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class IngestSummary:
    """What an ingest did, document by document and chunk by chunk."""

    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chunks_added: int = 0
    chunks_kept: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    sentences_added: int = 0
    read: int = 0  # files read and chunked; an unchanged file is not read again
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds spent in each step

    def lines(self) -> list[str]:
        """The summary in French, as the CLI prints it."""
        out = [
            f"Documents : {len(self.added)} ajoutés, {len(self.kept)} inchangés, "
            f"{len(self.replaced)} remplacés, {len(self.removed)} supprimés, "
            f"{len(self.skipped)} ignorés.",
            f"Passages : {self.chunks_added} ajoutés, {self.chunks_kept} conservés, "
            f"{self.chunks_removed} supprimés ; {self.chunks_total} dans l'index "
            f"({self.read} fichiers lus, {self.seconds:.1f} s).",
        ]
        out += [f"Ignoré : {s.path} : {s.reason}" for s in self.skipped]
        out += [f"Note : {n}" for n in self.notes]
        return out


@dataclass
class _Source:
    path: Path
    catalog: Catalog


def discover(paths: Sequence[Path], summary: IngestSummary) -> list[_Source]:
    """Files to read under `paths` (folders walked without following links), in a stable order."""
    sources: list[_Source] = []
    for root in paths:
        if root.is_file():
            sources.append(_Source(root, load_catalog(root.parent)))
            continue
        if not root.is_dir():
            summary.skipped.append(Skipped(str(root), "dossier ou fichier introuvable"))
            continue
        catalogs: dict[Path, Catalog] = {}
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                # TOML files are settings (catalogs, the Légifrance list), never documents.
                if name.startswith(".") or name == CATALOG_FILE or name.endswith(".toml"):
                    continue
                here = Path(folder)
                if here not in catalogs:
                    catalogs[here] = load_catalog(here)
                    if not catalogs[here].found:
                        summary.notes.append(
                            f"{here} n'a pas de {CATALOG_FILE} : identifiants tirés des noms "
                            "de fichiers, titres tirés des documents"
                        )
                sources.append(_Source(here / name, catalogs[here]))
    return sources


def _within(path: str, roots: Sequence[Path]) -> bool:
    resolved = Path(path).resolve()
    for root in roots:
        r = root.resolve()
        if resolved == r or r in resolved.parents:
            return True
    return False


def ingest(
    settings: Settings,
    store: ChunkStore,
    paths: Sequence[Path] | None = None,
    progress: bool = False,
    embedder_factory: Callable[[], Embedder] | None = None,
) -> IngestSummary:
    """Index the configured folders (or `paths`), then rebuild the lexical index. With
    `embedder_factory` (a picklable way to build the store's model), a large ingest embeds in
    one process per core (`ingest.embed_pool`)."""
    started = time.perf_counter()
    summary = IngestSummary()
    roots = list(paths) if paths else default_roots(settings)
    previous = Manifest.load_for_repair(settings.data_dir)  # a damaged one is rewritten
    scan_started = time.perf_counter()
    existing, doc_paths = stored_documents(settings, store, previous)
    summary.stages["scan_index"] = round(time.perf_counter() - scan_started, 3)

    seen: dict[str, str] = {}
    current: dict[str, set[str]] = {}  # the manifest to write: doc -> its chunk ids now
    articles: dict[str, dict[str, list[str]]] = {}  # doc -> legal text -> its article keys
    order: dict[str, list[str]] = {}  # doc -> its chunk ids in reading order
    to_add: list[Chunk] = []
    to_delete: list[str] = []
    read_started = time.perf_counter()
    known = load_signatures(settings.data_dir)
    signatures: dict[str, Signed] = {}  # written at the end
    limits = ReadLimits.from_settings(settings)
    for source in discover(roots, summary):
        sig = signature(source.path, source.catalog.entries.get(source.path.name), settings)
        before = known.get(str(source.path))
        if before and sig and before.refused and before.signature == sig:
            # Refused last time and unchanged since (bytes, catalog, limits): not read again,
            # so a hostile file costs its work once, not at every ingest.
            summary.skipped.append(Skipped(str(source.path), before.refused))
            seen.setdefault(before.doc_id, str(source.path))
            signatures[str(source.path)] = before
            continue
        doc_id = unchanged(before, sig, existing, previous, seen)
        if doc_id:  # same bytes, catalog entry and settings as when it was indexed: not read
            seen[doc_id] = str(source.path)
            current[doc_id] = existing[doc_id]
            signatures[str(source.path)] = Signed(sig, doc_id)
            summary.kept.append(doc_id)
            summary.chunks_kept += len(existing[doc_id])
            continue
        summary.read += 1
        try:
            read = read_document(source.path, limits)
        except DocumentError as exc:
            summary.skipped.append(Skipped(str(source.path), str(exc)))
            meta = source.catalog.meta_for(source.path)
            seen.setdefault(meta.doc_id, str(source.path))  # keep what was indexed before
            if sig:
                signatures[str(source.path)] = Signed(sig, meta.doc_id, str(exc))
            continue
        meta = source.catalog.meta_for(source.path, read.title)
        if _within(str(source.path), [settings.uploads_dir]):
            meta = uploaded(meta, read.front_matter, source.path)
        if meta.doc_id in seen:
            summary.skipped.append(
                Skipped(
                    str(source.path),
                    f"identifiant « {meta.doc_id} » déjà pris par {seen[meta.doc_id]}",
                )
            )
            continue
        seen[meta.doc_id] = str(source.path)
        if read.total_pages:
            summary.notes.append(
                f"{source.path} : PDF de {read.total_pages} pages, seules les "
                f"{settings.max_pdf_pages} premières sont indexées (réglage ESS_MAX_PDF_PAGES)"
            )
        chunks = chunk_document(meta, read.pages, settings.chunk_size, settings.chunk_overlap)
        if not chunks:
            summary.skipped.append(Skipped(str(source.path), "aucun passage exploitable"))
            continue
        new_ids = {c.id for c in chunks}
        current[meta.doc_id] = new_ids
        articles[meta.doc_id] = articles_of(c.metadata() for c in chunks)
        order[meta.doc_id] = [c.id for c in sorted(chunks, key=lambda c: c.position)]
        if sig:
            signatures[str(source.path)] = Signed(sig, meta.doc_id)
        old_ids = existing.get(meta.doc_id, set())
        fresh = [c for c in chunks if c.id not in old_ids]
        stale = sorted(old_ids - new_ids)
        to_add += fresh
        to_delete += stale
        summary.chunks_added += len(fresh)
        summary.chunks_kept += len(new_ids & old_ids)
        summary.chunks_removed += len(stale)
        if not old_ids:
            summary.added.append(meta.doc_id)
        elif fresh or stale:
            summary.replaced.append(meta.doc_id)
        else:
            summary.kept.append(meta.doc_id)

    read_s = time.perf_counter() - read_started
    for doc_id, ids in existing.items():
        if doc_id not in seen and _within(doc_paths.get(doc_id, ""), roots):
            summary.removed.append(doc_id)
            summary.chunks_removed += len(ids)
            to_delete += sorted(ids)

    for doc_id, ids in existing.items():
        if doc_id not in current and doc_id not in summary.removed:  # unread now: kept as it was
            current[doc_id] = set((previous.docs or {}).get(doc_id, ids))

    # New versions first, then the manifest that makes them current, then the old versions go:
    # killed at any point, the index serves one whole version of each document.
    timer = Stages(summary.stages)
    batch = settings.embedding_batch
    # Killed from here on, the next ingest reads every file again: no signature vouches for a
    # document whose new version may be half stored.
    (settings.data_dir / SIGNATURES_FILE).unlink(missing_ok=True)
    # Until the deletions are done, Chroma may hold passages the manifest does not list: the
    # next ingest then lists Chroma itself (see `stored_documents`).
    running = settings.data_dir / RUNNING_FILE
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # with a Chroma server, may be new
    running.touch()
    with Pools(embedder_factory, processes_for(settings.ingest_processes)) as pools:
        summary.sentences_added = add_passages(store, to_add, batch, progress, timer, pools)
        with timer("sentences_check"):
            current_ids = set().union(*current.values()) - {c.id for c in to_add}
            summary.sentences_added += embed_sentences(store, current_ids, batch, progress, pools)
    sources = {doc_id: seen.get(doc_id) or doc_paths.get(doc_id, "") for doc_id in current}
    articles = known_articles(store, current, articles, previous)
    order = known_order(store, current, order, previous)
    Manifest(current, sources=sources, articles=articles, order=order).save(settings.data_dir)
    save_signatures(settings.data_dir, signatures)
    with timer("delete"):
        store.delete(to_delete)
    running.unlink()
    with timer("lexical"):
        gone = set(to_delete)
        stored_now = {cid for ids in existing.values() for cid in ids if cid not in gone}
        stored_now |= {c.id for c in to_add}
        rebuild_lexical(settings, store, lexical_order(settings, stored_now, to_add), to_add)
    union: dict[str, set[str]] = {}
    for texts in articles.values():
        for text, keys in texts.items():
            union.setdefault(text, set()).update(keys)
    store.record_articles(union)
    summary.chunks_total = store.count()
    summary.seconds = time.perf_counter() - started
    summary.stages["read_chunk"] = round(read_s, 3)
    return summary


def lexical_order(settings: Settings, ids: set[str], added: Sequence[Chunk]) -> list[str]:
    """`ids` in the order of the saved BM25 index, then the `added` passages in their order:
    an unchanged corpus matches the saved index exactly, and nothing is rebuilt."""
    saved = LexicalIndex.saved_ids(settings.lexical_dir) or []
    order = [cid for cid in saved if cid in ids]
    order += [c.id for c in added if c.id in ids]
    return list(dict.fromkeys(order + sorted(ids - set(order))))


def uploaded(meta: DocumentMeta, front: dict[str, str], path: Path) -> DocumentMeta:
    """An uploaded document as what it is: labelled as an upload whatever its title says (a
    "Loi n° …" title cannot pass for the law), with when it was sent and the date and status
    its front matter gives (none: undated, "déposé")."""
    sent = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    return replace(
        meta,
        kind=UPLOADED,
        title=f"Document déposé : {meta.title}",
        short=f"document déposé « {meta.title[:60]} »",
        date=front.get("date", ""),
        status=front.get("status") or front.get("statut") or "déposé",
        source=f"déposé par l'administration du service le {sent}",
    )


def default_roots(settings: Settings) -> list[Path]:
    """The configured folders, plus the uploads and Légifrance folders once they hold something."""
    roots = list(settings.corpus_dirs)
    roots += [d for d in (settings.uploads_dir, settings.legifrance_dir) if d.is_dir()]
    return roots


def rebuild_lexical(
    settings: Settings,
    store: ChunkStore,
    ids: Sequence[str] | None = None,
    added: Sequence[Chunk] = (),
) -> LexicalIndex | None:
    """The BM25 index over every stored passage, saved in the data folder, and the corpus
    fingerprint that tells serving workers (on any machine, with a Chroma server) to rebuild
    theirs.

    `ids` (every stored passage, in Chroma's order) and `added` (this ingest's new passages)
    let it skip the work a large corpus makes slow: nothing is rebuilt when the passages are
    those of the saved index, and only passages whose terms were not saved are analysed (read
    from Chroma when they are not among `added`). Without `ids`, everything is read from Chroma.
    Returns None when the saved index was kept as it is."""
    if ids is None:
        index = LexicalIndex.from_store(store)
        index.save(settings.lexical_dir)
        store.record_fingerprint(fingerprint(index.ids))
        return index
    # With a Chroma server too: the workers that share this data folder load it instead of
    # rebuilding it from the server (see snapshot.build). The fingerprint is recorded once the
    # file is saved, so that a worker never sees the new corpus before its index.
    if LexicalIndex.saved_ids(settings.lexical_dir) == list(ids):
        store.record_fingerprint(fingerprint(ids))
        return None
    saved = LexicalIndex.saved_postings(settings.lexical_dir)
    have = set(saved.ids) if saved is not None else set()
    analysed = {c.id: terms(c.index_text) for c in added if c.id not in have}
    missing = [cid for cid in ids if cid not in have and cid not in analysed]
    for start in range(0, len(missing), 500):
        for hit in store.get(missing[start : start + 500]):
            analysed[hit.chunk_id] = terms(f"{hit.meta.context}\n{hit.text}")
    kept = [cid for cid in ids if cid in have]
    postings = saved.select(kept) if saved is not None else Postings.from_terms([])
    postings = postings.extended((cid, analysed[cid]) for cid in ids if cid in analysed)
    order = [cid for cid in ids if cid in have or cid in analysed]
    if postings.ids != order:
        postings = postings.select(order)
    index = LexicalIndex.from_postings(postings)
    index.save(settings.lexical_dir)
    store.record_fingerprint(fingerprint(ids))
    return index
