"""Which passages make up the current version of each document, written atomically.

An ingest adds a document's new passages before deleting its old ones, so that a crash never
loses a document. A crash between the two would leave both versions in Chroma; the manifest,
replaced in one `os.replace` after the additions and before the deletions, says which version
is current. Retrieval serves only the passages it lists, and the next ingest deletes the rest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Set
from pathlib import Path

from assistant.errors import DamagedIndexError

MANIFEST_FILE = "manifest.json"


class Manifest:
    """Chunk ids per document; `None` (an index built before manifests) allows everything."""

    def __init__(
        self,
        docs: Mapping[str, Set[str]] | None,
        stamp: float = 0.0,
        sources: Mapping[str, str] | None = None,
        articles: Mapping[str, Mapping[str, list[str]]] | None = None,
    ) -> None:
        self.docs = {d: frozenset(ids) for d, ids in docs.items()} if docs is not None else None
        self._ids = frozenset().union(*self.docs.values()) if self.docs else frozenset()
        self.stamp = stamp
        # The file each document was read from, written by ingests since the manifest became
        # the list of stored passages they start from (`ingest.index.stored_documents`).
        self.sources = dict(sources or {})
        # Each document's article keys by legal text, so that an ingest that reads only the
        # changed files still knows every text's articles (`ChunkStore.record_articles`).
        self.articles = {d: dict(a) for d, a in (articles or {}).items()}

    @classmethod
    def load(cls, data_dir: Path) -> Manifest:
        """The manifest on disk; DamagedIndexError when it cannot be read whole (truncated,
        edited by hand), never a guess at what it meant."""
        path = data_dir / MANIFEST_FILE
        try:
            stamp = path.stat().st_mtime
            raw = json.loads(path.read_text(encoding="utf-8"))
            docs = raw["documents"]
            parsed = {str(d): {str(i) for i in ids} for d, ids in docs.items()}
            if not all(isinstance(ids, list) for ids in docs.values()):
                raise TypeError("a document's passages are not a list")
            sources = {str(d): str(k) for d, k in raw.get("sources", {}).items()}
            articles = {
                str(d): {str(t): [str(k) for k in keys] for t, keys in texts.items()}
                for d, texts in raw.get("articles", {}).items()
            }
        except FileNotFoundError:
            return cls(None)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise DamagedIndexError(f"le fichier {MANIFEST_FILE} est illisible ({exc})") from exc
        return cls(parsed, stamp, sources, articles)

    @classmethod
    def load_for_repair(cls, data_dir: Path) -> Manifest:
        """The manifest an ingest starts from: a damaged one counts as absent (rewritten)."""
        try:
            return cls.load(data_dir)
        except DamagedIndexError:
            return cls(None)

    @property
    def ids(self) -> frozenset[str]:
        """Every current passage id (empty when there is no manifest)."""
        return self._ids

    def save(self, data_dir: Path) -> None:
        """Write beside the target, flush to disk, then swap: readers see old or new, whole."""
        assert self.docs is not None
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / MANIFEST_FILE
        tmp = path.with_name(f".{MANIFEST_FILE}.{os.getpid()}.tmp")
        body = {
            "documents": {d: sorted(ids) for d, ids in sorted(self.docs.items())},
            "sources": dict(sorted(self.sources.items())),
            "articles": dict(sorted(self.articles.items())),
        }
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(body, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    @staticmethod
    def changed(data_dir: Path, stamp: float) -> bool:
        """Whether another process (an ingest) replaced the manifest since `stamp`."""
        try:
            return (data_dir / MANIFEST_FILE).stat().st_mtime != stamp
        except FileNotFoundError:
            return stamp != 0.0

    def allows(self, chunk_id: str) -> bool:
        return self.docs is None or chunk_id in self._ids
