"""Figures in sentences: the quantity a question asks for, and whether two sources give
different values of the same quantity.

Pure functions over text, so they are tested without an index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.french import fold, stem, terms

# A figure in a sentence: a number (digits or words) with its unit, or a share in words. Article
# numbers, dates and "1°" are not figures: they would answer "combien ?" with anything.
# Numbers in words and their values (folded), as the texts and the questions write them.
NUMBER_WORDS: dict[str, float] = {
    "un": 1,
    "une": 1,
    "demi": 0.5,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "cent": 100,
    "mille": 1000,
}
_NUMBER = r"(?:\d[\d  .,]*|" + "|".join(NUMBER_WORDS) + ")"
_UNITS = (
    r"%|pour ?cent|euros?|€|ans?|annees?|mois|jours?|semaines?|heures?|fois|salaries|habitants|"
    r"membres|personnes|exercices?|categories|associes|sieges|voix"
)
_SHARE_UNITS = r"%|pour ?cent"
_DURATION = (
    r"ans?|annees?|mois|jours?|semaines?|heures?|minutes?|min|h|annuel\w*|mensuel\w*|tous les|"
    r"demi-journees?|journees?"
)
# A deadline counted in a company's financial years: "le septième exercice qui suit".
_FISCAL_YEAR = re.compile(
    r"\b(?:premier|second|[a-z]+ieme) exercice(?= (?:qui suit|suivant|clos apres|a compter))"
)
# What the question asks for -> the units that answer it.
_ASKED_UNITS = [
    (
        r"\b(montant|euros?|cout\w*|prix|budget|bareme|tarif|seuil|plafonds?|touche\w*|paye\w*|indemnite|"
        r"remuneration|salaire|cotisation|redevance|amende|aides?|primes?|allocations?|dotations?)\b|€",
        r"euros?|€",
    ),
    (r"\b(pourcentage|taux|proportion|part|parts|quota|%|capital)(?!\w)", _SHARE_UNITS),
    (
        r"\b(delai|duree|temps|ans|annees?|mois|jours?|semaines?|frequence|periodicite|"
        r"quand|tous les combien)\b",
        _DURATION,
    ),
    (r"\b(heures?|minutes?)\b", r"heures?|minutes?|min|h"),
]
# "la moitié", "un septième", "le dixième du capital" (not "le septième exercice", an ordinal).
_FRACTION = r"(?:cinquiemes?|sixiemes?|septiemes?|huitiemes?|dixiemes?|centiemes?)"
_SHARE = re.compile(
    rf"\b(?:moitie|tiers|quarts?|majorite|(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf) "
    rf"{_FRACTION}|(?:le|les|du|au) {_FRACTION}(?= (?:du|de la|des|de l'|d')))"
)
_PERCENT = re.compile(r"(\d+(?:[,.]\d+)?)\s?(?:%|pour ?cent)")
# "50 % du capital", "49 % des voix": what a percentage is a share of.
_SHARE_OF = re.compile(
    r"(\d+(?:[,.]\d+)?)\s?(?:%|pour ?cent)\s+(?:au (?:plus|moins|maximum|minimum)\s+)?"
    r"(?:du|de la|de l'|des|d')\s*([a-z]+(?:\s+(?:de|d')\s*[a-z]+)?)"
)
DELEGATED = re.compile(
    r"(fixee?s? |determinee?s? |precisee?s? |definie?s? )(par|en) (?:un |le |une )?(decret|"
    r"voie reglementaire|arrete|conseil d'etat)"
)


_DATE = re.compile(
    r"\b(?:1er|\d{1,2})\s+(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|"
    r"octobre|novembre|decembre)\s+\d{4}\b|\b(?:depuis|avant|apres|a compter du|au|en|jusqu'en)\s+"
    r"(?:19|20)\d{2}\b"
)
_FREQUENCY = re.compile(
    r"\b(?:tous les (?:deux |trois |quatre |cinq |six )?(?:ans|mois)|chaque (?:annee|an|mois)|"
    r"annuel\w*|au moins (?:une fois )?(?:tous les|par|une fois par)\s+\w+|une fois par \w+|"
    r"dans (?:un|le) delai (?:de|d')\s+\S+\s+\w+|triennal\w*|biennal\w*)"
)
# "par mois", "chaque mois", "sur huit ans", "sur l'année": the period of the amount the
# question asks for, and "cette année": when, not what. On folded text.
_RATE = re.compile(
    rf"\b(?:(?:par|sur|ces|les) (?:{_NUMBER} )?|sur l'|cette |ce |chaque |tous les |toutes les )"
    r"(?:mois|ans?|annees?|jours?|semaines?|heures?)\b"
)
_CAPITAL_AMOUNT = re.compile(
    r"\bcapital (?:social )?(?:minimum|minimal|de depart|a prevoir)\b|\bminimum de capital\b|"
    r"\bmontant du capital\b"
)
_LEAVES = re.compile(r"\b(?:on|je|il|elle) part\b")
_ASKS_WHEN = re.compile(r"\bquand\b|\bdate\b|\bfrequence\b|\bperiodicite\b|tous les combien")


def figure_in(text: str, asked: str = "", counted: tuple[str, ...] = ()) -> str | None:
    """The phrase of `text` that states the kind of quantity the (folded) question asks for: an
    amount in euros for "combien coûte", a share for "quel pourcentage", a duration for "quel
    délai", the counted noun for "combien d'associés"; any number with a unit otherwise."""
    folded = fold(text)
    # "combien d'années ? … quand devra-t-elle le renouveler": a count asked is answered by a
    # count, never by the date a text was signed.
    if (
        not counted
        and _ASKS_WHEN.search(asked)
        and (when := _DATE.search(folded) or _FREQUENCY.search(folded))
    ):
        return when.group(0)
    rate = _RATE.sub(" ", asked)  # "combien par mois ?" asks an amount, not a duration
    # "le capital social minimum", "quel capital minimum": an amount of money, not a share
    rate = _CAPITAL_AMOUNT.sub(" montant ", rate)
    rate = _LEAVES.sub(" ", rate)  # "si on part sur une SA": the verb, not a share
    units = [
        next(
            (unit for words, unit in _ASKED_UNITS if re.fullmatch(words, w)),
            re.escape(w[:-1] if w.endswith("s") else w) + "s?",
        )
        for w in counted
    ] or [unit for words, unit in _ASKED_UNITS if re.search(words, rate)]
    if not counted and _ASKS_WHEN.search(asked) and "combien" not in asked and _DURATION in units:
        # "quand faut-il informer… la majorité des parts ?" asks a time ("Quand une coopérative
        # incorpore…, elle peut en prendre combien ?" asks a quantity)
        units = [_DURATION]
    # A time asked beside other quantities named ("…50 % du capital. Dans quel délai ?"): the
    # time first.
    if _DURATION in units and len(units) > 1 and (duration := figure_in(text, "delai")):
        return duration
    if (not units or any(unit is _SHARE_UNITS for unit in units)) and (
        share := _SHARE.search(folded)
    ):
        return share.group(0)
    pattern = "|".join(units) if units else _UNITS
    # "trois catégories d'associés": up to two words, an elided article included, between.
    found = next(
        (
            m
            for m in re.finditer(
                rf"\b{_NUMBER}\s*(?:[\w']+\s+|\w+'){{0,2}}?(?:{pattern})(?!\w)", folded
            )
            # "combien d'associations ?": "une association" is an article, not a count
            if not (counted and re.match(r"une?\s+(?!seule?\b)", m.group(0)))
        ),
        None,
    )
    if found is None and _DURATION in units:
        found = _FISCAL_YEAR.search(folded)  # "au plus tard à la clôture du septième exercice"
    return found.group(0) if found else None


