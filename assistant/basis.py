"""The sentence of the law a practice note's (or a guide's) opening rests on, quoted after it:
officials want the plain words and the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.articles import named_articles
from assistant.citations import HISTORIC, LEGAL_KINDS
from assistant.compose import is_meta
from assistant.scoring import Candidate
from assistant.superseded import BASIS_OVERLAP, overlap
from assistant.types import Hit

if TYPE_CHECKING:
    from assistant.openings import Opening


def basis(opening: Opening, ranked: list[Candidate], hits: list[Hit]) -> Candidate | None:
    """When a practice note or a guide opens, the sentence of the law it rests on: the
    article the note names when it is among the passages, else the best sentence of a
    current legal text that says the same thing."""
    lead = opening.lead
    meta = hits[lead.hit_index].meta
    if meta.kind in LEGAL_KINDS:
        return None
    legal = [
        c
        for c in ranked
        if hits[c.hit_index].meta.kind in LEGAL_KINDS
        and hits[c.hit_index].meta.status != HISTORIC
        and not is_meta(c.text)
        and len(c.text) < 900
    ]
    if not legal:
        return None

    def fit(c: Candidate) -> float:
        return overlap(c.terms, lead.terms) + c.score / (lead.score or 1.0)

    named = _named_in(lead.text)
    cited = [c for c in legal if str(hits[c.hit_index].meta.article_key) in named]
    if cited:
        return max(cited, key=fit)
    shared = [
        c
        for c in legal
        if overlap(c.terms, lead.terms) >= BASIS_OVERLAP
        and c.score >= lead.score * 0.4
        and c.own >= lead.own * 0.5
    ]
    return max(shared, key=fit, default=None)


def _named_in(text: str) -> set[str]:
    return {ref.number for ref in named_articles(text)}
