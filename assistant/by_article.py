"""Answers to a question that names an article ("que dit l'article 13 de la loi ESS ?"): the
article itself, quoted first, never another in its place; several texts with that number are
told apart; an article the documents lack is said to be absent (and answered from the passages
that cite it); an article of a superseded text is said to be no longer in force, before what the
current documents say."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from assistant import verdict as verdicts
from assistant.articles import (
    ASKS_VALIDITY,
    STILL_VALID,
    ArticleRef,
    asks_beyond,
    cites,
    repeal_sentence,
    shown_number,
    starts_subdivision,
    subdivision,
    text_name,
)
from assistant.citations import (
    HISTORIC,
    article_label,
    citation,
    document_label,
    french_date,
    status_warning,
)
from assistant.compose import Writeup, display, excerpt_around, is_meta
from assistant.lists import list_carried_on
from assistant.points import POINT_WORDS, further_points
from assistant.question import Kind, Question
from assistant.refusals import absent_article
from assistant.scoring import Candidate, Scorer
from assistant.types import Answer, Hit


def by_reference(
    question: Question, hits: list[Hit], queries: Mapping[str, np.ndarray], scorer: Scorer
) -> Answer:
    """The article the question names, quoted first (its opening paragraphs, or, when the
    question asks something of it, its sentence that answers), never another article in its
    place: an article the documents lack is said to be absent."""
    ref = question.articles[0]
    pinned = _holding(ref, hits)
    if not pinned:
        return absent_article(ref, hits)
    ranked = scorer.candidates(question, hits, queries.get(question.search_text))
    own = [c for c in ranked if c.hit_index in pinned and not is_meta(c.text)]
    texts = list(dict.fromkeys(str(hits[i].meta.text_key) for i in pinned))
    notice = ""
    asks = asks_beyond(question.text, yes_no=question.kind is Kind.YESNO)
    if len(texts) > 1:
        ranked_hits = [hits[c.hit_index] for c in own]
        chosen, why = _likeliest_text(ranked_hits, [hits[i] for i in pinned], asks)
        names = ", ".join(text_name(t) for t in texts)
        notice = (
            f"L'article {shown_number(ref.number)} figure dans plusieurs textes indexés "
            f"({names}) ; réponse d'après {text_name(chosen)}, {why}."
        )
        pinned = [i for i in pinned if hits[i].meta.text_key == chosen]
        own = [c for c in own if c.hit_index in pinned]
    out = Writeup(hits)
    if notice:
        out.opening.append(notice)
    lead: Candidate | None
    roman = subdivision(question.text)
    marked = [c for c in own if roman and starts_subdivision(c.text, roman)]
    if marked:
        # "le III de l'article …": that paragraph opens, whatever else scores higher.
        lead = min(marked, key=lambda c: (int(hits[c.hit_index].meta.position or 0), c.position))
        out.quote(lead, None)
    elif asks and own:
        lead = own[0]
        verdict = None
        if question.kind is Kind.YESNO:
            verdict = verdicts.stated(lead.previous) or verdicts.verdict(question.text, lead.text)
        out.quote(lead, verdict)
        if question.kind in (Kind.CRITERIA, Kind.STEPS):
            for carried in list_carried_on(lead, own, hits):
                out.lead(carried, None, own_verdict=False)  # the list's items after a break
    else:
        first = min(pinned, key=lambda i: int(hits[i].meta.position or 0))
        opening_units = [c for c in own if c.hit_index == first] or own
        lead = min(opening_units, key=lambda c: c.position) if opening_units else None
        if lead is None:
            return absent_article(ref, hits)
        out.quote_article(hits[first], lead)
    if asks:
        for point in further_points([ranked], [lead], hits, out):
            out.point(excerpt_around(point.text, set(question.terms), POINT_WORDS), point)
    return out.answer()


def _holding(ref: ArticleRef, hits: list[Hit]) -> list[int]:
    """The indexes of the passages of the article `ref` names."""
    return [
        i
        for i, h in enumerate(hits)
        if h.meta.article_key == ref.number and (ref.text is None or h.meta.text_key == ref.text)
    ]


def outdated_asked(question: Question, hits: list[Hit]) -> Hit | None:
    """The named article's passage when the question asks whether it still applies and the
    documents hold it only in a superseded text ("historique")."""
    held = [hits[i] for i in _holding(question.articles[0], hits)]
    superseded = held and all(h.meta.status == HISTORIC for h in held)
    return held[0] if superseded and ASKS_VALIDITY.search(question.folded) else None


def citing_absent(question: Question, hits: list[Hit]) -> list[Hit]:
    """When the question names an article the documents lack and asks something of it, the
    passages that speak of that article ("les articles 19 et 20 s'appliquaient à partir de
    quand ?" is answered by the article setting their entry into force); else none."""
    ref = question.articles[0]
    if _holding(ref, hits) or not asks_beyond(question.text, yes_no=question.kind is Kind.YESNO):
        return []
    return [h for h in hits if cites(h.text, ref, str(h.meta.text_key or "") or None)]


def _likeliest_text(ranked: list[Hit], pinned: list[Hit], asks: bool) -> tuple[str, str]:
    """Which of several texts holding a bare article number to answer from, and why: the one
    whose passage fits the question best when it asks something; for "que dit l'article 15 ?",
    which says nothing more, a text still in force before a superseded one."""

    def key(hit: Hit) -> str:
        return str(hit.meta.text_key)

    order = list(dict.fromkeys([key(h) for h in ranked] + [key(h) for h in pinned]))
    current = {key(h) for h in pinned if h.meta.status != HISTORIC}
    if asks or not current or len(current) == len(order):
        return order[0], "le plus proche de la question"
    return min(order, key=lambda t: t not in current), "le texte en vigueur"


# The answer builder's `build`: an answer from a question, its passages and their vectors.
Build = Callable[[Question, list[Hit], Mapping[str, np.ndarray] | None], Answer]


def without_article(
    question: Question,
    hits: list[Hit],
    citing: list[Hit],
    queries: Mapping[str, np.ndarray] | None,
    build: Build,
    scorer: Scorer,
) -> Answer:
    """A question about an article the documents lack (`build` answers without it), answered from the passages that
    speak of it (`citing`) when they answer, with a line saying the article itself is not
    indexed; else the refusal naming the missing article."""
    missing = by_reference(question, hits, queries or {}, scorer)
    found = build(replace(question, articles=()), citing, queries)
    if found.refused:
        return missing
    note = missing.answer.split("\n", 1)[0]  # "L'article 19 de la loi … ne figure pas…"
    lead, sep, rest = found.answer.partition("\n\n")
    return found.model_copy(update={"answer": f"{lead}\n{note}{sep}{rest}"})


def current_rule(
    question: Question,
    hits: list[Hit],
    outdated: Hit,
    queries: Mapping[str, np.ndarray] | None,
    build: Build,
    scorer: Scorer,
) -> Answer:
    """Asked whether an article of a superseded text still applies ("l'article 15 du CMP,
    c'est encore valable ?"): its status first (from the catalogue), then what the current
    documents say on the same point, the old article quoted last (else the old article
    alone, quoted as the documents hold it)."""
    label = article_label(outdated.meta, dated=False) or document_label(outdated.meta)
    current = [h for h in hits if h.meta.status != HISTORIC]
    key = str(outdated.meta.text_key or "")
    notice = next(
        ((h, said) for h in current if key and (said := repeal_sentence(h.text, key))), None
    )
    if notice is not None:
        # A current document says the text was repealed: "Non" to "c'est encore valable ?".
        verdict = "Non : " if STILL_VALID.search(question.folded) else ""
        note = (
            f"{verdict}{label} n'est plus en vigueur (« {document_label(outdated.meta)} », "
            f"statut : {outdated.meta.status})."
        )
    else:
        # "historique" may only mean that the indexed wording is an old one (the 2014 wording of
        # an article amended since): no "Non", the date of the wording held and where to check.
        note = (
            f"{label} : les documents indexés n'en ont que la rédaction au "
            f"{french_date(str(outdated.meta.date))} (« {document_label(outdated.meta)} », "
            f"statut : {outdated.meta.status}) ; la rédaction en vigueur est à vérifier sur "
            "Légifrance."
        )
    # What the current documents say on the same point, without a verdict of its own: the
    # status above answers whether the old article applies ("Non : … Oui. Les clauses…").
    plain = replace(
        question,
        articles=(),
        kind=Kind.EXPLAIN,
        parts=tuple(replace(p, kind=Kind.EXPLAIN) for p in question.parts),
    )
    found = build(plain, current, queries) if current else None
    if found is None or found.refused:
        old = by_reference(question, hits, queries or {}, scorer)
        return old.model_copy(update={"answer": f"{note}\n{old.answer}"})
    citations = list(found.citations)
    if notice is not None:
        # When and by what the old text was repealed, in the words of a current document.
        hit, said = notice
        shown = display(said)
        numbered = next(
            (c for c in citations if c.doc_id == hit.doc_id and c.excerpt == hit.text), None
        )
        if numbered is None:
            numbered = citation(len(citations) + 1, hit, [shown])
            citations.append(numbered)
        elif shown not in numbered.quoted:
            numbered.quoted.append(shown)
        note = f"{note} {shown} [{numbered.n}]"
    n = len(citations) + 1
    old_source = citation(n, outdated)
    warning = status_warning(old_source)
    words = display(excerpt_around(outdated.text, set(question.terms), POINT_WORDS)).split()
    quoted = " ".join(words[:POINT_WORDS]) + (" …" if len(words) > POINT_WORDS else "")
    return found.model_copy(
        update={
            "answer": f"{note} Ce qu'en disent les documents en vigueur :\n{found.answer}"
            f"\n\nL'ancien texte : « {quoted} » [{n}]",
            "citations": [*citations, old_source.model_copy(update={"quoted": [quoted]})],
            "warnings": [*found.warnings, *([warning] if warning else [])],
        }
    )