def percents(text: str) -> list[str]:
    return [v.replace(".", ",") for v in _PERCENT.findall(fold(text))]


@dataclass(frozen=True)
class Quantity:
    """A percentage and what it is a share of ("capital", "vote")."""

    value: str
    of: str


# What a percentage in these texts is a share of: the capital, the votes, the profits… A
# percentage with none of these near it is not compared with another.
_MEASURED = frozenset(
    stem(w)
    for w in [
        "capital",
        "voix",
        "vote",
        "benefices",
        "excedents",
        "resultat",
        "reserves",
        "sommes",
        "chiffre",
        "affaires",
        "effectif",
        "salaries",
        "travailleurs",
        "personnes",
        "heures",
        "marches",
        "lots",
        "montant",
        "budget",
        "subventions",
        "achats",
        "depenses",
        "recettes",
        "fonds",
        "remuneration",
        "salaire",
        "parts",
        "actions",
        "titres",
        "emplois",
    ]
)


def quantities(text: str) -> list[Quantity]:
    """The percentages of `text` with what they are a share of: the nearest measured noun
    after ("50 % du capital") or, failing that, before ("le capital à hauteur de 20 %")."""
    folded = fold(text)
    out = []
    for match in _PERCENT.finditer(folded):
        after = [stem(w) for w in re.findall(r"[a-z]+", folded[match.end() : match.end() + 60])]
        before = [
            stem(w)
            for w in re.findall(r"[a-z]+", folded[max(0, match.start() - 70) : match.start()])
        ]
        noun = next((w for w in after[:5] if w in _MEASURED), None) or next(
            (w for w in reversed(before[-7:]) if w in _MEASURED), None
        )
        if noun is not None:
            out.append(Quantity(match.group(1).replace(".", ","), noun))
    return out


def same_quantity(a: str, b: str) -> tuple[Quantity, Quantity] | None:
    """Two different values of the same quantity in two sentences ("50 % du capital" and "20 %
    du capital"), or None: a share of votes and a share of capital do not disagree."""
    for qa in quantities(a):
        for qb in quantities(b):
            if qa.of == qb.of and qa.value != qb.value:
                return qa, qb
    return None


def subject_terms(text: str, quantity: Quantity) -> set[str]:
    """Content terms of a sentence besides its figures: what the quantity is about."""
    return set(terms(text)) - {quantity.of, "pourcent"} - {t for t in terms(text) if t.isdigit()}


# "combien de temps avant / après …", "quel délai avant …": the time asked is before or after.
BEFORE_AFTER = re.compile(
    r"\b(?:combien de (?:temps|jours|semaines|mois|ans)|quel delai|dans quel delai) (avant|apres)\b"
)


def after_figure(text: str, asked: str, counted: tuple[str, ...] = ()) -> str:
    """The few words after the figure `text` gives for the (folded) question `asked` ("deux mois
    avant la cession"): they say whether it is a time before or after."""
    folded = fold(text)
    phrase = figure_in(text, asked, counted)
    at = folded.find(phrase) if phrase else -1
    return folded[at + len(phrase) : at + len(phrase) + 20] if phrase and at >= 0 else ""
