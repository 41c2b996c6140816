"""A figure the asker states about their situation ("le club a 12 salariés", "la commune
prendrait 60 % du capital") against the bounds a sentence sets on the same quantity ("employant
neuf salariés au plus", "jusqu'à 50 % du capital"): that sentence settles the yes/no question.
Within every bound: "Oui, à certaines conditions" (a bound is one condition among others);
beyond one: "Non".

Pure functions over text, so they are tested without an index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.figures import NUMBER_WORDS, quantities
from assistant.french import fold

# Number words read alone: "un"/"une" are articles far more often than counts, and a word next
# to another number word or a hyphen is part of a compound ("vingt-cinq", "cinq mille") that is
# not read at all rather than read wrong.
_WORDS = {w: v for w, v in NUMBER_WORDS.items() if w not in ("un", "une", "demi")}
_COMPOUND = "|".join([*NUMBER_WORDS, "et", "million", "millions"])
_NUMBER = r"(\d{1,3}(?:[  .]\d{3})+|\d+(?:,\d+)?|" + "|".join(_WORDS) + r")"
# What is counted, each spelling -> one name.
_COUNTED = {
    "salarie": "salaries",
    "salaries": "salaries",
    "habitant": "habitants",
    "habitants": "habitants",
    "personne": "personnes",
    "personnes": "personnes",
    "membre": "membres",
    "membres": "membres",
    "agent": "agents",
    "agents": "agents",
    "adherent": "adherents",
    "adherents": "adherents",
    "associe": "associes",
    "associes": "associes",
    "euro": "euros",
    "euros": "euros",
    "€": "euros",
    "%": "%",
}
_UNIT = r"(salaries?|habitants?|personnes?|membres?|agents?|adherents?|associes?|euros?|€|%)"
_FIGURE = rf"(?<![\w,.-]){_NUMBER}\s?{_UNIT}(?!\w)"
# Bounds before the figure ("jusqu'à 50 %", "moins de 3 500 habitants") and after it ("neuf
# salariés au plus"); the flags say whether the bound is an upper one, then whether it is strict.
_BEFORE = [
    (
        r"au plus|au maximum|jusqu'a|dans la limite de|n'excedant pas|plafonne\w* a|pas plus de",
        True,
        False,
    ),
    (r"(?<!pas )moins de|inferieure?s? a", True, True),
    (r"au moins|au minimum|a partir de|minimum de|pas moins de", False, False),
    (r"(?<!pas )plus de|superieure?s? a|au-dela de", False, True),
    # "ne peut excéder 50 %", "ne dépasse pas 10 000 €".
    (
        r"ne (?:peu(?:t|vent) |doi(?:t|vent) )?(?:pas )?(?:exceder|depasser)|n'excede pas|"
        r"ne depasse pas",
        True,
        False,
    ),
]
_AFTER = [(r"au plus|au maximum", True, False), (r"au moins|au minimum", False, False)]
# A figure after these words is a limit the asker quotes ("limitées à 20 % du capital", "plus de
# 50 salariés"), not their situation.
_BOUNDED_BEFORE = re.compile(
    r"(?:plus|moins|jusqu'a|au-dela|au moins|au plus|limitee?s?|plafonnee?s?|maximum|minimum|"
    r"max|min|seuil|plafond|limite|depasser|exceder) (?:de |d'|a |a hauteur de )?$"
)
_NEGATED = re.compile(r"\bne\b|\bn'")
# A share another holder has ("les salariés détiennent 60 % du capital"), not the asker's.
_OTHER_HOLDER = re.compile(
    r"\b(?:salaries|associes|cooperateurs|autres|membres|benevoles|usagers|partenaires|"
    r"producteurs|prives?|actionnaires)\b[^,.;:?!]*$"
)
# A limit on what several hold together ("peuvent détenir ensemble jusqu'à 50 %"): one asker's
# share beyond it is beyond it, but within it depends on the others' shares.
_COLLECTIVE = re.compile(r"\b(?:ensemble|cumulee?s?|au total|reunie?s|globalement)\b")
# The asker states what several hold together ("avec la comcom, 35 % à nous deux"): a limit on
# the share they hold together then settles it either way.
_STATED_TOGETHER = re.compile(
    r"\b(?:a nous (?:deux|trois|quatre)|a eux (?:deux|trois)|a elles (?:deux|trois)|ensemble|"
    r"au total|en tout|cumulee?s?|a deux|a trois)\b"
)


@dataclass(frozen=True)
class Bound:
    """An upper or lower limit on a quantity ("neuf salariés au plus": 9, salaries, upper)."""

    value: float
    unit: str
    upper: bool
    strict: bool

    def admits(self, value: float) -> bool:
        if self.upper:
            return value < self.value if self.strict else value <= self.value
        return value > self.value if self.strict else value >= self.value


def _number(text: str) -> float:
    text = text.strip()
    if text in _WORDS:
        return float(_WORDS[text])
    return float(re.sub(r"[  .]", "", text).replace(",", "."))


def _compound(folded: str, start: int) -> bool:
    """Whether the number word at `start` follows another number word ("cinq mille")."""
    return re.search(rf"\b(?:{_COMPOUND})\s+$", folded[max(0, start - 12) : start]) is not None


def _unit(text: str, unit: str, end: int) -> str:
    """The name of a unit; a percentage is named by what it is a share of ("% capital")."""
    name = _COUNTED[unit]
    if name != "%":
        return name
    shares = quantities(text[max(0, end - 12) : end + 60])
    return f"% {shares[0].of}" if shares else "%"


def _figures(folded: str, pattern: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(pattern, folded) if not _compound(folded, m.start(1))]


def stated(question: str) -> list[tuple[float, str]]:
    """The figures a question states with what they count ("a 12 salariés" -> (12, salaries));
    a figure under a bound of its own ("plus de 50 salariés", "limitées à 20 %") is not one
    value of the asker's situation."""
    folded = fold(question)
    out = []
    for match in _figures(folded, _FIGURE):
        before = folded[max(0, match.start() - 60) : match.start()]
        if _BOUNDED_BEFORE.search(before[-24:]):
            continue
        if match.group(2) == "%" and _OTHER_HOLDER.search(before):
            continue
        out.append((_number(match.group(1)), _unit(folded, match.group(2), match.end())))
    return out


