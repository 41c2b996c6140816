"""Whom a rule names: the kinds of body ("une commune" is a collectivité territoriale), what
makes a rule spare only some of them, and a rule that does not apply to the body asking.
"""

from __future__ import annotations

import re

from assistant.french import fold, terms
from assistant.glossary import acronyms

# Of what follows a denial, this many of the question's terms must be there ("aux aides au
# logement locatif social" for "pour des logements locatifs sociaux"): the sentence then denies
# what the question asks, not something else.
DENIAL_OVERLAP = 2


# The asker speaking for the body they serve: officials of local government, this product's users.
_WE = re.compile(r"\b(?:nous|notre|nos)\b")  # not "doit-on", impersonal
_ASKING_TERMS = frozenset(terms("obligatoire obligatoires obligé obligée vraiment toujours"))
# Who a rule may spare, each word -> the kind of body it names: a commune, a département or a
# région is a collectivité territoriale; an association is not a fondation.
PARTIES = {
    **dict.fromkeys(
        terms(
            "collectivité collectivités commune communes département région mairie ville "
            "intercommunalité agglomération"
        ),
        "collectivite",
    ),
    **dict.fromkeys(terms("association associations asso"), "association"),
    **dict.fromkeys(terms("fondation fondations"), "fondation"),
    **dict.fromkeys(terms("entreprise entreprises société sociétés"), "entreprise"),
    **dict.fromkeys(terms("coopérative coopératives"), "cooperative"),
    **dict.fromkeys(terms("État"), "etat"),
}


# What makes an exemption or a non-application depend on the case ("les communes de moins de
# 3 500 habitants", "lorsqu'elles…", "reconnues d'utilité publique", "à l'exception des…"): it
# then spares only some of those it names. On folded text.
QUALIFIED = re.compile(
    r"\b(?:moins de|plus de|au-dela|lorsqu\w*|si|dont|qui|que|sous reserve|sauf|a l'exception|"
    r"hormis|autres? que|reconnue?s?|agreee?s?|employant|au plus|au moins|selon|hors|"
    r"seulement|uniquement|exclusivement|qu'|mais aussi)\b"
)


_NOT_APPLIED = re.compile(
    r"\b(?:ne s'applique(?:nt)? pas|n'est pas applicable|ne sont pas applicables|ne concerne(?:nt)? "
    r"pas|ne vise(?:nt)? pas)\b(?P<rest>[^.;:]{0,160})"
)


def not_applied(question: str, asked: str, said: str) -> bool:
    """Whether `said` says the rule does not apply to what a question asking whether it is
    compulsory is about ("C'est vraiment obligatoire pour une collectivité ?"): what follows
    the denial names the asking sentence's own subject and more of the question."""
    own = set(terms(asked)) - _ASKING_TERMS
    whole = set(terms(question))
    named = {PARTIES.get(t, t) for t in whole}
    if _WE.search(fold(question)) and "etat" not in named:
        named.add("collectivite")  # "sur notre budget": the asker is a local body
    for match in _NOT_APPLIED.finditer(said):
        if QUALIFIED.search(match.group("rest")):
            continue  # "aux communes de moins de 10 000 habitants": only some of them
        rest = set(terms(match.group("rest")))
        spared = {PARTIES[t] for t in rest if t in PARTIES}
        if own & rest and len(whole & rest) >= DENIAL_OVERLAP and spared <= named:
            return True
    return False


# Kinds of body the texts name by their acronym: a sentence on one does not answer a question
# on another ("entrer au capital d'une SCOP" / "La SCIC permet à une commune…").
_BODIES = "scic scop cae sapo cuma siae ei etti aci ea esat geiq ptce cress epci".split()  # noqa: SIM905
_BODY_NAME = re.compile(rf"\b(?:{'|'.join(_BODIES)})\b")


def other_body(question: str, sentence: str) -> bool:
    """Whether the question names kinds of body (by acronym or long form) none of which the
    sentence names, while the sentence names another."""
    asked, said = _bodies_named(question), _bodies_named(sentence)
    return bool(asked and said and not asked & said)


def _bodies_named(text: str) -> set[str]:
    folded = fold(text)
    long_forms = acronyms()
    named = set(_BODY_NAME.findall(folded))
    return named | {b for b in _BODIES if b in long_forms and fold(long_forms[b]) in folded}
