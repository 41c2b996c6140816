"""Extractive answers an official can act on: an opening that answers what was asked (the
verdict, the figure, the steps, the definition; one opening per part of a two-part question),
the article it rests on, then at most three short points; a refusal when the documents do not
answer.

The question comes analysed (`question.Question`); the passages come from retrieval. Sentences
are scored in `scoring.py`, the opening is chosen by the kind of question in `openings.py`, the
checks that may turn it into a refusal are made here, and what is printed is assembled in
`compose.py` and `points.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from assistant import verdict as verdicts
from assistant.basis import basis as find_basis
from assistant.by_article import (
    by_reference,
    citing_absent,
    current_rule,
    outdated_asked,
    without_article,
)
from assistant.compose import Writeup, excerpt_around
from assistant.config import Settings
from assistant.conflicts import find_conflict, find_contradicting_upload
from assistant.figures import DELEGATED, figure_in, quantities
from assistant.followup import ABOUT
from assistant.french import fold
from assistant.lexical import LexicalIndex
from assistant.openings import Opening, Openings
from assistant.own_verdict import own_answer_fits
from assistant.points import POINT_WORDS, further_points, same
from assistant.question import Kind, Question, quotes_in
from assistant.refusals import (
    ASKS_DECREE,
    INJECTION_REFUSAL,
    is_injection,
    missing_figure,
    refers_to_decree,
    refusal,
    said_absent,
    says_absent,
)
from assistant.scoring import Candidate, Scorer
from assistant.sentence_vectors import SentenceVectors
from assistant.thresholds import settles, stated
from assistant.types import Answer, Hit

# A sentence of the law quoted as the basis of a note's answer: its clause around the point.
_BASIS_WORDS = 45


class AnswerBuilder:
    def __init__(
        self,
        settings: Settings,
        lexical: LexicalIndex | None,
        vectors: SentenceVectors | None = None,
    ) -> None:
        self.settings = settings
        self.scorer = Scorer(settings, lexical, vectors)
        self.openings = Openings(self.scorer)

    @property
    def lexical(self) -> LexicalIndex | None:
        return self.scorer.lexical

    @lexical.setter
    def lexical(self, value: LexicalIndex | None) -> None:
        self.scorer.lexical = value

    # -- the answer -------------------------------------------------------------------------
    def build(
        self,
        question: Question,
        hits: list[Hit],
        queries: Mapping[str, np.ndarray] | None = None,
    ) -> Answer:
        """The answer to `question` from `hits`; `queries` maps each part's text to its vector
        when retrieval computed it (else it is embedded here)."""
        if is_injection(question.text):
            return Answer(answer=INJECTION_REFUSAL, refused=True, citations=[], warnings=[])
        if not hits:
            return refusal(hits)
        if question.articles:
            if outdated := outdated_asked(question, hits):
                return current_rule(question, hits, outdated, queries, self.build, self.scorer)
            if citing := citing_absent(question, hits):
                return without_article(question, hits, citing, queries, self.build, self.scorer)
            return by_reference(question, hits, queries or {}, self.scorer)
        evidence = self.scorer.evidence(question, hits)
        # The term a definition question quotes, word for word in a passage, is in the
        # documents whatever the question's other words ("une grosse asso nous parle de
        # « titres associatifs »"); a quote of everyday words in another question is not.
        asked = question.quoted_subject
        holds_quote = asked is not None and any(quotes_in(h.text, (asked,)) for h in hits)
        if evidence.strength < self.settings.refusal_threshold and not holds_quote:
            return refusal(hits)
        unknown = self.scorer.unknown_names(question)
        queries = queries or {}
        parts = list(question.parts) or [question]
        ranked_by_part = [
            self.scorer.candidates(part, hits, queries.get(part.search_text)) for part in parts
        ]
        openings: list[Opening] = []
        for part, ranked in zip(parts, ranked_by_part, strict=True):
            # A sentence already quoted for an earlier part is not printed again for this one.
            quoted = [x for o in openings for x in (o.lead, *o.more)]
            ranked = [c for c in ranked if not any(same(c, x) for x in quoted)]
            opening = self.openings.opening(part, ranked, hits)
            if opening is None:
                # The figure the question asks first is not in the documents: say so, rather
                # than answer only what it asks after ("Combien touche un volontaire par mois,
                # et quelle part verse l'organisme ?" answered with some other share).
                if part.wants_figure and part is parts[0]:
                    return missing_figure(
                        ranked, hits, part, self.scorer, self.settings.answer_sentences * 2
                    )
                continue
            openings.append(opening)
        if not openings:
            return refusal(hits)
        first = openings[0]
        if not self.openings.on_subject(question, first, hits):
            # The best-scored unit may be a near miss beside one squarely about the subject: the
            # first of the next few that is (half the question's terms, or a close paraphrase).
            instead = self.openings.on_subject_instead(question, first, ranked_by_part[0], hits)
            if instead is None:
                return refusal(hits)
            openings[0] = first = instead
        if unknown and not self.openings.on_subject(question, first, hits, strict=True):
            # A name the documents never mention (a person, an organisation), and an opening
            # that does not answer squarely: the question is about what the documents lack.
            names = ", ".join(f"« {n} »" for n in unknown)
            return refusal(hits, f"Les documents indexés ne mentionnent pas {names}.")
        if (
            says_absent(first.lead)
            and (
                len(openings) == 1
                or (
                    first.part is parts[0]
                    # no later question answered squarely: the message asks what our sources lack
                    and not any(
                        self.openings.on_subject(o.part, o, hits, strict=True) for o in openings[1:]
                    )
                )
            )
        ):
            return said_absent(first.lead, hits)
        if ASKS_DECREE.search(fold(question.asking or question.text)) and DELEGATED.search(
            fold(first.lead.text)
        ):
            # Asked what a decree says, the documents only say that a decree will say it (the
            # sentence that asks names the decree: not "…plus que le montant du décret. Elle
            # doit déposer ses comptes ?").
            return refers_to_decree(first.lead, hits)
        merged = sorted(
            (c for ranked in ranked_by_part for c in ranked), key=lambda c: c.score, reverse=True
        )
        conflict = find_conflict(first.lead, merged, hits)
        if conflict is not None:
            newer, older, _ = conflict
            about = _about_quantity(question, newer.text)
            quoted = [first.lead, *first.more]
            if not about and newer not in quoted and older not in quoted:
                conflict = None  # two figures the answer does not give: no note about them
            elif about and newer is not first.lead:
                # The question is about the contested figure: the current text's value opens,
                # and the note below says which older text differs.
                first.more = [
                    c for c in [first.lead, *first.more] if c is not older and not same(c, newer)
                ][:2]
                first.lead, first.verdict = newer, _verdict_of(first.part, newer, older)
            if conflict is not None and superseded_figure_asked(question, *conflict):
                # "Un guide dit 20 %. C'est toujours vrai ?": the older text's figure, asked
                # whether it still holds, against a newer text's other figure.
                first.verdict = verdicts.NO
        planted = find_contradicting_upload(first.lead, merged, hits)
        if planted is not None:
            if first.lead is planted[1]:  # the official text opens, never an upload
                first.lead, first.verdict = planted[0], None
            first.more = [c for c in first.more if c is not planted[1] and c is not first.lead]
        for opening in openings:
            basis = find_basis(opening, ranked_by_part[parts.index(opening.part)], hits)
            # The law already quoted whole in the opening is not quoted again as its basis.
            if basis is not None and not any(same(basis, c) for c in opening.more):
                opening.basis = basis
        return self.write(question, openings, ranked_by_part, hits, conflict, planted)

    # -- writing ----------------------------------------------------------------------------
    def write(
        self,
        question: Question,
        openings: list[Opening],
        ranked_by_part: list[list[Candidate]],
        hits: list[Hit],
        conflict: tuple[Candidate, Candidate, str] | None = None,
        planted: tuple[Candidate, Candidate, str] | None = None,
    ) -> Answer:
        out = Writeup(hits)
        for opening in openings:
            yesno = opening.part.kind is Kind.YESNO
            # A note's own "Oui, sauf exceptions, dans la rédaction de 2014." answers its heading's question,
            # which a follow-up on a new case ("et s'il le vend à son fils ?") is not.
            own = (
                yesno
                and ABOUT not in opening.part.text
                and own_answer_fits(opening.part, hits[opening.lead.hit_index])
            )
            out.lead(opening.lead, opening.verdict, opening.part.kind is Kind.STEPS, own)
            for extra in opening.more:
                out.lead(extra, None, own_verdict=yesno and opening.verdict is None)
            if opening.basis is not None:
                out.basis(
                    excerpt_around(opening.basis.text, opening.lead.terms, _BASIS_WORDS),
                    opening.basis,
                )
        chosen = [o.lead for o in openings] + [
            c for o in openings for c in (o.basis, *o.more) if c is not None
        ]
        if planted:  # quoted in its own note below, not again as a point
            chosen.append(planted[1])
        about = (question.quoted_subject,) if question.quoted_subject else ()
        for point in further_points(ranked_by_part, chosen, hits, out, about):
            out.point(excerpt_around(point.text, set(question.terms), POINT_WORDS), point)
        if conflict:
            out.disagreement(*conflict)
        if planted:
            out.contradicting_upload(*planted)
        return out.answer()


def _about_quantity(question: Question, sentence: str) -> bool:
    """Whether the question asks about the quantity the sentence gives (a figure is asked, or
    the question itself names a percentage of the same thing)."""
    measured = {q.of for q in quantities(sentence)}
    asked = {q.of for q in quantities(question.text)} | set(question.terms)
    if question.wants_figure and figure_in(sentence, question.folded, question.counted) is None:
        return False  # another kind of figure is asked ("le capital minimum" is in euros)
    return bool(measured & asked) and (
        question.wants_figure
        or "%" in question.text
        or bool(quantities(question.text))
        or question.kind is Kind.YESNO
    )


# "C'est toujours vrai ?", "c'est toujours la limite ?", "encore valable ?": whether what the
# asker read still holds. On folded text.
_STILL_HOLDS = re.compile(
    r"\b(?:toujours|encore) (?:vrai|valable|valide|le cas|d'actualite|applicable|en vigueur|"
    r"(?:la|le) (?:bonne? )?(?:limite|regle|plafond|seuil|taux|chiffre))\b"
)
# The figure quoted as a limit ("pas au-delà de 20 %", "limitées à 20 %", "c'est toujours la
# limite ?"), not as what someone holds ("notre commune détient 20 %").
_AS_LIMIT = re.compile(
    r"\b(?:plafon\w*|limit\w*|maximum|au-dela|depass\w*|exced\w*|pas plus de|au plus)\b"
)


def superseded_figure_asked(
    question: Question, newer: Candidate, older: Candidate, _printed: str = ""
) -> bool:
    """Whether a yes/no question asks if a limit it quotes still holds ("un guide dit qu'on ne
    peut pas dépasser 20 % du capital, c'est toujours la règle ?") when that figure is the older
    text's value of the same quantity in a disagreement and the newer text gives another: the
    answer is then "Non" (the newer text prevails). A share someone holds, or a share of
    something else (votes, not capital), is no such question."""
    folded = question.folded
    if question.kind is not Kind.YESNO or not _STILL_HOLDS.search(folded):
        return False
    if not _AS_LIMIT.search(folded):
        return False
    asked = quantities(question.text)
    old = quantities(older.text)
    new = {(q.of, q.value) for q in quantities(newer.text)}
    return any(
        a.of == o.of and a.value == o.value and (a.of, a.value) not in new
        for a in asked
        for o in old
    )


def _verdict_of(part: Question, lead: Candidate, older: Candidate) -> str | None:
    """The verdict the current text's sentence gives when it takes the opening for a yes/no
    question: the figure the asker states against its bound ("30 %" / "jusqu'à 50 %"), else
    none (its modal verb may bear on another act). Not the older text's own figure, quoted by
    the asker ("et les 20 % du guide, c'est plus valable ?"): that is no share of theirs."""
    if part.kind is not Kind.YESNO:
        return None
    if {value for value, _ in stated(part.text)} & {value for value, _ in stated(older.text)}:
        return None
    within = settles(part.text, lead.text)
    if within is None:
        return None
    return verdicts.YES_IF if within else verdicts.NO
