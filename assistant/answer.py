"""Extractive answers an official can act on: an opening that answers what was asked (the
verdict, the figure, the steps, the definition; one opening per part of a two-part question),
the article it rests on, then at most three short points; a refusal when the documents do not
answer.

The question comes analysed (`question.Question`); the passages come from retrieval. Sentences
are scored here (`scoring.py`), the opening is chosen by the kind of question, and what is
printed is assembled in `compose.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant import verdict as verdicts
from assistant.by_article import (
    by_reference,
    citing_absent,
    current_rule,
    outdated_asked,
    without_article,
)
from assistant.citations import (
    HISTORIC,
    LEGAL_KINDS,
)
from assistant.compose import Writeup, excerpt_around, is_meta
from assistant.config import Settings
from assistant.conflicts import find_conflict, find_contradicting_upload
from assistant.definitions import definition_strength
from assistant.figures import DELEGATED
from assistant.french import fold, terms
from assistant.lexical import LexicalIndex
from assistant.points import POINT_WORDS, further_points, same
from assistant.question import Kind, Question, quotes_in
from assistant.refusals import (
    ASKS_DECREE,
    FOCUS_COVERAGE,
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
from assistant.types import Answer, Hit

# A sentence of the law quoted as the basis of a note's answer: its clause around the point.
_BASIS_WORDS = 45
_BASIS_OVERLAP = 0.3  # share of the shorter sentence's terms the two have in common
# The opening takes up to two more sentences that score at least this share of the first and
# add this much of the question's terms, within about this many words.
_MORE_SHARE = 0.7
# A current text replaces a superseded one at the opening when it answers nearly as well.
_CURRENT_SHARE = 0.75
_MORE_GAIN = 0.0
# A "Oui" is withheld when one of this many best sentences exempts what the question names.
_CONTESTED_AMONG = 5
_MORE_WORDS = 60
_OPENING_WORDS = 90
# Whether the opening says enough of what was asked (FOCUS_COVERAGE: IDF-weighted share of the
# question's terms in the opening sentence, its heading path included) or means the same
# (cosine): below both, the documents hold neighbouring words, not the subject: a refusal.
_FOCUS_SIMILARITY = 0.28
# Units looked at after an opening that is off the subject, before refusing.
_INSTEAD_AMONG = 4

ArticleLookup = Callable[[str], list[Hit]]


@dataclass
class Opening:
    """What answers one part of the question: the unit quoted, its verdict, its legal basis."""

    part: Question
    lead: Candidate
    verdict: str | None = None
    basis: Candidate | None = None
    more: list[Candidate] = field(default_factory=list)  # sentences that complete the first


class AnswerBuilder:
    def __init__(
        self,
        settings: Settings,
        lexical: LexicalIndex | None,
        vectors: SentenceVectors | None = None,
    ) -> None:
        self.settings = settings
        self.scorer = Scorer(settings, lexical, vectors)

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
        subject = question.subject
        holds_quote = (
            subject is not None
            and subject.text in question.quoted
            and any(quotes_in(h.text, (subject.text,)) for h in hits)
        )
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
            opening = self.opening(part, ranked, hits)
            if opening is None:
                if part.wants_figure and len(parts) == 1:
                    return missing_figure(
                        ranked, hits, part, self.scorer, self.settings.answer_sentences * 2
                    )
                continue
            openings.append(opening)
        if not openings:
            return refusal(hits)
        first = openings[0]
        if not self.on_subject(question, first, hits):
            # The best-scored unit may be a near miss beside one squarely about the subject: the
            # first of the next few that is (half the question's terms, or a close paraphrase).
            instead = self.on_subject_instead(question, first, ranked_by_part[0], hits)
            if instead is None:
                return refusal(hits)
            openings[0] = first = instead
        if unknown and not self.on_subject(question, first, hits, strict=True):
            # A name the documents never mention (a person, an organisation), and an opening
            # that does not answer squarely: the question is about what the documents lack.
            names = ", ".join(f"« {n} »" for n in unknown)
            return refusal(hits, f"Les documents indexés ne mentionnent pas {names}.")
        if len(openings) == 1 and says_absent(first.lead):
            return said_absent(first.lead, hits)
        if ASKS_DECREE.search(question.folded) and DELEGATED.search(fold(first.lead.text)):
            # Asked what a decree says, the documents only say that a decree will say it.
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
                first.lead, first.verdict = newer, None
        planted = find_contradicting_upload(first.lead, merged, hits)
        if planted is not None:
            if first.lead is planted[1]:  # the official text opens, never an upload
                first.lead, first.verdict = planted[0], None
            first.more = [c for c in first.more if c is not planted[1] and c is not first.lead]
        for opening in openings:
            basis = self.basis(opening, ranked_by_part[parts.index(opening.part)], hits)
            # The law already quoted whole in the opening is not quoted again as its basis.
            if basis is not None and not any(same(basis, c) for c in opening.more):
                opening.basis = basis
        return self.write(question, openings, ranked_by_part, hits, conflict, planted)

    def opening(self, part: Question, ranked: list[Candidate], hits: list[Hit]) -> Opening | None:
        """The unit that answers `part` first, by the kind of answer it wants."""
        usable = [c for c in ranked if not is_meta(c.text)]
        if not usable:
            return None
        best = usable[0]
        if part.wants_figure:
            floor = best.score * 0.3
            figure = next(
                (
                    c
                    for c in usable
                    if c.score >= floor and self.scorer.answers_figure(c.text, part)
                ),
                None,
            )
            if figure is None:
                return None
            if figure.listed:
                context = str(hits[figure.hit_index].meta.context)
                figure = self.scorer.item_giving(part, figure, usable, context)
            best = figure
        elif part.kind in (Kind.STEPS, Kind.CRITERIA):
            # The list that gives the steps or the criteria, when one answers nearly as well.
            share = 0.5 if part.kind is Kind.STEPS else 0.7
            # The list must speak of what is asked as much as the best sentence does: a list
            # that shares a word with the question ("obligatoires") is not its criteria.
            best = next(
                (
                    c
                    for c in usable[:12]
                    if c.listed and c.score >= best.score * share and c.own >= best.own - 0.1
                ),
                best,
            )
        if hits[best.hit_index].meta.status == HISTORIC:
            # A superseded text never opens when a current one answers (one that holds the
            # words the question quotes, when the superseded text holds them).
            current = next(
                (
                    c
                    for c in usable
                    if hits[c.hit_index].meta.status != HISTORIC
                    and c.score >= best.score * _CURRENT_SHARE
                    and c.own >= best.own - 0.1
                    and (not part.wants_figure or self.scorer.answers_figure(c.text, part))
                    # the words the question quotes, when the superseded text holds them
                    and (not quotes_in(best.text, part.quoted) or quotes_in(c.text, part.quoted))
                ),
                None,
            )
            best = current or best
        if part.kind is Kind.YESNO:
            # The sentence that states the verdict opens, when one answers nearly as well.
            # ("Non." written before a note's sentence answers the note's own question, which
            # may not be this one: only the best sentence is read with it.)
            judged = [
                (c, _verdict_of(part, c) if c is best else verdicts.verdict(part.text, c.text))
                for c in [best, *usable[:6]]
                if c is best
                or (
                    c.score >= best.score * _MORE_SHARE
                    and hits[c.hit_index].meta.status != HISTORIC
                    and not is_meta(c.text)
                )
            ]
            lead, verdict = next(((c, v) for c, v in judged if v), (best, None))
            exception = self.contested(part, lead, usable)
            if exception is not None and verdict in (verdicts.YES, verdicts.YES_IF):
                # Another passage exempts what the question names: no "Oui", and the
                # exception is quoted in the opening, right after the rule.
                found = Opening(part=part, lead=lead)
                found.more = [exception]
                return found
            found = Opening(part=part, lead=lead, verdict=verdict)
        else:
            found = Opening(part=part, lead=best)
        found.more = self.more(part, found.lead, usable, hits)
        return found

    def contested(
        self, part: Question, lead: Candidate, usable: list[Candidate]
    ) -> Candidate | None:
        """A sentence near the top that exempts something the question names from the rule the
        lead states (the question's own words, or an acronym's long form), if any."""
        asked = {t for t, _ in part.expansions} | {t for _, long in part.expansions for t in long}
        asked -= set(part.setting)
        return next(
            (
                c
                for c in usable[:_CONTESTED_AMONG]
                if c is not lead
                and c.score >= lead.score * 0.5
                and not same(c, lead)
                and verdicts.exempts(c.text, asked)
            ),
            None,
        )

    def more(
        self, part: Question, lead: Candidate, usable: list[Candidate], hits: list[Hit]
    ) -> list[Candidate]:
        """Up to two more sentences for the opening when they answer nearly as well as the first
        and say something it does not: one to three sentences answer first."""
        if lead.listed:
            return []
        kept: list[Candidate] = []
        words = len(lead.text.split())
        covered = lead.terms
        base = self.scorer.coverage(part, covered)
        # "« titres associatifs », ça désigne quoi ?" answered by the sentence holding them:
        # what completes it holds them too (not a sentence on associations' mergers).
        quoted = part.subject is not None and part.subject.text in part.quoted
        quoted = quoted and quotes_in(lead.text, part.quoted)
        for c in usable[:10]:
            if len(kept) >= 2 or words >= _OPENING_WORDS:
                break
            if c is lead or c.listed or c.score < lead.score * _MORE_SHARE:
                continue
            if quoted and not quotes_in(c.text, part.quoted):
                continue
            if any(same(c, x) for x in [lead, *kept]) or is_meta(c.text):
                continue
            if hits[c.hit_index].meta.status == HISTORIC:
                continue
            size = len(c.text.split())
            if size > _MORE_WORDS or words + size > _OPENING_WORDS * 1.3:
                continue
            gained = self.scorer.coverage(part, covered | c.terms) - base
            if gained < _MORE_GAIN:
                continue
            kept.append(c)
            words += size
            covered = covered | c.terms
            base += gained
        return kept

    def on_subject_instead(
        self, question: Question, first: Opening, ranked: list[Candidate], hits: list[Hit]
    ) -> Opening | None:
        """An opening led by one of the next units after `first`'s squarely on subject."""
        usable = [c for c in ranked if not is_meta(c.text) and c is not first.lead]
        for c in usable[:_INSTEAD_AMONG]:
            candidate = Opening(part=first.part, lead=c)
            if self.on_subject(question, candidate, hits, strict=True):
                candidate.more = self.more(first.part, c, usable, hits)
                return candidate
        return None

    def on_subject(
        self, question: Question, opening: Opening, hits: list[Hit], strict: bool = False
    ) -> bool:
        """Whether the opening is about what was asked, not only about its neighbouring words
        (the indemnity of a mayor answered with an article that mentions mayors); `strict`
        asks for a square answer (half the question's terms, or a close paraphrase)."""
        lead = opening.lead
        subject = opening.part.subject
        if subject is not None and definition_strength(lead.text, subject) > 0:
            return True  # it defines the very term asked about
        quoted = subject is not None and subject.text in opening.part.quoted
        if quoted and quotes_in(lead.text, opening.part.quoted):
            return True  # it holds the very words the question quotes and asks about
        context = str(hits[lead.hit_index].meta.context)
        coverage = self.scorer.coverage(opening.part, set(terms(f"{context} {lead.text}")))
        scale = 2.0 if strict else 1.0
        return coverage >= FOCUS_COVERAGE * scale or lead.similarity >= _FOCUS_SIMILARITY * scale

    def basis(self, opening: Opening, ranked: list[Candidate], hits: list[Hit]) -> Candidate | None:
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
            return _overlap(c.terms, lead.terms) + c.score / (lead.score or 1.0)

        named = _named_in(lead.text)
        cited = [c for c in legal if str(hits[c.hit_index].meta.article_key) in named]
        if cited:
            return max(cited, key=fit)
        shared = [
            c
            for c in legal
            if _overlap(c.terms, lead.terms) >= _BASIS_OVERLAP
            and c.score >= lead.score * 0.4
            and c.own >= lead.own * 0.5
        ]
        return max(shared, key=fit, default=None)

    # -- a question that names an article ---------------------------------------------------
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
            out.lead(opening.lead, opening.verdict, opening.part.kind is Kind.STEPS)
            for extra in opening.more:
                out.lead(extra, None)
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
        subject = question.subject
        about = (subject.text,) if subject is not None and subject.text in question.quoted else ()
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
    from assistant.figures import quantities

    measured = {q.of for q in quantities(sentence)}
    asked = {q.of for q in quantities(question.text)} | set(question.terms)
    return bool(measured & asked) and (
        question.wants_figure
        or "%" in question.text
        or bool(quantities(question.text))
        or question.kind is Kind.YESNO
    )


def _verdict_of(part: Question, c: Candidate) -> str | None:
    return verdicts.stated(c.previous) or verdicts.verdict(part.text, c.text)


def _named_in(text: str) -> set[str]:
    from assistant.articles import named_articles

    return {ref.number for ref in named_articles(text)}


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
