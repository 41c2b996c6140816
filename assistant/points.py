"""What follows the opening: at most three further points, each about the question in its own
words, none a repeat of what is already quoted, within the answer's word budget."""

from __future__ import annotations

from assistant.citations import HISTORIC
from assistant.compose import Writeup, display, is_meta
from assistant.figures import quantities
from assistant.french import sentences
from assistant.question import quotes_in
from assistant.scoring import Candidate
from assistant.types import Hit

# A further point must score at least this share of the opening, and say something of the
# question in its own words; at most this many, two from one passage.
_FLOOR = 0.5
_OWN_COVERAGE = 0.2
_MAX_POINTS = 3
_PER_PASSAGE = 2
# Further points stop once the answer reaches this many words: an official reads the opening,
# glances at the rest, and opens the sources for more.
_WORD_BUDGET = 120
# Two units giving the same share of the same thing, with this many terms besides in common,
# say the same thing.
_SAME_FIGURE_TERMS = 4
_SAME_FIGURE_SHARE = 0.3
# A further point is quoted as its clause around the question's words.
POINT_WORDS = 40


def further_points(
    ranked_by_part: list[list[Candidate]],
    chosen: list[Candidate],
    hits: list[Hit],
    out: Writeup,
    about: tuple[str, ...] = (),
) -> list[Candidate]:
    """At most three further points, each clearly about the question: above a share of the
    opening's score, saying something of the question in its own words (holding the quoted
    term `about`, when the question asks about one), not a repeat of what is already quoted,
    within the answer's word budget."""
    leads = [c for c in chosen[: len(ranked_by_part)]]
    picked: list[Candidate] = []
    per_hit: dict[int, int] = {}
    for c in chosen:
        per_hit[c.hit_index] = per_hit.get(c.hit_index, 0) + 1
    pool = sorted(
        {id(c): c for ranked in ranked_by_part for c in ranked}.values(),
        key=lambda c: c.support,
        reverse=True,
    )
    floor = max(c.support for c in leads) * _FLOOR
    words = out.words()
    for c in pool:
        if len(picked) >= _MAX_POINTS or c.support < floor or words >= _WORD_BUDGET:
            break
        if c.own < _OWN_COVERAGE or is_meta(c.text) or per_hit.get(c.hit_index, 0) >= _PER_PASSAGE:
            continue
        if c.listed:
            continue  # a list is an answer of its own, not a point beside one
        if about and not quotes_in(c.text, about):
            continue  # "titres associatifs" asked: not a point on associations' mergers
        if hits[c.hit_index].meta.status == HISTORIC and any(
            hits[x.hit_index].meta.status != HISTORIC for x in leads
        ):
            continue  # an old text adds nothing but doubt beside a current one
        if any(same(c, x) for x in [*chosen, *picked]):
            continue
        picked.append(c)
        per_hit[c.hit_index] = per_hit.get(c.hit_index, 0) + 1
        words += len(display(c.text).split())
    return picked


def same(a: Candidate, b: Candidate) -> bool:
    """Whether two units say the same thing (one contains the other, most words match, or both
    give the same share of the same thing with other words in common: a note restating the
    law's "jusqu'à 50 % du capital" in its own words)."""
    if a.text in b.text or b.text in a.text:
        return True
    if not (a.listed or b.listed) and set(sentences(a.text)) & set(sentences(b.text)):
        return True  # "X. Elles prennent…" and "Elles prennent… Y.": one sentence quoted twice
    if not a.terms or not b.terms:
        return False
    shared = a.terms & b.terms
    if len(shared) / len(a.terms | b.terms) > 0.6:
        return True
    if a.listed or b.listed:
        return False  # a list that gives the figure among other things says more
    given = set(quantities(a.text))
    return (
        bool(given)
        and given == set(quantities(b.text))
        and len(shared) >= _SAME_FIGURE_TERMS
        and len(shared) / min(len(a.terms), len(b.terms)) >= _SAME_FIGURE_SHARE
    )
