"""French text analysis shared by the lexical index, the answer builder and the evaluation.

Pure functions: accent folding, tokenising, stemming, sentence splitting.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import Stemmer


def _word_list(name: str) -> frozenset[str]:
    """A list of folded words kept as data beside this module (one per line, # comments)."""
    text = resources.files("assistant").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def verb_lists() -> dict[str, Any]:
    """verbs.toml, read once: the verbs that name the same act (yes/no verdicts), and the words
    that tell a list of things to do (steps)."""
    raw = resources.files("assistant").joinpath("verbs.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


# Function words, and the words of a question that carry no topic ("quel", "comment", "peut").
STOPWORDS = _word_list("stopwords.txt") | _word_list("asking_words.txt")
# What `terms` does, as a stamp saved with each passage's analysed terms: a saved index made
# by another analysis (a word added to the lists above) is analysed again, not mixed with this
# one. Raise the number when `terms` changes in code.
ANALYSER = hashlib.sha256(
    "\n".join(["1", "snowball-french", *sorted(STOPWORDS)]).encode()
).hexdigest()[:16]

_TOKEN = re.compile(r"[a-z0-9]+(?:[-][a-z0-9]+)*")
_stemmer = Stemmer.Stemmer("french")


# `fold` and `terms` run on every candidate sentence of every answer, and the same sentences of
# the same passages come back question after question: both are memoised (bounded).
@lru_cache(maxsize=20_000)
def fold(text: str) -> str:
    """Lowercase and strip accents, so "Collectivités" and "collectivites" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("æ", "ae").replace("’", "'")


def words(text: str) -> list[str]:
    """Folded word tokens, hyphenated compounds split into their parts too."""
    out: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if "-" in token:
            out.extend(part for part in token.split("-") if part)
        else:
            out.append(token)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a folded word; folded feminine endings ("obligee") are cut first
    so that they meet their masculine forms, as they would with their accents."""
    if word.endswith("ees"):
        word = word[:-2]
    elif word.endswith("ee"):
        word = word[:-1]
    return str(_stemmer.stemWord(word))


def content_words(text: str) -> list[str]:
    """Folded words that carry meaning (no function words, no single letters)."""
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def terms(text: str) -> list[str]:
    """Stemmed content terms: what the lexical index and the overlap measures compare."""
    return list(_terms(text))


@lru_cache(maxsize=20_000)
def _terms(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in content_words(text))


# Sentence boundaries: after . ! ? or ; followed by a capital, a quote or a numbered item,
# except after abbreviations such as "art.", "n°", "L.", "cf.".
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:art|arts|al|cf|etc|ex|no|n°|p|pp|M|MM|Mme|Dr|St|Ste|op|cit|ibid|[A-Z]))\.$"
)
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=[«\"(A-ZÀ-ÖØ-Þ0-9])")
_ITEM = re.compile(
    r"^\s*(?:[«»\"]\s*)?(?:[IVX]+\.?\s*[-–.]|\d+°|\d{1,2}[.)](?=\s)|[a-z]\)|[-–•*])\s*"
)
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.)]$")  # "1." opening a numbered line: not a sentence


_ENDS_SENTENCE = re.compile(r"[.;:!?»)\]]$")


def _lines(text: str) -> list[str]:
    """The lines of a passage, a line that carries on the sentence of the previous one (a PDF
    page or column break mid-sentence: no closing punctuation before, lower case after; or a
    reference cut after its abbreviation or its "n°", "article L." then "3332-17-1") joined
    back to it."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if out and (
            (line[0].islower() and not _ENDS_SENTENCE.search(out[-1]) and not _ITEM.match(line))
            # "l'article L." / "3332-17-1 du code…", "la loi n°" / "47-1775 du 10 septembre…":
            # a reference broken after its abbreviation, or after a line that does not end
            or (
                line[0].isdigit()
                and not _ITEM.match(line)
                and (_ABBREVIATIONS.search(out[-1]) or not _ENDS_SENTENCE.search(out[-1]))
            )
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def passage_lines(text: str) -> list[str]:
    """The lines of a passage, a sentence broken across lines joined back."""
    return _lines(text)


def sentences(text: str) -> list[str]:
    """Split a passage into sentences; each line of an enumeration (1°, a), -) stands alone.
    A passage is split once per process (the same passages come back request after request);
    each caller gets its own list."""
    return list(_sentences(text))


@lru_cache(maxsize=20_000)
def _sentences(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in _lines(text):
        start = 0
        for match in _BOUNDARY.finditer(line):
            candidate = line[start : match.start()].rstrip()
            if _ABBREVIATIONS.search(candidate) or _LIST_NUMBER.match(candidate):
                continue
            if candidate:
                out.append(candidate)
            start = match.end()
        tail = line[start:].strip()
        if tail:
            out.append(tail)
    return tuple(out)


def is_list_item(sentence: str) -> bool:
    return bool(_ITEM.match(sentence))
