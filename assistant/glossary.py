"""Query vocabulary: the texts spell out what officials abbreviate or say in everyday words."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from assistant.french import fold


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
        if short not in found and len(short) >= 3 and fold(long) in folded:
            additions.append(short.upper())
    return query if not additions else f"{query} ({'; '.join(additions)})"
