"""Which passages make up the current version of each document, written atomically.

An ingest adds a document's new passages before deleting its old ones, so that a crash never
loses a document. A crash between the two would leave both versions in Chroma; the manifest,
replaced in one `os.replace` after the additions and before the deletions, says which version
is current. Retrieval serves only the passages it lists, and the next ingest deletes the rest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence, Set
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
        order: Mapping[str, Sequence[str]] | None = None,
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
        # Each document's passages in reading order, written by ingests since the neighbours
        # of a passage are looked up here: a Chroma metadata filter on (document, position)
        # cost 46 ms of CPU per answer at 100× the corpus, a read by ids 2 ms.
        self.order = {d: list(ids) for d, ids in (order or {}).items()}
        self._places: dict[str, tuple[str, int]] | None = None

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
            order = {str(d): [str(i) for i in ids] for d, ids in raw.get("order", {}).items()}
        except FileNotFoundError:
            return cls(None)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise DamagedIndexError(f"le fichier {MANIFEST_FILE} est illisible ({exc})") from exc
        return cls(parsed, stamp, sources, articles, order)

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
            "order": dict(sorted(self.order.items())),
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

    def neighbours(self, chunk_ids: Sequence[str]) -> list[str] | None:
        """The passages just before and after each of `chunk_ids` in its document's current
        version, each once; None when the order of one of their documents is not recorded (a manifest
        written before, or none) or one of them is not current."""
        if self._places is None:
            self._places = {
                cid: (doc, i) for doc, ids in self.order.items() for i, cid in enumerate(ids)
            }
        out: list[str] = []
        for cid in chunk_ids:
            place = self._places.get(cid)
            if place is None:
                return None
            ids = self.order[place[0]]
            out += [ids[i] for i in (place[1] - 1, place[1] + 1) if 0 <= i < len(ids)]
        return list(dict.fromkeys(out))  # two passages may share a neighbour
