"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates, fused by a weighted sum of
min-max normalised scores, with a cap of passages per document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.articles import ASKS_VALIDITY, ArticleRef, around, repeals
from assistant.citations import HISTORIC
from assistant.config import Settings
from assistant.definitions import defining_passage
from assistant.lexical import LexicalIndex
from assistant.lru import LRU
from assistant.manifest import Manifest
from assistant.question import Kind, Question, quotes_in, understand
from assistant.sentences import gives_steps
from assistant.store import ChunkStore
from assistant.types import SECONDARY_KINDS, Hit

# Added to the fused score (0..1) of a passage that defines the term a question asks about.
_DEFINING_BONUS = 0.6
# Added to a passage that lists steps (numbered lines, or a heading that says "étapes") when
# the question asks how to do something.
_STEPS_BONUS = 0.3
# Passages of the articles a question names, at most (whole articles, closest texts first).
_NAMED_PASSAGES = 15
# Added to a passage that holds, word for word, what the question quotes.
_QUOTED_BONUS = 0.25
_READ_BATCH = 16
# A passage's neighbour in its section scores this share of the passage that brought it.
_CONTINUATION = 0.9  # passages read from Chroma at once while filling the top k


@dataclass
class Scored:
    """A candidate before its passage is read: id, fused score, cosine and BM25 scores."""

    chunk_id: str
    score: float
    dense: float
    lexical: float


def _scored_hit(hit: Hit, row: Scored) -> Hit:
    hit.score, hit.dense, hit.lexical = row.score, row.dense, row.lexical
    return hit


def _closest_articles(found: list[Hit], cap: int) -> list[Hit]:
    """The whole article of the documents closest to the question, texts in force first, then
    the closest, until `cap` passages (at least one document's): "article 15" named without its
    text is in many texts of a large corpus, and an answer cites a few, not each of their
    sentences (so the texts it lists as holding that article are those kept)."""
    if len(found) <= cap:
        return found
    by_doc: dict[str, list[Hit]] = {}
    for hit in found:
        by_doc.setdefault(hit.doc_id, []).append(hit)
    kept: set[str] = set()

    def rank(group: list[Hit]) -> tuple[bool, float]:
        return (group[0].meta.status != HISTORIC, max(h.dense for h in group))

    for passages in sorted(by_doc.values(), key=rank, reverse=True):
        if kept and len(kept) + len(passages) > cap:
            break
        kept.update(h.chunk_id for h in passages)
    return [h for h in found if h.chunk_id in kept]


