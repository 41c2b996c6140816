"""BM25 over French-stemmed, accent-folded terms, built at ingest time beside Chroma.

It is always rebuilt from the passages stored in Chroma, so the two indexes cannot disagree.
With a Chroma server (`ESS_CHROMA_URL`) a worker loads the index the ingest saved in its data
folder when that index is of the corpus the server holds (same fingerprint), and otherwise
rebuilds it in memory from the server, at start-up and whenever the corpus fingerprint changes:
no file to copy between machines.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import bm25s
import numpy as np

from assistant.french import ANALYSER, terms
from assistant.postings import K1, B, Postings
from assistant.store import ChunkStore

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG

IDS_FILE = "ids.json"
STATS_FILE = "stats.json"
# Each passage's analysed terms (`Postings`), read by the next ingest only (never by workers):
# adding one document then analyses that document, not the whole corpus again.
TERMS_FILE = "terms.npz"
# The analysis the saved terms were made with (french.ANALYSER); without it, or with another,
# the saved index is not used: its terms would not meet the questions' terms.
ANALYSER_FILE = "analyser.txt"


class LexicalIndex:
    def __init__(self, model: bm25s.BM25, ids: list[str], df: dict[str, int]) -> None:
        self.model = model
        self.ids = ids
        self.df = df
        self.n = len(ids)
        self.postings: Postings | None = None  # what it was built from, kept for the next ingest

    @classmethod
    def build(cls, records: Iterable[tuple[str, str]]) -> LexicalIndex:
        """Index (id, text) pairs; `text` should carry the heading path as well as the passage."""
        return cls.from_terms((cid, terms(text)) for cid, text in records)

    @classmethod
    def from_terms(cls, records: Iterable[tuple[str, list[str]]]) -> LexicalIndex:
        """Index (id, analysed terms) pairs, as `build` does once the texts are analysed."""
        return cls.from_postings(Postings.from_terms(records))

    @classmethod
    def from_postings(cls, postings: Postings) -> LexicalIndex:
        """The index over `postings`, its BM25 matrix computed with numpy (`postings.py`) and
        handed to bm25s, which searches and saves it."""
        model = bm25s.BM25(k1=K1, b=B)
        df: dict[str, int] = {}
        if postings.ids:
            data, indices, indptr, used = postings.bm25()
            df = {t: int(n) for t, n in zip(postings.vocab, used.tolist(), strict=True) if n}
            model.scores = {
                "data": data,
                "indices": indices,
                "indptr": indptr,
                "num_docs": len(postings.ids),
            }
            model.vocab_dict = {term: i for i, term in enumerate(postings.vocab)}
            model.unique_token_ids_set = set(model.vocab_dict.values())
            model.nonoccurrence_array = None
        index = cls(model, list(postings.ids), df)
        index.postings = postings
        return index

    @classmethod
    def from_store(
        cls, store: ChunkStore, keep: Callable[[str], bool] | None = None
    ) -> LexicalIndex:
        """The index over every stored passage (or those `keep` allows), with its heading path."""
        return cls.build(
            (cid, f"{meta.get('context', '')}\n{text}")
            for cid, text, meta in store.records()
            if keep is None or keep(cid)
        )

    def save(self, folder: Path) -> None:
        """Write to a sibling folder, then swap it in, so readers never see half an index; the
        postings (each passage's terms) are kept for the next ingest (`saved_postings`)."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.model.save(str(tmp), show_progress=False)
        (tmp / IDS_FILE).write_text(json.dumps(self.ids), encoding="utf-8")
        if self.postings is not None:
            self.postings.save(tmp, TERMS_FILE)
        (tmp / STATS_FILE).write_text(json.dumps(self.df, ensure_ascii=False), encoding="utf-8")
        (tmp / ANALYSER_FILE).write_text(ANALYSER, encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def stale(folder: Path) -> bool:
        """Whether `folder` holds an index made by another analysis of the text (an older
        version's word lists): to be built again, not read."""
        if not (folder / IDS_FILE).is_file():
            return False
        try:
            return (folder / ANALYSER_FILE).read_text(encoding="utf-8").strip() != ANALYSER
        except OSError:
            return True

    @staticmethod
    def saved_ids(folder: Path) -> list[str] | None:
        """The passage ids of the index saved in `folder`, in order; None when there is none
        (or it is stale)."""
        if LexicalIndex.stale(folder):
            return None
        try:
            return list(json.loads((folder / IDS_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    @staticmethod
    def saved_postings(folder: Path) -> Postings | None:
        """Each passage's analysed terms as the last ingest saved them (None when absent or
        stale)."""
        if LexicalIndex.stale(folder):
            return None
        return Postings.load(folder / TERMS_FILE)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        if not (folder / IDS_FILE).is_file() or LexicalIndex.stale(folder):
            return None
        ids = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
        df = json.loads((folder / STATS_FILE).read_text(encoding="utf-8"))
        model = bm25s.BM25.load(str(folder), show_progress=False) if ids else bm25s.BM25()
        return cls(model, ids, df)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; a term the corpus never uses weighs the most."""
        return math.log(1.0 + (self.n + 1) / (self.df.get(term, 0) + 0.5))

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Top `n` (chunk id, BM25 score) with a positive score."""
        tokens = [t for t in terms(query) if t in self.df]
        if not tokens or not self.ids:
            return []
        scores = np.asarray(self.model.get_scores(tokens))
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def together(self, wanted: list[str]) -> bool:
        """Whether one passage holds all of `wanted` (analysed terms): "fonds européen de
        développement régional" is known when a passage says it, not when its four words are
        scattered over the corpus."""
        if not wanted or not self.ids:
            return False
        scores, vocab = self.model.scores, self.model.vocab_dict
        found: set[int] | None = None
        for term in set(wanted):
            column = vocab.get(term)
            if column is None or column + 1 >= len(scores["indptr"]):
                return False
            start, end = scores["indptr"][column], scores["indptr"][column + 1]
            docs = set(scores["indices"][start:end].tolist())
            found = docs if found is None else found & docs
            if not found:
                return False
        return bool(found)
