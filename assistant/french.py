"""French text analysis shared by the lexical index, the answer builder and the evaluation.

Pure functions: accent folding, tokenising, stemming, sentence splitting.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Function words, plus the words of a question that carry no topic ("quel", "comment", "peut").
STOPWORDS = frozenset(
    [
        "a",
        "ai",
        "aie",
        "aient",
        "aies",
        "ait",
        "alors",
        "as",
        "au",
        "aucun",
        "aucune",
        "aupres",
        "aura",
        "aurai",
        "auraient",
        "aurais",
        "aurait",
        "auras",
        "aurez",
        "auriez",
        "aurions",
        "aurons",
        "auront",
        "aussi",
        "autre",
        "autres",
        "aux",
        "avaient",
        "avais",
        "avait",
        "avant",
        "avec",
        "avez",
        "aviez",
        "avions",
        "avoir",
        "avons",
        "ayant",
        "c",
        "ca",
        "ce",
        "ceci",
        "cela",
        "celle",
        "celles",
        "celui",
        "cependant",
        "certain",
        "certaine",
        "certaines",
        "certains",
        "ces",
        "cet",
        "cette",
        "ceux",
        "chaque",
        "chez",
        "ci",
        "comme",
        "comment",
        "d",
        "dans",
        "de",
        "des",
        "deja",
        "depuis",
        "donc",
        "dont",
        "du",
        "elle",
        "elles",
        "en",
        "encore",
        "entre",
        "es",
        "est",
        "et",
        "etaient",
        "etais",
        "etait",
        "etant",
        "ete",
        "etes",
        "etre",
        "eu",
        "eux",
        "faire",
        "fait",
        "faut",
        "il",
        "ils",
        "j",
        "je",
        "jusqu",
        "l",
        "la",
        "laquelle",
        "le",
        "lequel",
        "les",
        "lesquelles",
        "lesquels",
        "leur",
        "leurs",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ont",
        "ou",
        "par",
        "parce",
        "pas",
        "peu",
        "peut",
        "peuvent",
        "plus",
        "pour",
        "pourquoi",
        "puis",
        "puisque",
        "qu",
        "quand",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "quoi",
        "s",
        "sa",
        "sans",
        "se",
        "selon",
        "sera",
        "serait",
        "ses",
        "si",
        "sinon",
        "soit",
        "son",
        "sont",
        "sous",
        "suis",
        "sur",
        "t",
        "ta",
        "te",
        "tel",
        "telle",
        "tels",
        "telles",
        "tes",
        "toi",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "tu",
        "un",
        "une",
        "vers",
        "vos",
        "votre",
        "vous",
        "y",
        "est-ce",
        "cest",
        "quest",
    ]
)

# Words of the way people ask, not of what they ask about: verbs of modality and speech, small
# talk, quantity questions. Left in, they make "je dois" match every "doit" of the law.
_ASKING = frozenset(
    [
        "dois",
        "doit",
        "doivent",
        "devons",
        "devez",
        "devrait",
        "devraient",
        "devrais",
        "peux",
        "peut",
        "peuvent",
        "pouvons",
        "pouvez",
        "pourrait",
        "pourraient",
        "pourrais",
        "puis",
        "veux",
        "veut",
        "voudrait",
        "voudrais",
        "voudrions",
        "voulons",
        "aimerait",
        "aimerais",
        "aimerions",
        "sais",
        "sait",
        "savoir",
        "savez",
        "connais",
        "vrai",
        "vraiment",
        "oui",
        "non",
        "bien",
        "alors",
        "bon",
        "combien",
        "quoi",
        "quand",
        "pourquoi",
        "ou",
        "dis",
        "dit",
        "dire",
        "explique",
        "expliquer",
        "resume",
        "resumer",
        "donne",
        "donner",
        "cite",
        "citer",
        "existe",
        "existent",
        "concretement",
        "exactement",
        "actuellement",
        "aujourd",
        "hui",
        "ici",
        "chez",
        "nous",
        "notre",
        "nos",
        "mon",
        "ma",
        "mes",
        "moi",
        "on",
        "va",
        "vont",
        "allons",
        "viens",
        "vient",
        "venons",
        "sommes",
        "suis",
        "parle",
        "parler",
    ]
)
STOPWORDS = STOPWORDS | _ASKING

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
    page or column break mid-sentence: no closing punctuation before, lower case after) joined
    back to it."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if (
            out
            and line[0].islower()
            and not _ENDS_SENTENCE.search(out[-1])
            and not _ITEM.match(line)
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def passage_lines(text: str) -> list[str]:
    """The lines of a passage, a sentence broken across lines joined back."""
    return _lines(text)


def sentences(text: str) -> list[str]:
    """Split a passage into sentences; each line of an enumeration (1°, a), -) stands alone."""
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
    return out


def is_list_item(sentence: str) -> bool:
    return bool(_ITEM.match(sentence))
