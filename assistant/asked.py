"""What a yes/no question asks: the sentence that asks, whether it asks a permission or a
duty, and the act it asks about ("peut-elle être associée", "doit-on prévenir"). Read by the
verdict, by whom a duty binds (scope.py) and by whom a rule spares (exemptions.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.followup import ABOUT
from assistant.french import fold, stem

# On folded text.
ASKS_PERMISSION = re.compile(
    r"\b(?:peu[tx]|peuvent|pourrai\w*|pourr\w+|puis|pouvons|pouvez|possible|le droit|droit de|"
    r"autorise\w*|ouvert\w*|permis\w*|peut-on|peut-elle|peut-il|peuvent-elles|peuvent-ils|"
    r"envisageable|admis\w*|legal\w*|jouable|faisable)\b"
)
# "c'est obligatoire ?", "obligatoire pour toutes les communes", not the noun's adjective in
# "peut-elle partager les réserves obligatoires ?".
ASKS_OBLIGATION = re.compile(
    r"\b(?:doi[st]|doivent|devons|devez|oblige\w*|obligatoirement|faut-il|il faut|tenue?s? de|"
    r"(?<!peut )(?<!-on )(?<!peux )(?<!peuvent )(?<!droit d')(?<!possible d')impose\w*|"
    r"(?:est|sont|etre|soit|serait|ce|il|elle|pas|vraiment|toujours|bien|forcement|"
    r"rendue?s?|rendre|devenu\w*)\s+obligatoires?|obligatoires?(?=\s*(?:\?|$|de\b|d'|pour\b|"
    r"dans\b|a partir\b|des\b|au-dela\b|quand\b|si\b|ou (?:pas|non)\b|,)))"
)
# The verb a yes/no question asks about, after its modal: "peut-elle être associée", "doit-on
# prévenir", "a-t-on le droit de réserver". On folded text.
_ASKED_VERB = re.compile(
    r"\b(?:peu[tx]|peuvent|pourr\w+|puis|doi[st]|doivent|faut|droit de|droit d'|possible de|"
    r"autorise\w* a|oblige\w* d(?:e|')|tenue?s? d(?:e|'))"
    r"(?:-(?:t-)?(?:il|elle|ils|elles|on|je|nous|vous))?(?:\s+|(?<='))(?:(?:pas|plus|encore|bien|vraiment|aussi|quand meme|legalement|directement|"
    r"obligatoirement|forcement|necessairement|absolument|toujours|en|y|lui|"
    r"leur|la|le|les|l'|se|s'|me|m'|nous|vous)\b\s*)*(?:etre\s+|avoir\s+)?"
    r"(?:(?:elle|lui|eux|elles|soi)-? ?memes?\s+|a\s+|au\s+|l'|d')*"
    r"(?!(?:une|des|les|aux|ces|ses|son|sa|leur|leurs|cette|cet|obligatoirement|forcement|"
    r"necessairement|absolument|toujours)\b)(?P<verb>[a-z]{3,})"
)


# The verdict reads every candidate sentence against the same question: the question is read
# once.
@lru_cache(maxsize=4096)
def asking(question: str) -> str:
    """The sentence that asks (the last one with a question mark), without the context an
    official gives before it ("On nous dit que la collectivité doit juste accompagner."), nor
    the earlier question a follow-up is about ("S'il le vend à son fils, c'est pareil ? — à
    propos de : … doit-il informer ses salariés ?" asks about the son, not the rule)."""
    question = question.split(ABOUT)[0]
    sentences = _sentences(question)
    asked = [s for s in sentences if "?" in s]
    return (asked or sentences or [question])[-1]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]


