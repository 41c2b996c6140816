"""Each passage's analysed terms as three arrays (vocabulary, token ids, offsets), and the BM25
matrix computed from them with numpy.

bm25s builds its matrix with Python loops over every passage and every term, and the terms the
last ingest saved were read back as 67,000 lists of strings: at 100× the corpus, adding one
document spent 6.4 s in the lexical index. Here the saved terms stay arrays; a new version of
the corpus keeps the rows of the passages it keeps, appends the new ones, and computes the
same Lucene BM25 scores as bm25s (the same float64 operations in the same order, stored as
float32), in a few vectorised passes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1, B = 1.2, 0.75


@dataclass
class Postings:
    """Passage ids, and for passage i its term ids tokens[offsets[i]:offsets[i + 1]]."""

    ids: list[str]
    vocab: list[str]
    tokens: np.ndarray  # int32
    offsets: np.ndarray  # int64, len(ids) + 1

    @classmethod
    def from_terms(cls, records: Iterable[tuple[str, Sequence[str]]]) -> Postings:
        out = cls([], [], np.zeros(0, np.int32), np.zeros(1, np.int64))
        return out.extended(records)

    def extended(self, records: Iterable[tuple[str, Sequence[str]]]) -> Postings:
        """These postings followed by `records` (id, analysed terms); a passage without terms
        gets the empty term, as bm25s requires."""
        index = {term: i for i, term in enumerate(self.vocab)}
        vocab = list(self.vocab)
        ids, parts, lengths = list(self.ids), [self.tokens], []
        for cid, analysed in records:
            row = []
            for term in analysed or [""]:
                if term not in index:
                    index[term] = len(vocab)
                    vocab.append(term)
                row.append(index[term])
            ids.append(cid)
            parts.append(np.asarray(row, dtype=np.int32))
            lengths.append(len(row))
        ends = self.offsets[-1] + np.cumsum(np.asarray(lengths, dtype=np.int64))
        return Postings(ids, vocab, np.concatenate(parts), np.concatenate([self.offsets, ends]))

    def select(self, ids: Sequence[str]) -> Postings:
        """The rows of `ids` (each one held here), in that order."""
        row = {cid: i for i, cid in enumerate(self.ids)}
        rows = np.fromiter((row[cid] for cid in ids), dtype=np.int64, count=len(ids))
        starts, ends = self.offsets[rows], self.offsets[rows + 1]
        lengths = ends - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        # positions of every kept token: its row's start, plus its rank within the row
        gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return Postings(list(ids), self.vocab, self.tokens[gather], offsets)

    def terms_of(self, i: int) -> list[str]:
        return [self.vocab[t] for t in self.tokens[self.offsets[i] : self.offsets[i + 1]]]

    def bm25(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The (passage × term) score matrix in CSC form (data, indices, indptr), as bm25s's
        `index` computes it with method "lucene", k1 = 1.2, b = 0.75; and each term's number
        of passages."""
        n_docs, n_vocab = len(self.ids), len(self.vocab)
        lengths = np.diff(self.offsets)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        # sorted keys: column by column, passages in order within each, as CSC wants them
        pairs, tf = np.unique(self.tokens.astype(np.int64) * n_docs + doc, return_counts=True)
        cols, rows = pairs // n_docs, pairs % n_docs
        df = np.bincount(cols, minlength=n_vocab)
        # bm25s takes the idf in Python floats (math.log), stored as float32
        idf = np.asarray(
            [math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df.tolist()],
            dtype=np.float32,
        )
        norm = K1 * ((1 - B) + B * lengths.astype(np.float64) / lengths.mean())
        tf64 = tf.astype(np.float32).astype(np.float64)
        scores = (idf[cols].astype(np.float64) * (tf64 / (norm[rows] + tf64))).astype(np.float32)
        indptr = np.concatenate([[0], np.cumsum(df)])
        return scores, rows.astype(np.int32), indptr.astype(np.int32), df

    def save(self, folder: Path, name: str) -> None:
        np.savez(
            folder / name,
            ids=np.asarray(self.ids, dtype=str),
            vocab=np.asarray(self.vocab, dtype=str),
            tokens=self.tokens,
            offsets=self.offsets,
        )

    @classmethod
    def load(cls, path: Path) -> Postings | None:
        try:
            with np.load(path, allow_pickle=False) as saved:
                return cls(
                    [str(x) for x in saved["ids"]],
                    [str(x) for x in saved["vocab"]],
                    saved["tokens"].astype(np.int32),
                    saved["offsets"].astype(np.int64),
                )
        except (OSError, ValueError, KeyError):
            return None
