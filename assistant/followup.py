"""Follow-up questions ("et pour une région ?") rewritten into standalone ones, by rule.

Retrieval only sees one question: a follow-up that names neither the subject nor the rule
would retrieve nothing useful. The rule: a question that reads as a follow-up of the previous
turn takes that turn's question and swaps in the entity the follow-up names ("commune" ->
"région") when both belong to the same family; otherwise the two are joined.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, Field

# Entities a follow-up swaps for one of the same family: who acts, which structure, which text.
_FAMILIES: list[list[str]] = [
    [
        "commune",
        "communes",
        "intercommunalite",
        "intercommunalites",
        "epci",
        "communaute de communes",
        "communaute d'agglomeration",
        "agglomeration",
        "metropole",
        "departement",
        "departements",
        "region",
        "regions",
        "collectivite",
        "collectivites",
        "etat",
    ],
    [
        "scic",
        "scop",
        "cae",
        "association",
        "associations",
        "mutuelle",
        "mutuelles",
        "fondation",
        "fondations",
        "cooperative",
        "cooperatives",
        "siae",
        "entreprise adaptee",
        "entreprises adaptees",
        "esat",
        "entreprise d'insertion",
        "societe commerciale",
        "entreprise",
        "entreprises",
    ],
    ["marche", "marches", "subvention", "subventions", "convention", "conventions", "cpo"],
    ["elu", "elus", "technicien", "techniciens", "salarie", "salaries", "benevole", "benevoles"],
]
# A determiner before the entity, possessives included: "avec ma commune" -> "avec une région".
_ARTICLE = (
    r"(?:(?:un|une|la|le|les|des|du|aux|au|l'|ma|mon|mes|sa|son|ses|notre|nos|votre|vos|leur|"
    r"leurs|cette|ce|cet|ces)\s*)?"
)
# Between the follow-up and the earlier question it leans on, in the question as understood:
# the part before it says what is asked, the part after only what it is about.
ABOUT = " — à propos de : "
# "d'" + "les SCOP" -> "des SCOP": the contractions French makes after a swap.
_CONTRACTIONS = [
    (r"\b(?:d'|de )(?:les|des)\b", "des"),
    (r"\b(?:d'|de )du\b", "du"),
    (r"\b(?:d'|de )le\b", "du"),
    (r"\bd'la\b", "de la"),
    (r"\bde (un|une|l')", r"d'\1"),
    (r"\bd'l'", "de l'"),
    (r"\b(?:a|à) les\b", "aux"),
    (r"\b(?:a|à) le\b", "au"),
]
_LEAD = re.compile(
    r"^\s*(?:et|mais|alors|ok|d'accord|aussi|quid|et quid|et si|dans ce cas|pareil|idem|meme chose)"
    r"\b[\s,]*",
    re.IGNORECASE,
)
_FOLLOWUP_PREFIX = re.compile(
    r"^\s*(?:et|mais|quid|pour|dans le cas|s'agissant|concernant|en ce qui concerne|idem|pareil|"
    r"meme question|et si|alors)\b"
)
# A pronoun pointing back, not the one of an inverted verb ("faut-il", "peut-elle").
_ANAPHORA = re.compile(
    r"(?<!-)\b(?:elle|elles|il|ils|ca|cela|celle-ci|celui-ci|ceux-ci|leur|leurs)\b"
)
# "Ok.", "D'accord, merci.": an acknowledgement before the follow-up itself. On folded text.
_ACKNOWLEDGED = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|d'accord|merci(?: beaucoup)?|tres bien|super|parfait|entendu|bon|ah|"
    r"je vois|compris|oui)\b[\s,.!;:]*)+"
)


class Turn(BaseModel):
    """An earlier turn of the conversation, as the page keeps it."""

    question: str = Field(max_length=2000, description="La question telle que comprise")
    answer: str = Field(default="", max_length=20000)


def fold(text: str) -> str:
    """Lowercase, accents off, one character for one: offsets in the result hold in `text`."""
    out = []
    for char in text.replace("’", "'"):
        base = unicodedata.normalize("NFD", char.lower())
        out.append(base[0] if base else char)
    return "".join(out)


# Spoken French sets the subject first and takes it up with a pronoun: "Un atelier chantier
# d'insertion qu'on finance, il a l'agrément ESUS d'office ?" names what "il" is (a noun
# phrase of three words or more before the comma). On folded text.
_DISLOCATED = re.compile(
    r"^(?:un|une|le|la|les|l'|notre|nos|cette|cet|ce|mon|ma|mes)\s*[^\s,?]+(?:\s+[^\s,?]+){2,}"
    r"\s*,\s*(?:il|elle|ils|elles|ca|cela)\b"
)
# A question this short that points back with a pronoun leans on the previous turn.
_SHORT_WITH_PRONOUN = 12


def is_followup(question: str) -> bool:
    """Whether the question leans on the previous turn: it opens like a follow-up ("et pour…",
    "quid de…"), is a bare fragment of three words or less, or is short and points back
    ("elle", "cela")."""
    folded = _ACKNOWLEDGED.sub("", fold(question)).strip()
    words = re.findall(r"\w+", folded)
    if _FOLLOWUP_PREFIX.match(folded) or len(words) <= 3:
        return True
    long_words = [w for w in words if len(w) > 1]  # not the "s" and "l" of "s'il l'est"
    if _DISLOCATED.match(folded):
        return False  # "Un atelier chantier d'insertion qu'on finance, il a l'agrément ?"
    return len(long_words) <= _SHORT_WITH_PRONOUN and bool(_ANAPHORA.search(folded))


def standalone(question: str, history: list[Turn]) -> str:
    """`question` as it would be asked alone, given the earlier turns (latest last)."""
    if not history or not is_followup(question):
        return question
    previous = history[-1].question.strip()
    acknowledged = _ACKNOWLEDGED.match(fold(question))
    asked_now = question[acknowledged.end() :] if acknowledged else question
    fragment = _LEAD.sub("", asked_now.strip()).rstrip(" ?!.")
    swapped = _swap(previous, fragment)
    if swapped:
        return swapped
    # A follow-up on a detail ("et combien d'associés minimum ?") asks its own thing about the
    # earlier question's subject: it keeps its words, the earlier question says what about.
    topic = previous.split(ABOUT)[-1].strip()
    asked = fragment[:1].upper() + fragment[1:] if fragment else question.strip()
    return f"{asked} ?{ABOUT}{topic}"


def _swap(previous: str, fragment: str) -> str | None:
    """`previous` with its entity replaced by the one `fragment` names, when they are of the
    same family ("une commune" -> "une région"); None when the fragment names no such entity."""
    folded_fragment = fold(fragment)
    for family in _FAMILIES:
        new = _find(folded_fragment, family)
        if new is None:
            continue
        old = _find(fold(previous), [m for m in family if m != fold(new[1])])
        if old is None:
            continue
        start, end = old[0]
        nstart, nend = new[0]
        replacement = _with_article(previous[start:end], fragment[nstart:nend])
        text = previous[:start] + replacement + previous[end:]
        for pattern, repl in _CONTRACTIONS:
            text = re.sub(pattern, repl, text)
        return text[:1].upper() + text[1:]
    return None


def _with_article(old: str, new: str) -> str:
    """`new` (what the follow-up names, with its article when it has one), given the article of
    the words it replaces when it has none: "et la région ?" keeps "la", "et région ?" borrows."""
    if re.match(r"(?:un|une|la|le|les|des|du|aux|au|l'|ma|mon|sa|son|notre|votre)\b|l'", fold(new)):
        return new
    article = re.match(_ARTICLE, fold(old))
    return f"{old[: article.end()]}{new}" if article and article.end() else new


def _find(folded: str, members: list[str]) -> tuple[tuple[int, int], str] | None:
    """The first member of a family in `folded`, with its article, longest names first."""
    best: tuple[tuple[int, int], str] | None = None
    for member in sorted(members, key=len, reverse=True):
        match = re.search(rf"{_ARTICLE}\b{re.escape(member)}\b", folded)
        if match and (best is None or match.start() < best[0][0]):
            best = ((match.start(), match.end()), member)
    return best
