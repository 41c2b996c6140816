"""Who a rule spares: a clause that exempts some bodies from what a sentence requires ("les
associations et fondations en sont dispensées"), read against the body the question asks about,
so that a "Oui" read off the general rule is not printed for a body it spares.

Pure functions over text, tested without an index.
"""

from __future__ import annotations

import re

from assistant.asked import asking
from assistant.french import fold, terms
from assistant.parties import PARTIES, QUALIFIED

# "les associations et fondations en sont dispensées", "sauf les…", "ne s'applique pas aux…": a
# clause that exempts someone from the rule ("sont exclus", not "l'associé exclu", a member
# excluded, which exempts no one). On folded text.
_EXEMPTS = re.compile(
    r"\b(?:(?<!pas )(?:dispensee?s?|exemptee?s?|exoneree?s?)|sauf|a l'exception|hormis|"
    r"(?:est|sont|etre|restent|demeurent) exclue?s?|a l'exclusion|"
    r"ne s'appliqu\w* pas|n'est pas applicable|ne sont pas applicables|ne sont pas tenue?s?|"
    r"n'est pas tenue?|n'est pas (?:exigee?|requise?)|ne sont pas (?:exigee?s|requise?s))\b"
)


def spares_asker(question: str, sentence: str) -> bool:
    """Whether `sentence` exempts, without a condition, the kind of body the question asks
    about ("n'est pas exigée des organismes ayant le statut d'association" for "Une asso…
    Est-ce qu'elle doit déposer ses comptes ?"): what the rule requires, it then does not."""
    named = _asker(question)
    folded = fold(sentence)
    for match in _EXEMPTS.finditer(folded):
        start = max(folded.rfind(sep, 0, match.start()) for sep in ";:.(,") + 1
        ends = [i for sep in ";:.(" if (i := folded.find(sep, match.end())) >= 0]
        clause = folded[start : min(ends, default=len(folded))]
        # The exemption with what follows it ("…, sauf dispositions contraires"), not the
        # rule before it ("Les organismes qui reçoivent… ; les associations en sont dispensées").
        if QUALIFIED.search(folded[start:]):
            continue
        if {PARTIES[t] for t in terms(clause) if t in PARTIES} & named:
            return True
    return False


def _asker(question: str) -> set[str]:
    """The kind of body the question asks about: the ones its asking sentence names, else,
    when it says "elle"/"il", the first one the sentence before names ("Une asso touche…
    Est-ce qu'elle doit…" -> association; "La commune verse… à une association. Doit-elle…"
    -> collectivité)."""
    sentence = asking(question)
    named = [PARTIES[t] for t in terms(sentence) if t in PARTIES]
    if named:
        return set(named)
    if not re.search(r"\b(?:il|elle|ils|elles)\b", fold(sentence)):
        return set()
    before = question[: question.rfind(sentence)] if sentence in question else ""
    pieces = [p for p in re.split(r"(?<=[.!?])\s+", before.strip()) if p.strip()]
    first = [PARTIES[t] for t in terms(pieces[-1]) if t in PARTIES] if pieces else []
    return set(first[:1])


def _clauses(sentence: str) -> list[str]:
    """The clauses of a sentence an exemption is read in (on folded text)."""
    return re.split(r"[;:.()]|, (?:mais|sauf)", fold(sentence))


def exempts(sentence: str, asked_terms: set[str]) -> bool:
    """Whether `sentence` has a clause exempting something the question names ("les
    associations … en sont dispensées" for "une asso doit-elle déposer ses comptes ?"): a "Oui"
    read off the general rule would then mislead."""
    for clause in _clauses(sentence):
        if _EXEMPTS.search(clause) and asked_terms & set(terms(clause)):
            return True
    return False