def _minmax(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    span = hi - lo
    return {k: (v - lo) / span if span > 1e-9 else 1.0 for k, v in values.items()}


class QueryCache(LRU[str, np.ndarray]):
    """Query vectors by text: repeated questions skip the embedder."""

    def __init__(self, size: int = 1024) -> None:
        super().__init__(size)


class Retriever:
    def __init__(
        self,
        store: ChunkStore,
        lexical: LexicalIndex | None,
        settings: Settings,
        manifest: Manifest | None = None,
        cache: QueryCache | None = None,
    ) -> None:
        self.store = store
        self.lexical = lexical
        self.settings = settings
        self.cache = cache or QueryCache()  # query vectors outlive an index generation
        # Only the current version of each document is served (see manifest.py).
        self.manifest = manifest if manifest is not None else Manifest.load(settings.data_dir)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self.cache.get(text)
        if vector is None:
            vector = self.store.embedder.embed([text])[0]
            self.cache.put(text, vector)
        return vector

    def query_vector(self, question: Question | str) -> np.ndarray:
        """The question's vector as retrieval uses it, acronyms spelt out; the answer scores
        sentences against it too, so a question costs one embedding per part (~10 ms here)."""
        q = understand(question) if isinstance(question, str) else question
        return self.embed_query(q.search_text)

    def query_vectors(self, question: Question) -> dict[str, np.ndarray]:
        """The vector of each part of the question (of the question when it has one part)."""
        return {p.search_text: self.query_vector(p) for p in (*question.parts, question)}

    def fused(self, question: Question | str) -> tuple[list[Scored], dict[str, Hit]]:
        """Every dense or lexical candidate's id and fused score, best first, and the passages
        already read (all of them for a definition question, whose bonus needs their text)."""
        q = understand(question) if isinstance(question, str) else question
        n = self.settings.candidates
        vector = self.query_vector(q)
        dense = {cid: s for cid, s in self.store.nearest(vector, n) if self.manifest.allows(cid)}
        lexical = self.lexical.search(q.keywords or q.search_text, n) if self.lexical else []
        subject = q.subject
        alone = [subject.text] if subject is not None else []
        alone += [phrase for phrase in q.quoted if phrase not in alone]
        if alone and self.lexical is not None:
            # The asked or quoted term alone: its article may share no other word with the
            # question.
            known = dict(lexical)
            for text in alone:
                for cid, score in self.lexical.search(understand(text).search_text, n):
                    known.setdefault(cid, score)
            lexical = list(known.items())
        lex_raw = {cid: s for cid, s in lexical if self.manifest.allows(cid)}
        dense |= self.store.similarities([cid for cid in lex_raw if cid not in dense], vector)
        read: dict[str, Hit] = {}
        steps = q.kind is Kind.STEPS or any(p.kind is Kind.STEPS for p in q.parts)
        if subject is not None or steps or q.quoted:
            read = {h.chunk_id: h for h in self.store.get(list(dense))}
        dense_n, lex_n = _minmax(dense), _minmax(lex_raw)
        w = self.settings.dense_weight
        rows = []
        for cid, similarity in dense.items():
            score = w * dense_n.get(cid, 0.0) + (1 - w) * lex_n.get(cid, 0.0)
            if subject is not None and cid in read and defining_passage(read[cid].text, subject):
                score += _DEFINING_BONUS
            # A quoted title ("la fiche « co-construction et transversalité »") names its
            # document: its passages count as holding the quote.
            held = f"{read[cid].meta.title} {read[cid].text}" if cid in read else ""
            if q.quoted and held and quotes_in(held, q.quoted):
                score += _QUOTED_BONUS
            if steps and cid in read:
                context = str(read[cid].meta.context)
                score += _STEPS_BONUS * gives_steps(read[cid].text, context)
            rows.append(Scored(cid, score, similarity, lex_raw.get(cid, 0.0)))
        return sorted(rows, key=lambda r: r.score, reverse=True), read

    def candidates(self, question: Question | str) -> list[Hit]:
        """Every dense or lexical candidate, scored and sorted, before the per-document cap."""
        rows, read = self.fused(question)
        read |= {
            h.chunk_id: h
            for h in self.store.get([r.chunk_id for r in rows if r.chunk_id not in read])
        }
        return [_scored_hit(read[r.chunk_id], r) for r in rows if r.chunk_id in read]

    def search(self, question: Question | str, k: int | None = None) -> list[Hit]:
        """The passages found for a question: those of an article the question names, first;
        then, for each part of the question, its top `k` passages (see `ranked`)."""
        return self._search(question, k, continued=False)

    def for_answer(self, question: Question | str, k: int | None = None) -> list[Hit]:
        """The passages an answer is built from: `search`'s, then the continuation of each of
        the top `k` in its section (see `continuations`)."""
        return self._search(question, k, continued=True)

    def _search(self, question: Question | str, k: int | None, continued: bool) -> list[Hit]:
        q = understand(question) if isinstance(question, str) else question
        out: list[Hit] = self.named_articles(q)
        seen = {h.chunk_id for h in out}
        if out and ASKS_VALIDITY.search(q.folded):
            for hit in self.repeal_notices(out, seen):
                seen.add(hit.chunk_id)
                out.append(hit)
        for part in q.parts or (q,):
            for hit in self.ranked(part, k):
                if hit.chunk_id not in seen:
                    seen.add(hit.chunk_id)
                    out.append(hit)
        if continued:
            out.extend(self.continuations(out[: k or self.settings.top_k], seen))
        if q.asking and out:
            # A long setting ("Je suis maire d'une commune de 400 habitants, on a…") dilutes the
            # question's vector: how close a passage is also counts against the asking sentence.
            close = self.store.similarities([h.chunk_id for h in out], self.embed_query(q.asking))
            for hit in out:
                hit.dense = max(hit.dense, close.get(hit.chunk_id, 0.0))
        return out

    def continuations(self, hits: list[Hit], seen: set[str]) -> list[Hit]:
        """The passage just before or after a retrieved one in the same section, when the
        section was cut in several passages: a list announced in one passage ("Déroulé
        indicatif d'environ trois heures :") goes on in the next, and the sentence that answers
        may be on either side of the cut. Ranked just below the passage that brought it."""
        by_place = {(h.doc_id, h.meta.position): h for h in hits}
        out: list[Hit] = []
        ids = self.manifest.neighbours([h.chunk_id for h in hits])
        around = self.store.get(ids) if ids is not None else self.store.adjacent(hits)
        for near in around:
            if near.chunk_id in seen or not self.manifest.allows(near.chunk_id):
                continue
            source = by_place.get((near.doc_id, near.meta.position - 1)) or by_place.get(
                (near.doc_id, near.meta.position + 1)
            )
            if source is None or str(source.meta.context) != str(near.meta.context):
                continue
            seen.add(near.chunk_id)
            near.score, near.dense = source.score * _CONTINUATION, 0.0
            out.append(near)
        return out

    def named_articles(self, question: Question) -> list[Hit]:
        """Every passage of each article the question names ("l'article 13 de la loi ESS"),
        from the text it names when it names one."""
        out: list[Hit] = []
        for ref in question.articles:
            found = self.article(ref) or self.neighbours(ref)
            if not found:
                continue
            vector = self.query_vector(question)
            similarity = self.store.similarities([h.chunk_id for h in found], vector)
            for hit in found:
                hit.score, hit.dense = 1.0, similarity.get(hit.chunk_id, 0.0)
            out.extend(_closest_articles(found, _NAMED_PASSAGES))
        return out

    def repeal_notices(self, named: list[Hit], seen: set[str]) -> list[Hit]:
        """For a named article of a superseded text ("l'article 14 du CMP, on peut encore s'en
        servir ?"), the current passage that says when that text was repealed and what replaced
        it, wherever it is (a note's opening warning shares few words with the question)."""
        out: list[Hit] = []
        for key in dict.fromkeys(str(h.meta.text_key) for h in named if h.meta.status == HISTORIC):
            if not key or self.lexical is None:
                continue
            found = self.lexical.search(f"{key} abrogé remplacé", self.settings.candidates)
            ids = [cid for cid, _ in found if cid not in seen and self.manifest.allows(cid)]
            for hit in self.store.get(ids[:_READ_BATCH]):
                if hit.meta.status != HISTORIC and repeals(hit.text, key):
                    hit.score, hit.dense = 1.0, 0.0
                    out.append(hit)
                    break
        return out

    def article(self, ref: ArticleRef) -> list[Hit]:
        """The current passages of one named article, in reading order."""
        return [
            h
            for h in self.store.article(ref.number, ref.text)
            if self.manifest.allows(h.chunk_id)
            and (ref.text is None or h.meta.text_key == ref.text)
        ]

    def neighbours(self, ref: ArticleRef) -> list[Hit]:
        """For an article its text lacks, the opening passage of the articles just before and
        after it there (article 14 missing: 13 and 15), offered "à consulter"; for a code
        article named without its code ("L. 2113-14"), around it in any code."""
        if ref.text is None and not ref.is_code_article:
            return []
        present = self.store.article_keys(ref.text)
        out: list[Hit] = []
        for number in around(ref.number, sorted(present)):
            passages = self.article(ArticleRef(number=number, text=ref.text, typed=""))
            out.extend(passages[:1])
        return out

    def ranked(self, question: Question | str, k: int | None = None) -> list[Hit]:
        """The top `k` passages of the texts themselves, at most `max_per_doc` from any one
        document, plus at most `max_notes` passages of our own practice notes ranked among
        them: the notes, written to be found, sit beside the texts they paraphrase and never
        take their place. Passages are read from Chroma a few at a time, in rank order, until
        enough are kept."""
        k = k or self.settings.top_k
        rows, read = self.fused(question)
        per_doc: dict[str, int] = {}
        notes = primary = 0
        out: list[Hit] = []
        for i, row in enumerate(rows):
            if row.chunk_id not in read:
                batch = [r.chunk_id for r in rows[i : i + _READ_BATCH] if r.chunk_id not in read]
                read |= {h.chunk_id: h for h in self.store.get(batch)}
            if row.chunk_id not in read:
                continue  # deleted by an ingest since the search
            hit = _scored_hit(read[row.chunk_id], row)
            is_note = hit.meta.kind in SECONDARY_KINDS
            # Notes are written to be found: three of one note at most (its introduction, which
            # names every question it answers, may rank above the section that answers), so
            # that another note (or the section of ours that answers) is not crowded out.
            cap = min(3, self.settings.max_per_doc) if is_note else self.settings.max_per_doc
            if per_doc.get(hit.doc_id, 0) >= cap:
                continue
            if is_note and notes >= self.settings.max_notes:
                continue
            notes += is_note
            primary += not is_note
            per_doc[hit.doc_id] = per_doc.get(hit.doc_id, 0) + 1
            out.append(hit)
            if primary >= k:
                break
        return out
