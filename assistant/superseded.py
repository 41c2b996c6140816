"""A superseded text never opens when a current one answers nearly as well: what a current
text says instead (a current list for the steps or criteria a superseded list gives, else the
first current unit scoring nearly as well).
"""

from __future__ import annotations

from assistant.citations import HISTORIC
from assistant.french import terms
from assistant.question import Kind, Question, quotes_in
from assistant.scoring import Candidate, Scorer
from assistant.types import Hit

_CURRENT_SHARE = 0.75
_LIST_SHARE = 0.5
BASIS_OVERLAP = 0.3  # share of the shorter sentence's terms the two have in common


def overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def current_instead(
    scorer: Scorer, part: Question, best: Candidate, usable: list[Candidate], hits: list[Hit]
) -> Candidate | None:
    """What a current text says instead of a superseded `best`, which never opens when a
    current one answers nearly as well: a current list for steps or criteria a superseded
    list gives (the items of a practice note's list need not repeat the subject its heading
    names), else the first current unit scoring nearly as well, giving the figure asked and
    holding the words the question quotes when the superseded text holds them."""
    if best.listed and part.kind in (Kind.STEPS, Kind.CRITERIA):
        listed = current_list(scorer, part, best, usable, hits)
        if listed is not None:
            return listed
    return next(
        (
            c
            for c in usable
            if hits[c.hit_index].meta.status != HISTORIC
            and c.score >= best.score * _CURRENT_SHARE
            and c.own >= best.own - 0.1
            and (not part.wants_figure or scorer.answers_figure(c.text, part))
            and (not quotes_in(best.text, part.quoted) or quotes_in(c.text, part.quoted))
        ),
        None,
    )


def current_list(
    scorer: Scorer, part: Question, best: Candidate, usable: list[Candidate], hits: list[Hit]
) -> Candidate | None:
    """A list from a current text that gives the steps or criteria a superseded text's list
    `best` gives: half its score, as much of the question in its words and heading, and in
    its heading alone, as `best` in its own."""

    def covered(c: Candidate, words: str = "") -> float:
        context = str(hits[c.hit_index].meta.context)
        return scorer.coverage(part, set(terms(f"{context} {words}")))

    floor, heading = covered(best, best.text) - 0.1, covered(best)
    return next(
        (
            c
            for c in usable
            if c.listed
            and hits[c.hit_index].meta.status != HISTORIC
            and c.score >= best.score * _LIST_SHARE
            and covered(c, c.text) >= floor
            and covered(c) >= heading  # its heading names what is asked ("Quelles conditions…")
            # and it lists the same things (not the bodies agréées ESUS de plein droit for
            # those who may use the chèque-emploi associatif)
            and overlap(c.terms, best.terms) >= BASIS_OVERLAP
        ),
        None,
    )
