"""Document metadata from a folder's `catalog.toml`, or guessed from the file when absent."""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.types import DocumentMeta

log = logging.getLogger(__name__)

CATALOG_FILE = "catalog.toml"


@dataclass
class Catalog:
    """Entries of one folder's catalog, keyed by file name."""

    folder: Path
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    found: bool = False

    def meta_for(self, path: Path, guessed_title: str = "") -> DocumentMeta:
        entry = self.entries.get(path.name)
        if entry is None:
            return DocumentMeta(
                doc_id=slug(path.stem),
                title=guessed_title or path.stem.replace("-", " ").replace("_", " "),
                path=str(path),
            )
        return DocumentMeta(
            doc_id=entry.get("id") or slug(path.stem),
            title=entry.get("title") or guessed_title or path.stem,
            kind=entry.get("kind", "document"),
            date=str(entry.get("date", "")),
            status=entry.get("status", "en vigueur"),
            source=entry.get("source", ""),
            short=entry.get("short", ""),
            path=str(path),
            legiarti=entry.get("legiarti", ""),
            url=entry.get("url", ""),
            valid_from=entry.get("valid_from", ""),
            valid_to=entry.get("valid_to", ""),
        )


def load_catalog(folder: Path) -> Catalog:
    """Read `folder/catalog.toml`; a missing or broken catalog is logged, never fatal."""
    file = folder / CATALOG_FILE
    if not file.is_file():
        return Catalog(folder=folder)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        log.warning("catalog %s unreadable: %s", file, exc)
        return Catalog(folder=folder)
    entries = {
        str(doc["file"]): {k: str(v) for k, v in doc.items()}
        for doc in data.get("document", [])
        if isinstance(doc, dict) and doc.get("file")
    }
    return Catalog(folder=folder, entries=entries, found=True)


def slug(name: str) -> str:
    """A stable ascii id from a file name: "Guide ESS 2011.pdf" -> "guide-ess-2011". A name
    in another script than Latin ("Устав", "規約") keeps what it has in Latin letters and a
    short hash of the whole, so that two such names never share an id."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if any(
        c.isalnum() and not c.isascii() and "LATIN" not in unicodedata.name(c, "") for c in name
    ):
        digest = hashlib.sha256(unicodedata.normalize("NFC", name).encode()).hexdigest()[:8]
        return f"{base or 'document'}-{digest}"
    return base or "document"
