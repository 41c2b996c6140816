"""Bring the index in line with the document folders: add, keep, replace, remove; never duplicate.

Chunk ids are content hashes, so an unchanged document costs no embedding, a changed one swaps
its chunks, and a document that disappeared from a scanned folder loses its chunks.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.config import Settings
from assistant.errors import DocumentError
from assistant.lexical import LexicalIndex
from assistant.manifest import Manifest
from assistant.sentence_vectors import sentence_id
from assistant.store import ChunkStore, fingerprint
from assistant.types import Chunk
from assistant.units import UNITS_VERSION, answer_units
from ingest.catalog import CATALOG_FILE, Catalog, load_catalog
from ingest.chunk import chunk_document
from ingest.read import read_document

log = logging.getLogger(__name__)


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
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The summary in French, as the CLI prints it."""
        out = [
            f"Documents : {len(self.added)} ajoutés, {len(self.kept)} inchangés, "
            f"{len(self.replaced)} remplacés, {len(self.removed)} supprimés, "
            f"{len(self.skipped)} ignorés.",
            f"Passages : {self.chunks_added} ajoutés, {self.chunks_kept} conservés, "
            f"{self.chunks_removed} supprimés ; {self.chunks_total} dans l'index "
            f"({self.seconds:.1f} s).",
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


def embed_sentences(store: ChunkStore, current: set[str], batch: int, progress: bool) -> int:
    """Embed and store the answer units of every current passage that has none stored yet (new
    passages, an index built before sentences were stored, or split by an older version of
    `answer_units`); returns how many were embedded.
    Answers then fetch these vectors instead of embedding sentences while the user waits."""
    if store.sentences is None:
        return 0
    needed = sorted(current - store.passages_with_sentences(UNITS_VERSION))
    rows = [
        (sentence_id(hit.chunk_id, j), hit.chunk_id, unit)
        for start in range(0, len(needed), 500)
        for hit in store.get(needed[start : start + 500])
        for j, unit in enumerate(answer_units(hit.text))
    ]
    parts = []
    with tqdm(total=len(rows), desc="Phrases", unit="phrase", disable=not progress) as bar:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            parts.append(store.embedder.embed([text for _, _, text in part]))
            bar.update(len(part))
    store.delete_sentences(needed)  # vectors of an older split, if any
    if parts:
        store.upsert_sentences(rows, np.vstack(parts), UNITS_VERSION)
    return len(rows)


def ingest(
    settings: Settings,
    store: ChunkStore,
    paths: Sequence[Path] | None = None,
    progress: bool = False,
) -> IngestSummary:
    """Index the configured folders (or `paths`), then rebuild the lexical index."""
    started = time.perf_counter()
    summary = IngestSummary()
    roots = list(paths) if paths else default_roots(settings)
    previous = Manifest.load_for_repair(settings.data_dir)  # a damaged one is rewritten
    existing: dict[str, set[str]] = {}
    doc_paths: dict[str, str] = {}
    for cid, _, stored in store.records(include_text=False):
        doc_id = str(stored.get("doc_id", ""))
        existing.setdefault(doc_id, set()).add(cid)
        doc_paths[doc_id] = str(stored.get("path", ""))

    seen: dict[str, str] = {}
    current: dict[str, set[str]] = {}  # the manifest to write: doc -> its chunk ids now
    to_add: list[Chunk] = []
    to_delete: list[str] = []
    for source in discover(roots, summary):
        try:
            read = read_document(source.path, settings.max_text_bytes, settings.max_pdf_pages)
        except DocumentError as exc:
            summary.skipped.append(Skipped(str(source.path), str(exc)))
            meta = source.catalog.meta_for(source.path)
            seen.setdefault(meta.doc_id, str(source.path))  # keep what was indexed before
            continue
        meta = source.catalog.meta_for(source.path, read.title)
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
    vectors = embed_chunks(store, to_add, settings.embedding_batch, progress)
    store.upsert(to_add, vectors)
    embed_sentences(store, set().union(*current.values()), settings.embedding_batch, progress)
    Manifest(current).save(settings.data_dir)
    store.delete(to_delete)
    store.delete_sentences(to_delete)
    rebuild_lexical(settings, store)
    summary.chunks_total = store.count()
    summary.seconds = time.perf_counter() - started
    return summary


def default_roots(settings: Settings) -> list[Path]:
    """The configured folders, plus the uploads and Légifrance folders once they hold something."""
    roots = list(settings.corpus_dirs)
    roots += [d for d in (settings.uploads_dir, settings.legifrance_dir) if d.is_dir()]
    return roots


def rebuild_lexical(settings: Settings, store: ChunkStore) -> LexicalIndex:
    """The BM25 index over every stored passage, and the corpus fingerprint that tells serving
    workers (on any machine, with a Chroma server) to rebuild theirs."""
    index = LexicalIndex.from_store(store)
    if not settings.chroma_url:  # a server's workers rebuild from the server, not this file
        index.save(settings.lexical_dir)
    store.record_fingerprint(fingerprint(index.ids))
    return index
