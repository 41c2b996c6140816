"""Each file's signature when last indexed (its bytes, its catalog entry, the chunking settings
and reading limits): an ingest reads and chunks only the files whose signature changed (at 100×
the corpus, reading and chunking every file again cost more than adding one document), and a
file refused last time is not read again until it changes."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import astuple
from pathlib import Path
from typing import NamedTuple

from assistant.config import Settings
from assistant.manifest import Manifest
from ingest.chunk import CHUNK_VERSION
from ingest.read import READ_VERSION, ReadLimits

SIGNATURES_FILE = "sources.json"
MAX_SIGNED_BYTES = 200_000_000


def signature(path: Path, entry: object, settings: Settings) -> str:
    """What a file's passages depend on: its bytes, its catalog `entry`, the chunking settings
    and version, the reader's version, the reading limits. "" (never skipped) for what is not a regular file of a sensible size."""
    try:
        info = path.stat()
    except OSError:
        return ""
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SIGNED_BYTES:
        return ""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    limits = ReadLimits.from_settings(settings)
    facts = [entry, settings.chunk_size, settings.chunk_overlap, *astuple(limits)]
    digest.update(json.dumps([*facts, CHUNK_VERSION, READ_VERSION], sort_keys=True).encode())
    return digest.hexdigest()


class Signed(NamedTuple):
    """A file as the last ingest left it: its signature, its doc id, and why it was refused
    ("" when it was indexed)."""

    signature: str
    doc_id: str
    refused: str = ""


def unchanged(
    known: Signed | None,
    sig: str,
    existing: dict[str, set[str]],
    previous: Manifest,
    seen: dict[str, str],
) -> str:
    """The doc id of a file indexed with this very signature whose stored passages are exactly
    its current version ("" when it must be read: new, changed, or left half replaced)."""
    if not sig or known is None or known.signature != sig or known.refused:
        return ""
    doc_id = known.doc_id
    ids = existing.get(doc_id)
    if (
        not ids
        or doc_id in seen
        or (previous.docs is not None and previous.docs.get(doc_id) != ids)
    ):
        return ""
    return doc_id


def load_signatures(data_dir: Path) -> dict[str, Signed]:
    try:
        raw = json.loads((data_dir / SIGNATURES_FILE).read_text(encoding="utf-8"))
        return {str(path): Signed(*(str(x) for x in v[:3])) for path, v in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # unreadable: every file is read again, nothing is lost


def save_signatures(data_dir: Path, signatures: dict[str, Signed]) -> None:
    """Beside the manifest, replaced whole."""
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{SIGNATURES_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(signatures, sort_keys=True), encoding="utf-8")
    os.replace(tmp, data_dir / SIGNATURES_FILE)
