"""Checks an LLM-written answer against the passages it was given, in code: the prompt asks for
citations, this makes sure of them. Pure functions, so each rule tests on plain text.

Rules: every citation number names a passage; every sentence that states a fact carries one;
the passages a sentence cites hold most of its content words (lexical overlap, threshold set on
the evaluation set); every number a sentence gives is in the passage it cites, its text or its
source as the model read it (a figure is what an official acts on, and one invented figure
weighs little in a share of words); a sentence says something beyond the question's own words
(a small model that cannot answer echoes the question, citing a passage that shares its words).
One broken rule and the answer is not shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.french import fold, terms, words

_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEAD_CITES = re.compile(r"^(?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*[.,;:]?\s*)+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Sentences that say the passages do not answer state no fact of their own.
_NO_ANSWER = re.compile(
    r"\b(?:passages?|documents?|textes?|sources?)\b(?: \S+){0,4} ne (?:\S+ )?(?:repond|permet|"
    r"contien|precis|di[st]|donn|mentionn|indiqu|trait|abord|fourniss)\w* pas|je ne trouve pas|"
    r"aucun (?:des )?passages?|pas d'information"
)
_MIN_FACT_WORDS = 4  # fewer content words: a heading or a transition, not a claim
# Words that answer a yes/no question by themselves (folded): a sentence that holds one answers.
_VERDICT_WORDS = frozenset(
    [
        "oui",
        "non",
        "ne",
        "n",
        "pas",
        "aucun",
        "aucune",
        "jamais",
        "ni",
        "sans",
        "seul",
        "seule",
        "seulement",
        "uniquement",
    ]
)


@dataclass(frozen=True)
class Sentence:
    text: str
    numbers: tuple[int, ...]


# Kinds of reasons an answer is not shown, for the evaluation report to count by type.
EMPTY = "empty"
UNKNOWN_PASSAGE = "unknown_passage"
UNCITED = "uncited"
UNSUPPORTED = "unsupported"
NO_ANSWER = "no_answer"
RESTATES = "restates_question"
FIGURE = "figure_not_in_passage"


@dataclass(frozen=True)
class Problem:
    """One reason an answer cannot be shown: its kind, and the French sentence that says it."""

    kind: str
    text: str


@dataclass
class GuardResult:
    """The numbers the answer cites and every reason it cannot be shown."""

    cited: list[int] = field(default_factory=list)
    found: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """The reasons, in French."""
        return [p.text for p in self.found]

    @property
    def ok(self) -> bool:
        return not self.found

    def add(self, kind: str, text: str) -> None:
        self.found.append(Problem(kind, text))


def split_sentences(text: str) -> list[Sentence]:
    """Lines, then sentences; a citation written after the full stop ("… 50 %. [1]") stays
    with the sentence it closes."""
    out: list[Sentence] = []
    for line in text.splitlines():
        pieces = [p for p in _SENTENCE_END.split(line.strip()) if p.strip()]
        merged: list[str] = []
        for piece in pieces:
            lead = _LEAD_CITES.match(piece)
            if merged and lead:
                merged[-1] += " " + lead.group(0).strip()
                piece = piece[lead.end() :]
            if piece.strip():
                merged.append(piece)
        for sentence in merged:
            numbers = tuple(
                int(n) for group in _CITE.findall(sentence) for n in re.split(r"\D+", group) if n
            )
            out.append(Sentence(sentence, numbers))
    return out


def states_fact(sentence: str) -> bool:
    """Whether a sentence makes a claim that needs a source: enough content words, and neither a
    heading ("Précisions :") nor a statement that the passages do not answer."""
    bare = _CITE.sub("", sentence).strip()
    if bare.endswith(":") or _NO_ANSWER.search(fold(bare)):
        return False
    return len(set(terms(bare))) >= _MIN_FACT_WORDS


def restates(sentence: str, asked: set[str]) -> bool:
    """Whether a sentence only gives the question back: no content word beyond the question's
    (`asked`, its terms), and no yes or no ("n'est pas partagé", the answer to "peut-il être
    partagé ?", says something with the question's own words)."""
    bare = _CITE.sub("", sentence)
    if _VERDICT_WORDS & set(words(bare)):
        return False
    return not set(terms(bare)) - asked


def figures(sentence: str) -> set[str]:
    """The numbers a sentence gives ("6,5 %" -> 6 and 5, "2024"), as `terms` writes them."""
    return {t for t in terms(_CITE.sub("", sentence)) if t[0].isdigit()}


def overlap(sentence: str, passage_terms: set[str]) -> float:
    """Share of the sentence's content words (stemmed, accents off) found in the passages."""
    words = set(terms(_CITE.sub("", sentence)))
    if not words:
        return 1.0
    return len(words & passage_terms) / len(words)


def check(
    text: str,
    passages: Sequence[str],
    threshold: float,
    question: str = "",
    sources: Sequence[str] = (),
) -> GuardResult:
    """Every reason `text` cannot be shown as an answer to `question` citing `passages` ([1] is
    the first), each read under its `sources` name ("Loi ESS 2014, Article 13")."""
    result = GuardResult()
    if not text.strip():
        result.add(EMPTY, "la réponse du modèle de langue est vide")
        return result
    known = [set(terms(p)) for p in passages]
    named = [set(terms(s)) for s in sources] + [set() for _ in passages[len(sources) :]]
    asked = set(terms(question))
    for sentence in split_sentences(text):
        for n in sentence.numbers:
            if n not in result.cited:
                result.cited.append(n)
            if not 1 <= n <= len(passages):
                result.add(UNKNOWN_PASSAGE, f"elle cite un passage [{n}] qui n'existe pas")
        valid = [n for n in sentence.numbers if 1 <= n <= len(passages)]
        if not states_fact(sentence.text):
            continue
        quoted = f"« {_short(sentence.text)} »"
        if not sentence.numbers:
            result.add(UNCITED, f"la phrase {quoted} ne cite aucune source")
        elif valid:
            support = set().union(*(known[n - 1] for n in valid))
            cited = ", ".join(f"[{n}]" for n in valid)
            if overlap(sentence.text, support) < threshold:
                result.add(
                    UNSUPPORTED,
                    f"la phrase {quoted} ne s'appuie pas sur le passage {cited} qu'elle cite",
                )
            given = set().union(support, *(named[n - 1] for n in valid))
            if missing := sorted(figures(sentence.text) - given):
                result.add(
                    FIGURE,
                    f"la phrase {quoted} donne {', '.join(missing)}, absent du passage {cited}",
                )
        if asked and restates(sentence.text, asked):
            result.add(RESTATES, f"la phrase {quoted} ne fait que reprendre la question")
    if not result.cited and result.ok:
        result.add(NO_ANSWER, "le modèle de langue n'a trouvé aucune réponse dans les passages")
    return result


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
