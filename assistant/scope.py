"""Whom a duty binds: every one of a group, or only those meeting a condition. "C'est
obligatoire pour toutes les communes ?" answered by a duty on those over a threshold is "Non".

Pure functions over text, tested without an index.
"""

from __future__ import annotations

import re

from assistant.asked import ASKS_OBLIGATION, asked_act, asking
from assistant.french import STOPWORDS, fold, stem, terms, words
from assistant.glossary import expand
from assistant.verdict import OBLIGES, governs

# "toutes les communes", "tous les acheteurs", "même une petite commune": the question asks
# whether a duty binds every one of a group (not "même si", "même pour": a case). Folded text.
_EVERY = re.compile(
    r"\b(?:toutes les|tous les|n'importe quel\w*)\b(?! (?:\w+ )?(?:ans|annees|mois|jours|semaines|"
    r"fois)\b)|(?<!quand )(?<!-)\bmeme (?:une?|les|des)\b"
)
# A condition that narrows who is bound: a clause that opens on "lorsque", "si", "dès lors que"
# (not "ou, si …", an alternative), or a threshold ("comptant plus de vingt associés", "dont le
# montant est supérieur à", "dépassant un seuil"). Not "au moins trois catégories": a quantity.
_NARROWING = re.compile(
    r"(?:^|[.;:,(]\s*|\b(?:et|mais)\s+)(?<!ou, )(?:[ivx]+\.\s*-\s*)?(?:lorsqu|si\b|des lors qu)|"
    r"\b(?:superieure?s? a|depassant|au-dela d(?:e|u|es|')|au-dessus d(?:e|u|es|')|(?:comptant|employant|de) (?:plus|moins) "
    r"de)\b"
)
# A sentence about the duty itself that says whom it binds: "L'obligation ne joue qu'au-dessus
# du seuil", "cette obligation ne s'applique qu'aux acheteurs…". On folded text.
_DUTY_ONLY = re.compile(r"\b(?:l'|cette |cet )obligation (?:\w+ ){0,3}?ne (?:s')?\w+ qu")
_ASKED_ABOVE = re.compile(r"\b(?:depass\w*|au-dessus|au-dela|franchiss\w*)\b")
_PRESENT = re.compile(r"[a-z]{3,}(?:e|ent)$")


def binds_only_some(question: str, sentence: str) -> bool:
    """Whether the yes/no `question` asks if a duty binds every one of a group ("C'est
    obligatoire pour toutes les communes ?") and `sentence` binds only those meeting a condition
    ("Lorsque le montant de ses achats dépasse…, le pouvoir adjudicateur adopte un schéma"): the
    answer is then "Non". Legal French states a duty in the plain present ("adopte") as well as
    with "doit"; the duty must bear on what the question asks (its verb, or a light verb's
    object: "avoir trois gérants" / "doivent être administrées par trois gérants")."""
    asked, said = fold(asking(question)), fold(sentence)
    if not (ASKS_OBLIGATION.search(asked) and _EVERY.search(asked)):
        return False
    if _NARROWING.search(asked) or _ASKED_ABOVE.search(asked):
        return False  # "toutes celles qui dépassent le seuil" already names only some
    if not _NARROWING.search(said):
        return False
    if _DUTY_ONLY.search(said):
        return True
    wanted = {stem(w) for w in words(question) if len(w) > 4 and w.endswith(("er", "ir", "re"))}
    plain = any(
        stem(w) in wanted or stem(_infinitive(w)) in wanted
        for w in words(sentence)
        if _PRESENT.match(w) and not w.endswith("ee")
    )
    found = asked_act(question)
    if found is None and (needed := _NEEDED.search(asked)):
        found = ("", needed.group(1))  # "faut-il une convention ?": a convention is the duty
    if found is None and not plain:
        # "Le SPASER, c'est obligatoire pour toutes les communes ?": the thing named is the duty,
        # stated as the object of a plain verb ("… adoptent un schéma de promotion …").
        # the thing is what comes before "c'est obligatoire", not the rest ("toutes les SCIC")
        thing = asked[: ASKS_OBLIGATION.search(asked).start()]  # type: ignore[union-attr]
        named = set(terms(expand(thing)))
        plain = any(
            stem(verb) in named or stem(thing) in named
            for verb, thing in _PLAIN_OBJECT.findall(said)
            if not verb.endswith("ee") and verb not in STOPWORDS and verb not in _NOT_VERBS
        )
    return plain or (found is not None and governs(said, OBLIGES, *found))


_NOT_VERBS = frozenset({"lorsque", "puisque", "quelque", "presque", "comme", "entre", "contre"})
# A verb in the plain present and its object: "adoptent un schéma", "conclut une convention".
_PLAIN_OBJECT = re.compile(
    r"\b([a-z]{3,}(?:e|ent))\s+(?:un|une|le|la|les|des|leur|leurs|son|sa|ses)\s+([a-z]{4,})"
)


_NEEDED = re.compile(r"\b(?:faut-il|il faut|faut) (?:un|une|des|le|la|les) (\w{4,})")


def _infinitive(present: str) -> str:
    """ "adoptent", "adopte" -> "adopter" (the stemmer leaves "adoptent" whole)."""
    return present[:-3] + "er" if present.endswith("ent") else present[:-1] + "er"
