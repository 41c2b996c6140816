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

from assistant.asked import asking
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


# A limit the asker quotes after its figure ("c'était 20 % maxi"), not their situation.
_BOUNDED_AFTER = re.compile(r"^\s*(?:maxi|max|maximum|minimum|mini|au plus|au moins|plafond)\b")
# What the asker asks to go beyond ("détenir plus de la moitié", "dépasser 50 %"): every value
# above the figure.
_ABOVE = re.compile(r"(?:(?<!pas )plus de|au-dela de|depasser|exceder|davantage que) $")
# Shares said in words, read as the percentages the texts give ("la moitié du capital").
_FRACTIONS = [
    (re.compile(r"\bde la moitie\b"), "de 50 %"),
    (re.compile(r"\b(?:la|une) moitie\b"), "50 %"),
    (re.compile(r"\bdes deux tiers\b"), "de 66,7 %"),
    (re.compile(r"\bdeux tiers\b"), "66,7 %"),
    (re.compile(r"\bdu tiers\b"), "de 33,3 %"),
    (re.compile(r"\b(?:le|un) tiers\b"), "33,3 %"),
    (re.compile(r"\btrois quarts\b"), "75 %"),
    (re.compile(r"\bdu quart\b"), "de 25 %"),
    (re.compile(r"\b(?:le|un) quart\b"), "25 %"),
]


def _folded(text: str) -> str:
    folded = fold(text)
    for pattern, share in _FRACTIONS:
        folded = pattern.sub(share, folded)
    return folded


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
    folded = _folded(question)
    out: list[tuple[float, str]] = []
    for match in _figures(folded, _FIGURE):
        before = folded[max(0, match.start() - 60) : match.start()]
        if _BOUNDED_BEFORE.search(before[-24:]) or _BOUNDED_AFTER.match(folded[match.end() :]):
            continue
        if match.group(2) == "%" and _OTHER_HOLDER.search(before):
            continue
        # Every figure, the same value twice too: "la commune 30 % et la région 30 %" are two.
        out.append((_number(match.group(1)), _unit(folded, match.group(2), match.end())))
    return out


def asked_above(question: str) -> list[tuple[float, str]]:
    """The figures the asker asks to go beyond ("peut-on détenir plus de la moitié du capital
    ?" -> (50, "% capital")), each once."""
    folded = _folded(asking(question))  # not a rule quoted before ("on ne peut pas dépasser")
    out: list[tuple[float, str]] = []
    for match in _figures(folded, _FIGURE):
        before = folded[max(0, match.start() - 24) : match.start()]
        if _ABOVE.search(before) and not _NEGATED.search(before):
            figure = (_number(match.group(1)), _unit(folded, match.group(2), match.end()))
            if figure not in out:
                out.append(figure)
    return out


def bounds(sentence: str) -> list[Bound]:
    """The limits a sentence sets on counted quantities."""
    folded = _folded(sentence)
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
    within = _within(question, sentence)
    return within if within is not None else _beyond(question, sentence)


# "Chacun peut aller jusqu'à 50 % ?": each of several, not one asker's share.
_EACH = re.compile(r"\bchacune?\b")


def _within(question: str, sentence: str) -> bool | None:
    figures = stated(question)
    if not figures:
        return None
    every_limit = bounds(sentence)
    for value, unit in figures:
        if sum(u == unit or (u[0] == unit[0] == "%") for _, u in figures) > 1:
            continue  # "un budget de 500 000 € et 20 000 € de subvention": which one?
        limits = [b for b in every_limit if _same_quantity(b, unit, question)]
        if not limits:
            continue
        if not all(b.admits(value) for b in limits):
            return False
        if _one_of_several(question, sentence):
            # Below a cap several share, one holder is within it if the others leave room:
            # "Oui, à certaines conditions"; at the cap itself, or for each of several, no.
            below = all(value < b.value for b in limits if b.upper)
            return True if below and not _EACH.search(fold(question)) else None
        return True
    return None


def _same_quantity(bound: Bound, unit: str, question: str) -> bool:
    """Whether `bound` is on the quantity `unit` names; "35 %" stated alone, in a question about
    the capital, is a share of the capital."""
    return bound.unit == unit or (
        unit == "%" and bound.unit.startswith("% ") and bound.unit[2:] in fold(question)
    )


def _one_of_several(question: str, sentence: str) -> bool:
    """Whether the sentence caps what several hold together while the asker speaks of one."""
    return bool(_COLLECTIVE.search(fold(sentence))) and not _STATED_TOGETHER.search(fold(question))


# What a share asked about is a share of ("45 % dans la SCIC"; not "un projet 100 %
# environnemental").
_SHARE_OF = re.compile(r"\b(?:capital|parts?|scic|societe|actions|participation)\b")


def undecided(question: str, sentence: str) -> bool:
    """Whether the question states (or asks to go beyond) a figure that `sentence` does not
    settle: a share whatever the sentence says ("Chacun de nous peut monter à 50 % ?" against
    a cap of 50 % held together, or a sentence with no cap), another quantity when the sentence
    bounds it. Its "peuvent" then answers nothing either."""
    units = {u for _, u in stated(question)} | {u for _, u in asked_above(question)}
    if not units or settles(question, sentence) is not None:
        return False
    if any(u.startswith("%") for u in units) and _SHARE_OF.search(fold(question)):
        # A share asked about ("monter à 45 %, la commune y est déjà à 10 %") is answered by
        # the figures only: a sentence that bounds none settles nothing.
        return True
    # A share stated alone ("monter à 50 %") may be the share a sentence bounds.
    return any(
        b.unit in units or ("%" in units and b.unit.startswith("% ")) for b in bounds(sentence)
    )


def _beyond(question: str, sentence: str) -> bool | None:
    """For a question asking to go beyond a figure ("plus de la moitié du capital ?"), against
    the caps a sentence sets on the same quantity: False when no value beyond it is within
    them, True when some are (unless the cap is on what several hold together and the asker
    speaks of one), None when the sentence caps nothing asked."""
    asked = asked_above(question)
    if len(asked) != 1:
        return None
    value, unit = asked[0]
    caps = [b for b in bounds(sentence) if b.upper and _same_quantity(b, unit, question)]
    if not caps:
        return None
    if any(b.value <= value for b in caps):
        return False
    return None if _one_of_several(question, sentence) else True
