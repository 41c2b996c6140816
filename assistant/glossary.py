"""Acronym expansion for queries: the texts spell out what officials abbreviate."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from assistant.french import fold


@lru_cache(maxsize=1)
def acronyms() -> dict[str, str]:
    raw = resources.files("assistant").joinpath("glossary.toml").read_text(encoding="utf-8")
    return {k.lower(): v for k, v in tomllib.loads(raw)["acronyms"].items()}


def expand(query: str) -> str:
    """The query followed by the long form of each acronym it uses (and vice versa)."""
    folded = fold(query)
    found = set(re.findall(r"[a-z]+", folded))
    additions: list[str] = []
    for short, long in acronyms().items():
        if short in found:
            additions.append(long)
        elif len(short) >= 3 and fold(long) in folded:
            additions.append(short.upper())
    return query if not additions else f"{query} ({'; '.join(additions)})"
