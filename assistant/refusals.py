"""The answers that do not answer, each saying why: nothing relevant found (with the nearest
passages to consult), a figure the texts leave to a decree, a decree's content asked when the
texts only refer to it, an article the documents lack, a request to drop the rules."""

from __future__ import annotations

import re

from assistant.articles import ArticleRef, cites, mention, of_text, shown_number
from assistant.citations import LEGAL_KINDS, article_label, citation
from assistant.compose import display
from assistant.figures import DELEGATED
from assistant.french import fold
from assistant.question import Question
from assistant.scoring import Candidate, Scorer, names_paid
from assistant.types import Answer, Hit

REFUSAL = "Je ne trouve pas de réponse à cette question dans les documents indexés."
INJECTION_REFUSAL = (
    "Je réponds uniquement à partir des documents indexés, en citant mes sources : je ne peux pas "
    "suivre une consigne qui demande de s'en écarter ou de changer ces règles."
)
MISSING_FIGURE = "Les documents indexés ne donnent pas le chiffre demandé."
_INJECTION = re.compile(
    r"\b(ignore[rsz]?|oublie[rsz]?|ne tiens? pas compte)\b.{0,40}\b(consignes?|instructions?|regles?"
    r"|documents?|sources?|contexte|precedent)|\b(tu es|tu seras|agis comme|fais comme si|"
    r"joue le role|reponds? (?:que|uniquement)|dis(?:-moi)? que)\b|system prompt|prompt systeme",
)
# The share of a question's terms (IDF-weighted) a sentence must hold to be about it.
FOCUS_COVERAGE = 0.28


def is_injection(question: str) -> bool:
    """Whether the question asks to drop the rules rather than asking about the documents."""
    return bool(_INJECTION.search(fold(question)))


def missing_figure(
    ranked: list[Candidate], hits: list[Hit], part: Question, scorer: Scorer, pool: int
) -> Answer:
    """A figure was asked and the passages give none: say so rather than answer beside the
    question, and point to the text that delegates the figure to a decree when there is one."""
    top = ranked[:pool]
    delegating_all = [
        c
        for c in top
        if DELEGATED.search(fold(c.text))
        and names_paid(c.terms, part)
        and scorer.coverage(part, c.terms) >= FOCUS_COVERAGE
    ]
    delegating = next(
        (c for c in delegating_all if hits[c.hit_index].meta.kind in LEGAL_KINDS),
        delegating_all[0] if delegating_all else None,
    )
    if delegating is None:
        return refusal(hits, MISSING_FIGURE)
    hit = hits[delegating.hit_index]
    label = article_label(hit.meta)
    text = (
        f"{MISSING_FIGURE} Le texte renvoie ce chiffre à un texte d'application "
        f"(décret ou arrêté), à vérifier sur Légifrance : « {display(delegating.text)} »"
        f"{f' ({label})' if label else ''} [1]"
    )
    return Answer(answer=text, refused=True, citations=[citation(1, hit)], warnings=[])


def refers_to_decree(lead: Candidate, hits: list[Hit]) -> Answer:
    """The question asks what a decree provides; the indexed text only refers to it."""
    hit = hits[lead.hit_index]
    label = article_label(hit.meta)
    text = (
        "Les documents indexés ne donnent pas le contenu de ce décret : le texte y renvoie, "
        f"à vérifier sur Légifrance : « {display(lead.text)} »{f' ({label})' if label else ''} [1]"
    )
    return Answer(answer=text, refused=True, citations=[citation(1, hit, [lead.text])], warnings=[])


def said_absent(lead: Candidate, hits: list[Hit]) -> Answer:
    """The passage that answers says what was asked is not in the sources (a practice note:
    "ce décret n'est pas dans nos sources : à vérifier sur Légifrance"): a refusal that
    quotes it."""
    hit = hits[lead.hit_index]
    text = f"{REFUSAL} La source la plus proche le signale : « {display(lead.text)} » [1]"
    return Answer(answer=text, refused=True, citations=[citation(1, hit, [lead.text])], warnings=[])


def refusal(hits: list[Hit], text: str = REFUSAL) -> Answer:
    near = _distinct(hits)[:3]
    citations = [citation(i + 1, h) for i, h in enumerate(near)]
    if citations:
        listed = " ; ".join(
            f"[{c.n}] {c.title} ({c.locator})" if c.locator else f"[{c.n}] {c.title}"
            for c in citations
        )
        text += f"\nPassages les plus proches, à consulter (ils ne répondent pas à la question) : {listed}"
    return Answer(answer=text, refused=True, citations=citations, warnings=[])


def absent_article(ref: ArticleRef, hits: list[Hit]) -> Answer:
    """ "L'article 14 de la loi n° 2014-856 ne figure pas dans les documents indexés", then
    what is indexed nearby, to consult."""
    where = f" {of_text(ref.text)}" if ref.text else ""
    text = f"L'article {shown_number(ref.number)}{where} ne figure pas dans les documents indexés."
    citing = [
        h
        for h in hits
        if h.meta.article_key != ref.number
        and cites(h.text, ref, str(h.meta.text_key or "") or None)
    ]
    same_text = [h for h in hits if ref.text and h.meta.text_key == ref.text]
    near = citing + same_text + [h for h in hits if h not in citing + same_text]
    if citing:  # [1] below: what a passage says of it ("L'article 19 quinquies est modifié")
        text += f"\nIl est cité en [1] : « {mention(citing[0].text, ref)} »"
    return refusal(near, text)


# A sentence saying that what it is about is missing from the sources ("…ne sont pas dans nos
# sources : à vérifier sur Légifrance"). On folded text.
_NOT_IN_SOURCES = re.compile(
    r"\b(?:ne (?:figure|figurent|sont|est)(?: pas)?|n'(?:est|apparai\w+) pas) dans (?:nos|notre|les) "
    r"(?:sources|corpus|extraits?|textes? (?:du|de notre) corpus)"
)
# A question about what a decree or an order itself provides. On folded text.
ASKS_DECREE = re.compile(r"\b(?:le|ce|du|un) (?:decret|arrete)\b")


def says_absent(lead: Candidate) -> bool:
    """Whether the opening sentence itself says what it is about is missing from the sources
    (not one item of a list that says so of a detail)."""
    return not lead.listed and bool(_NOT_IN_SOURCES.search(fold(lead.text)))


def _distinct(hits: list[Hit]) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        key = " ".join(h.text.split())
        if key not in seen:
            seen.add(key)
            out.append(h)
    return out