# "On voudrait réserver le marché aux entreprises de l'ESS, c'est possible ?": the verb asked
# about is what the asker wants to do, the question is whether that is allowed. On folded text.
_IS_IT_ALLOWED = re.compile(
    r"\b(?:c'?est|c est|ce serait|est-ce|serait-ce)\s+(?:\w+\s+)?(?:possible|jouable|legal|"
    r"autorise|permis|envisageable|faisable)\b|\b(?:ca|cela) tient (?:la route|juridiquement)\b|"
    r"\b(?:a|ont|avons|avez|aurait|auraient)(?:-t-(?:il|elle|on))? le droit\b(?! de\b| d')"
)
_WANTED_VERB = re.compile(
    r"\b(?:voudrai\w*|veu[tx]|veulent|voulons|souhait\w*|aimer\w*|envisag\w* de|compt\w*|"
    r"pens\w*|prevo\w* de|projet\w* de)\s+(?:(?:le|la|les|l'|lui|leur|y|en|se|s')\s*)*"
    r"(?P<verb>[a-z]{3,}(?:er|ir|re))\b"
)


# Verbs that say little without their object: "faire une avance", "devenir partie", "prendre des
# parts". The act asked about is then also named by the object ("allouer des avances").
LIGHT = frozenset({"fair", "deven", "etre", "avoir", "donn", "mettr", "prendr"})
# Verbs whose object is another act ("décider de partager", "choisir de réserver"): that act is
# the one asked about.
_CONTROL = frozenset({"decid", "chois", "accept", "demand", "tent", "envisag"})
_CONTROLLED = re.compile(
    r"\s+(?:de|d')\s*(?:(?:se|s'|le|la|les|l'|leur|lui|y|en)\s*)*(?P<verb>[a-z]{3,}(?:er|ir|re|oir))\b"
)
_OBJECT = re.compile(
    r"\s+(?:(?:un|une|des|le|la|les|l'|du|de|d'|son|sa|ses|leur|leurs|quand meme)\s*)*"
    r"(?P<object>[a-z]{4,})"
)


@lru_cache(maxsize=4096)
def asked_act(question: str) -> tuple[str, str | None] | None:
    """The stem of the verb the question asks permission or obligation for, and the stem of its
    object when the verb is a light one."""
    asked = fold(asking(question))
    match = _ASKED_VERB.search(asked)
    if match is None and _IS_IT_ALLOWED.search(asked):
        match = _WANTED_VERB.search(asked)
        if match is None:
            # "Le maire voudrait réserver le marché aux entreprises de l'ESS. C'est jouable ?":
            # what is wanted is said in the sentence before the one that asks.
            asked = before_asking(question)
            match = _WANTED_VERB.search(asked)
    if match is None:
        return None
    verb = stem(match.group("verb"))
    wanted = _CONTROLLED.match(asked, match.end()) if verb in _CONTROL else None
    if wanted and wanted.group("verb") not in ("etre", "avoir"):
        # "peut-elle décider de se partager les réserves": what is asked is the sharing
        verb = stem(wanted.group("verb"))
    if verb not in LIGHT:
        return verb, None
    thing = _OBJECT.match(asked, match.end())
    if thing is None:
        return None  # "prendre 60 % de la SCIC": a light verb says nothing without its object
    return verb, thing.group("object")


def before_asking(question: str, asked: str | None = None) -> str:
    """The sentence before the one that asks, folded ("" when there is none)."""
    asked = asking(question) if asked is None else asked
    text = question.split(ABOUT)[0]
    end = text.rfind(asked)
    sentences = _sentences(text[:end])
    return fold(sentences[-1]) if end > 0 and sentences else ""


def asked_verb(question: str) -> str | None:
    """The stem of the verb the question asks permission or obligation for."""
    found = asked_act(question)
    return found[0] if found else None


# What an act is done for: "monter un dossier pour prouver qu'il remplit les conditions".
PURPOSE = re.compile(
    r"\bpour (?:(?:le|la|les|l'|se|s'|lui|leur|en|y|nous|vous)\s*)*(?P<verb>[a-z]{3,}(?:er|ir|re|oir))\b"
)


def obligation_asked(question: str) -> bool:
    """Whether the question asks whether something must be done ("doit-elle", "faut-il")."""
    return bool(ASKS_OBLIGATION.search(fold(asking(question))))
