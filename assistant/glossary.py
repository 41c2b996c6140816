"""Query vocabulary: the texts spell out what officials abbreviate or say in everyday words."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from assistant.french import fold, terms


@lru_cache(maxsize=1)
def _sections() -> dict[str, dict[str, str]]:
    raw = resources.files("assistant").joinpath("glossary.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    return {
        name: {fold(k): str(v) for k, v in data.get(name, {}).items()}
        for name in ("acronyms", "colloquial")
    }


@lru_cache(maxsize=1)
def acronyms() -> dict[str, str]:
    """Acronyms and everyday words (folded) mapped to the words the texts use for them."""
    sections = _sections()
    return {**sections["colloquial"], **sections["acronyms"]}


def expand(query: str) -> str:
    """The query followed by the long form of each acronym or everyday word it uses; an acronym's
    long form in the query brings the acronym too."""
    folded = fold(query)
    found = set(re.findall(r"[a-z]+", folded))
    additions: list[str] = []
    for short, long in acronyms().items():
        if short in found:
            additions.append(long)
    for short, long in _sections()["acronyms"].items():
        if short in found or len(short) < 3:
            continue
        if fold(long) in folded:
            additions.append(short.upper())
        elif _loosely(long, folded):
            additions.append(f"{short.upper()} {long}")  # its exact wording, as the texts have it
    return query if not additions else f"{query} ({'; '.join(additions)})"


# An acronym's long form said loosely ("notre schéma des achats responsables" for the schéma de
# promotion des achats publics … responsables): its first and last words, at least three of its
# words in its order, at most one other word between them ("conseil régional … économie sociale
# et solidaire" is no Conseil supérieur); a long form of four words or fewer ("entreprise
# solidaire d'utilité sociale") only whole.
_LOOSE_WORDS = 3
_LOOSE_SPAN = 7


def _loosely(long: str, folded: str) -> bool:
    wanted = terms(long)
    if len(wanted) < _LOOSE_WORDS + 1:
        return False  # "société coopérative" is not yet a SCIC
    needed = len(wanted) if len(wanted) <= 4 else _LOOSE_WORDS
    said = terms(folded)
    for i, term in enumerate(said):
        if term != wanted[0]:
            continue
        window = said[i : i + _LOOSE_SPAN]
        if wanted[-1] not in window:
            continue
        window = window[: window.index(wanted[-1]) + 1]
        order = [wanted.index(t) for t in window if t in wanted]
        others = len(window) - len(order)
        if len(set(order)) >= needed and order == sorted(order) and others <= 1:
            return True
    return False
