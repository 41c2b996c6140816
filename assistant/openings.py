"""What opens an answer: for each part of the question, the unit that answers it first (by
the kind of answer it wants), its verdict for a yes/no question, up to two sentences that
complete it, and the article of the law it rests on when a practice note opens; whether that
opening is about what was asked at all."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant import verdict as verdicts
from assistant.asked import obligation_asked
from assistant.citations import HISTORIC
from assistant.compose import is_meta
from assistant.definitions import definition_strength
from assistant.exemptions import exempts, spares_asker
from assistant.figures import BEFORE_AFTER, after_figure
from assistant.french import fold, sentences, terms
from assistant.lists import list_carried_on
from assistant.own_verdict import own_answer_fits
from assistant.parties import other_body
from assistant.points import same
from assistant.question import Kind, Question, quotes_in
from assistant.refusals import FOCUS_COVERAGE
from assistant.scope import binds_only_some
from assistant.scoring import Candidate, Scorer
from assistant.sentences import lists_steps
from assistant.superseded import current_instead
from assistant.thresholds import settles, undecided
from assistant.types import Hit
from assistant.who import saying_who

# The opening takes up to two more sentences that score at least this share of the first and
# add this much of the question's terms, within about this many words.
_MORE_SHARE = 0.7
# A current text replaces a superseded one at the opening when it answers nearly as well.
_MORE_GAIN = 0.0
# A "Oui" is withheld when one of this many best sentences exempts what the question names.
_CONTESTED_AMONG = 5
_CONTESTED_SHARE = 0.4  # …scoring at least this share of the rule: a wrong "Oui" is the worst
_MORE_WORDS = 60
_OPENING_WORDS = 90
# Whether the opening says enough of what was asked (FOCUS_COVERAGE: IDF-weighted share of the
# question's terms in the opening sentence, its heading path included) or means the same
# (cosine): below both, the documents hold neighbouring words, not the subject: a refusal.
_FOCUS_SIMILARITY = 0.28
# A current list replacing a superseded one scores at least this share of it.
# A sentence bounding a figure the question states settles a yes/no question when it is among
# this many after the best and scores at least this share of it.
_MORE_AMONG = 6
_BOUND_SHARE = 0.5
# A sentence about a former regime ("l'ancien agrément", "avant la loi de 2014"), and a question
# that asks about one (an old text, a year, whether a rule still holds). On folded text.
_FORMER = re.compile(
    r"\b(?:l'|les )ancien(?:ne)?s? (?:agrements?|regimes?|codes?|redactions?|articles?|statuts?|"
    r"dispositifs?|lois?|textes?|regles?)\b|\b(?:d')?avant la loi\b|redaction anterieure"
)
_ASKS_FORMER = re.compile(
    r"\bancien|\bavant\b|\bvie(?:ux|il|ille)\b|autrefois|auparavant|transiti|precedent|"
    r"\btoujours\b|\bencore\b|\bchange|\bplus en vigueur|\b(?:19|20)\d\d\b"
)
# Units looked at after an opening that is off the subject, before refusing.
_INSTEAD_AMONG = 4


@dataclass
class Opening:
    """What answers one part of the question: the unit quoted, its verdict, its legal basis."""

    part: Question
    lead: Candidate
    verdict: str | None = None
    basis: Candidate | None = None
    more: list[Candidate] = field(default_factory=list)  # sentences that complete the first


class Openings:
    """Chooses openings from the scored units of the retrieved passages."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def opening(self, part: Question, ranked: list[Candidate], hits: list[Hit]) -> Opening | None:
        """The unit that answers `part` first, by the kind of answer it wants."""
        usable = [c for c in ranked if not is_meta(c.text)]
        if not usable:
            return None
        best = usable[0]
        if part.wants_figure:
            floor = best.score * 0.3
            giving = [
                c for c in usable if c.score >= floor and self.scorer.answers_figure(c.text, part)
            ]
            if not giving:
                return None
            # "combien de temps avant la vente ?": the time before it ("deux mois avant la
            # cession"), not another time in the same passage ("l'action … dans les deux mois").
            relation = BEFORE_AFTER.search(part.folded)
            figure = next(
                (
                    c
                    for c in giving
                    if relation
                    and re.search(
                        rf"\b{relation.group(1)}\b", after_figure(c.text, part.folded, part.counted)
                    )
                ),
                giving[0],
            )
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
                    if c.listed
                    and c.score >= best.score * share
                    and c.own >= best.own - 0.1
                    # steps are things to do ("1. Rédiger les statuts"), not the forms a thing
                    # may take ("1. Une SCIC en forme de SA")
                    and (
                        part.kind is Kind.CRITERIA
                        or lists_steps(c.text, str(hits[c.hit_index].meta.context))
                    )
                ),
                best,
            )
        elif part.kind is Kind.WHO:
            best = saying_who(part, best, usable[:_MORE_AMONG])
        if hits[best.hit_index].meta.status == HISTORIC:
            best = current_instead(self.scorer, part, best, usable, hits) or best
        if part.kind is Kind.YESNO:
            # The sentence that states the verdict opens, when one answers nearly as well.
            # ("Non." written before a note's sentence answers the note's own question, which
            # may not be this one: only the best sentence is read with it.)
            judged = [
                (
                    c,
                    _verdict_of(part, c, hits)
                    if c is best
                    else verdicts.verdict(part.text, c.text),
                )
                for c in [best, *usable[:_MORE_AMONG]]
                if c is best
                or (
                    c.score >= best.score * _MORE_SHARE
                    and hits[c.hit_index].meta.status != HISTORIC
                    and not is_meta(c.text)
                )
            ]
            if verdicts.restricted(part.text, best.text):
                judged = [(best, None)]  # allowed for a class the question does not name
            lead, verdict = next(((c, v) for c, v in judged if v), (best, None))
            if verdict is not None and (
                undecided(part.text, lead.text) or other_body(part.text, lead.text)
            ):
                # The figures asked about decide, and they do not; or the sentence is about
                # another kind of body ("entrer au capital d'une SCOP" / a SCIC sentence).
                verdict = None
            if verdict != verdicts.NO and binds_only_some(part.text, lead.text):
                verdict = verdicts.NO  # "obligatoire pour toutes les communes ?": only some
            bounding = self.bounding(part, best, usable, hits)
            if bounding is not None and not (bounding[1] and verdict == verdicts.NO):
                # The situation the asker states ("le club a 12 salariés") against the bound a
                # sentence sets on it ("neuf salariés au plus") settles the question (a figure
                # within a bound never overrules a "Non" a sentence states).
                lead, within = bounding
                verdict = verdicts.YES_IF if within else verdicts.NO
            exception = self.contested(part, lead, usable)
            if exception is not None and verdict is not None and verdict.startswith("Oui"):
                # Another passage exempts what the question names: no "Oui", and the
                # exception is quoted in the opening, right after the rule; "Non" when the
                # question asks whether it must, and the exemption spares the body it asks
                # about without a condition.
                spared = obligation_asked(part.text) and spares_asker(part.text, exception.text)
                found = Opening(part=part, lead=lead, verdict=verdicts.NO if spared else None)
                found.more = [exception]
                return found
            faculty = None
            if verdict is None and obligation_asked(part.text):
                faculty = self.faculty(lead, usable)
                verdict = verdicts.NO if faculty is not None else None
            found = Opening(part=part, lead=lead, verdict=verdict)
            if faculty is not None:
                found.more = [faculty, *self.more(part, lead, usable, hits)][:_MORE_AMONG]
                found.more = [c for c in found.more if c is not lead and not same(c, lead)]
                return found
        else:
            found = Opening(part=part, lead=best)
        found.more = self.more(part, found.lead, usable, hits)
        return found

    def bounding(
        self, part: Question, best: Candidate, usable: list[Candidate], hits: list[Hit]
    ) -> tuple[Candidate, bool] | None:
        """A sentence near the top that bounds a figure the question states, and whether the
        stated figure is within the bound."""
        historic_best = hits[best.hit_index].meta.status == HISTORIC
        for c in [best, *usable[:_MORE_AMONG]]:
            if c is not best and (
                c.score < best.score * _BOUND_SHARE
                or (hits[c.hit_index].meta.status == HISTORIC and not historic_best)
            ):
                continue
            within = settles(part.text, c.text)
            # Its passage must be about what is asked, not only about the stated figure (a
            # rule on "communes de moins de 3 500 habitants" for an unrelated question), and
            # state the kind of rule asked (who may, who must), a list item with its intro.
            if (
                within is not None
                and not verdicts.spares_or_forbids(c.text)
                and verdicts.same_rule(part.text, f"{c.previous} {c.text}")
                and self.on_subject(part, Opening(part=part, lead=c), hits)
            ):
                return c, within
        return None

    def contested(
        self, part: Question, lead: Candidate, usable: list[Candidate]
    ) -> Candidate | None:
        """A sentence near the top that exempts something the question names from the rule the
        lead states (the question's own words, or an acronym's long form), if any."""
        # The setting counts: "Une asso touche plus de 200 000 €… Est-ce qu'elle doit…" asks
        # about the association the sentence before names.
        asked = {t for t, _ in part.expansions} | {t for _, long in part.expansions for t in long}
        return next(
            (
                c
                for c in usable[:_CONTESTED_AMONG]
                if c is not lead
                and c.score >= lead.score * _CONTESTED_SHARE
                and not same(c, lead)
                and exempts(c.text, asked)
            ),
            None,
        )

    def faculty(self, lead: Candidate, usable: list[Candidate]) -> Candidate | None:
        """ "C'est une faculté, pas une obligation" said of what the lead allows, in the same
        passage (however it ranks: the passage is the evidence): the answer to "la loi nous
        oblige-t-elle à …?" is then "Non"."""
        if not verdicts.permits(lead.text):
            return None
        return next(
            (
                c
                for c in usable
                if c.hit_index == lead.hit_index and c is not lead and verdicts.a_faculty(c.text)
            ),
            None,
        )

    def more(
        self, part: Question, lead: Candidate, usable: list[Candidate], hits: list[Hit]
    ) -> list[Candidate]:
        """Up to two more sentences for the opening when they answer nearly as well as the first
        and say something it does not: one to three sentences answer first."""
        if lead.listed:
            # The criteria or steps asked are the whole list, not the part before a page break.
            wanted = part.kind in (Kind.CRITERIA, Kind.STEPS)
            return list_carried_on(lead, usable, hits) if wanted else []
        kept: list[Candidate] = []
        words = len(lead.text.split())
        covered = lead.terms
        base = self.scorer.coverage(part, covered)
        # "« titres associatifs », ça désigne quoi ?" answered by the sentence holding them:
        # what completes it holds them too (not a sentence on associations' mergers).
        quoted = part.quoted_subject is not None and quotes_in(lead.text, part.quoted)
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
            if first.part.wants_figure and not self.scorer.answers_figure(c.text, first.part):
                continue  # a figure asked is answered by a figure
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
        first = sentences(lead.text)[:1]
        if first and _FORMER.search(fold(first[0])) and not _ASKS_FORMER.search(question.folded):
            # "Une entreprise qui avait l'ancien agrément … avant la loi de 2014 a été réputée
            # ESUS pour deux ans": a transitional rule, about the former regime, does not answer
            # a question about today's ("l'agrément ESUS est valable combien d'années ?").
            return False
        if subject is not None and definition_strength(lead.text, subject) > 0:
            return True  # it defines the very term asked about
        if opening.part.quoted_subject and quotes_in(lead.text, opening.part.quoted):
            return True  # it holds the very words the question quotes and asks about
        context = str(hits[lead.hit_index].meta.context)
        coverage = self.scorer.coverage(opening.part, set(terms(f"{context} {lead.text}")))
        scale = 2.0 if strict else 1.0
        return coverage >= FOCUS_COVERAGE * scale or lead.similarity >= _FOCUS_SIMILARITY * scale


def _verdict_of(part: Question, c: Candidate, hits: list[Hit]) -> str | None:
    own = verdicts.stated(c.previous) if own_answer_fits(part, hits[c.hit_index]) else None
    return own or verdicts.verdict(part.text, c.text)