def bounds(sentence: str) -> list[Bound]:
    """The limits a sentence sets on counted quantities."""
    folded = fold(sentence)
    out = []
    for words, upper, strict in _BEFORE:
        for match in _figures(folded, rf"\b(?:{words})\s+(?:a\s+)?{_FIGURE}"):
            if _NEGATED.search(folded[max(0, match.start() - 40) : match.start()]) and not (
                re.match(r"(?:pas |ne |n')", folded[match.start() :])
            ):
                # "ne peut être inférieur à 18 500 €", "ne peuvent dépasser plus de 50 %": the
                # negation turns the bound round; read none rather than read it backwards.
                continue
            unit = _unit(folded, match.group(2), match.end())
            out.append(Bound(_number(match.group(1)), unit, upper, strict))
    for words, upper, strict in _AFTER:
        for match in _figures(folded, rf"{_FIGURE}\s+(?:{words})\b"):
            unit = _unit(folded, match.group(2), match.end(2))
            out.append(Bound(_number(match.group(1)), unit, upper, strict))
    return out


def settles(question: str, sentence: str) -> bool | None:
    """Whether the situation the question states is within every bound the sentence sets on the
    same quantity (True), beyond one (False), or None when the sentence bounds nothing stated
    (or bounds a share several hold together, which the asker is within)."""
    figures = stated(question)
    if not figures:
        return None
    every_limit = bounds(sentence)
    for value, unit in figures:
        if sum(u == unit for _, u in figures) > 1:
            continue  # "un budget de 500 000 € et 20 000 € de subvention": which one?
        # "35 %" stated alone, in a question about the capital, is a share of the capital.
        limits = [
            b
            for b in every_limit
            if b.unit == unit
            or (unit == "%" and b.unit.startswith("% ") and b.unit[2:] in fold(question))
        ]
        if not limits:
            continue
        if not all(b.admits(value) for b in limits):
            return False
        together = _STATED_TOGETHER.search(fold(question))
        return None if _COLLECTIVE.search(fold(sentence)) and not together else True
    return None
