"""Sources that disagree: two texts giving different values of the same quantity about the
same subject (the public share of a SCIC's capital), so the answer can name both, with their
dates, and say which prevails."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.figures import Quantity, same_quantity, subject_terms
from assistant.french import fold
from assistant.types import SECONDARY_KINDS, UPLOADED, Hit

if TYPE_CHECKING:
    from assistant.scoring import Candidate

# A sentence that reports an old figure as outdated is not a source claiming it (a recent note
# writing "le guide de 2011 indiquait 20 %, chiffre dépassé").
_REPORTS_OUTDATED = re.compile(
    r"\b(depasse|perime|obsolete|ancien(?:ne)?s?|n'est plus|ne sont plus|abroge|historique|"
    r"plus en vigueur|indiquai(?:t|ent))"
)
_POOL = 12
HISTORIC = "historique"


def find_conflict(
    lead: Candidate, ranked: list[Candidate], hits: list[Hit]
) -> tuple[Candidate, Candidate, str] | None:
    """The answer's figure contradicted by another relevant text: (newer, older, the older
    values as printed), or None. Our practice notes are left out: a note paraphrases the texts,
    it never supersedes one, whatever its date. The two must be shares of the same thing (of a
    capital, of votes) and share the subject words besides the figures."""
    floor = lead.score * 0.3
    pool = [
        c
        for c in ranked
        if c.score >= floor
        and ("%" in c.text or "pour cent" in fold(c.text))
        and hits[c.hit_index].meta.kind not in SECONDARY_KINDS
        and not _REPORTS_OUTDATED.search(fold(c.text))
    ][:_POOL]
    for a in pool:
        for b in pool:
            if b.hit_index == a.hit_index:
                continue
            ma, mb = hits[a.hit_index].meta, hits[b.hit_index].meta
            if ma.doc_id == mb.doc_id:
                continue
            pair = same_quantity(a.text, b.text)
            if pair is None or not _same_subject(
                hits[a.hit_index].text, hits[b.hit_index].text, pair[0]
            ):
                continue
            da, db = str(ma.date), str(mb.date)
            if da == db:
                continue
            newer, older, old_q = (a, b, pair[1]) if da > db else (b, a, pair[0])
            if hits[newer.hit_index].meta.status == HISTORIC:
                continue
            return newer, older, _printed(old_q, older.text)
    return None


def _same_subject(a: str, b: str, quantity: Quantity) -> bool:
    """Whether the two passages speak of the same thing besides the figure (a SCIC, the public
    bodies that hold its capital): several of their rarer words in common."""
    shared = subject_terms(a, quantity) & subject_terms(b, quantity)
    return len(shared) >= 4


def _printed(quantity: Quantity, text: str) -> str:
    """ "20 %" (of what, the sentence quoted beside says)."""
    return f"{quantity.value} %"


def find_contradicting_upload(
    lead: Candidate, ranked: list[Candidate], hits: list[Hit]
) -> tuple[Candidate, Candidate, str] | None:
    """An uploaded document giving another value of the figure a text of the catalog gives on
    the same subject: (the catalog's sentence, the upload's, the upload's value as printed), or
    None. Whatever its date or title, an upload never prevails over a text of the catalog;
    the answer shows both so that nobody acts on a planted or mistaken figure unawares."""
    floor = lead.score * 0.3
    pool = [c for c in ranked if c.score >= floor and quantities_in(c.text)][:_POOL]
    # Against every text of the catalog, our practice notes included (they cite their articles).
    official = [c for c in pool if hits[c.hit_index].meta.kind != UPLOADED]
    uploads = [c for c in pool if hits[c.hit_index].meta.kind == UPLOADED]
    for o in official:
        for u in uploads:
            pair = same_quantity(o.text, u.text)
            if pair and _same_subject(hits[o.hit_index].text, hits[u.hit_index].text, pair[0]):
                return o, u, _printed(pair[1], u.text)
    return None


def quantities_in(text: str) -> bool:
    return "%" in text or "pour cent" in fold(text)
