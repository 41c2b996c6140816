"""The sentences of a passage that an answer can quote, computed the same way at ingest (to
embed them once) and when answering (to score them against the question)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from assistant.french import fold, is_list_item, passage_lines, sentences, verb_lists

# Bumped whenever `answer_units` splits differently: the sentence vectors stored by an older
# ingest are then recomputed by the next one (and embedded on the fly until then).
UNITS_VERSION = 11

_CONTINUATION = re.compile(
    r"(cette|ces|cet|ce|celle|celui|ceux|il|elle|ils|elles|toutefois|cependant|sauf|"
    r"par derogation|dans ce cas|a defaut|en outre|de meme|le cas echeant|en revanche|"
    r"sous reserve|neanmoins|pour autant|dans ces cas)\b"
)
# A sentence this short ("Des fonds territoriaux de développement associatif peuvent être
# créés.") says little alone: it is also quoted with the sentence after it, which says what.
_BARE = 10


_PRONOUN = re.compile(r"(?:il|elle|ils|elles)\b")


def needs_antecedent(text: str) -> bool:
    """Whether a sentence opens on a personal pronoun ("Elles prennent la dénomination de…"):
    alone, it does not say what it is about."""
    return bool(_PRONOUN.match(fold(text)))


def _bare(text: str) -> bool:
    """A short statement (not an exclamation, a question or a heading)."""
    return len(text.split()) <= _BARE and text.endswith(".")


_FIRST_NUMBER = re.compile(r"^\s*1(?:[.)]|°)\s")
# "Cette fiche répond…", "Ce guide présente…": about the document, not a sequel of the rule.
_ABOUT_ITSELF = re.compile(
    r"(?:cette|ce|cet) (?:fiche|note|page|document|guide|section|partie|synthese|etude|rapport)\b"
)
# A sentence that ends as a sentence (the last one of a passage may be cut by the chunking).
COMPLETE = re.compile(r"[.;:!?»)\]]\s*$")


_STEPS_HEADING = re.compile(
    r"(?i)\b(?:étapes?|démarches?|déroulé|mode d'emploi|marche à suivre|comment (?:créer|monter|faire|"
    r"mettre en place|obtenir))"
)
_NUMBERED = re.compile(r"(?m)^\s*1[.)]\s.*\n(?:.*\n)*?\s*2[.)]\s")


# The first word of each list line, after its marker ("1. Définir…", "- informer :").
_ITEM_WORD = re.compile(r"(?m)^\s*(?:\d{1,2}[.)]|\d+°|[-–•*])\s*([^\W\d_]+)")


@cache
def _infinitives() -> tuple[frozenset[str], frozenset[str]]:
    """Nouns that end like an infinitive in -er or -ir, and the infinitives in -re and -oir a
    step may open with (verbs.toml)."""
    words = verb_lists()["list_lines"]
    return frozenset(words["not_infinitives"]), frozenset(words["other_infinitives"])


def _is_infinitive(word: str) -> bool:
    w = fold(word)
    nouns, others = _infinitives()
    if w in nouns:
        return False
    return w in others or (len(w) >= 5 and w.endswith(("er", "ir")))


def gives_actions(text: str) -> bool:
    """Whether most lines of a list open with an infinitive ("1. Organiser le pilotage…",
    "- Informer : …"): things to do, where "1. Toute personne physique…" lists things."""
    words = _ITEM_WORD.findall(text)
    return len(words) >= 2 and 3 * sum(map(_is_infinitive, words)) >= 2 * len(words)


def lists_steps(text: str, context: str = "") -> bool:
    """Whether a list gives things to do, or sits under a heading that says steps: not the
    forms a thing may take ("1. Une SCIC en forme de SA ; 2. …"). Only its own heading counts,
    not its document's title ("… : mode d'emploi")."""
    heading = context.rsplit(">", 1)[-1]
    if _ONE_STEP.search(fold(heading)):
        return "\n" in text and gives_actions(text)  # "Deuxième étape : …" is one step's section
    return "\n" in text and (gives_actions(text) or bool(_STEPS_HEADING.search(heading)))


_ONE_STEP = re.compile(r"\b(?:\w+ieme|premiere|derniere) etape\b")


def gives_steps(text: str, context: str = "") -> float:
    """How surely a passage lists steps: 1 for a list of things to do, numbered or not; 0.5 for
    other numbered lines ("1. Accueil (15 min)", "1. Toute personne…"), or a list under a
    heading that says steps ("Quelles étapes pour…", "mode d'emploi"); else 0."""
    if "\n" in text and gives_actions(text):
        return 1.0
    if _NUMBERED.search(text):
        return 0.5
    return 0.5 if _STEPS_HEADING.search(context) and "\n" in text else 0.0


def answer_units(passage: str) -> list[str]:
    """The sentences of a passage as answer candidates (see `_answer_units`), computed once per
    passage and process; each caller gets its own list."""
    return list(_answer_units(passage))


@lru_cache(maxsize=20_000)
def _answer_units(passage: str) -> tuple[str, ...]:
    """The sentences of a passage as answer candidates. A sentence that announces a list (ends
    with ':') comes with the list lines that follow it, a run of list lines that nothing
    announces ("1. Définir…", "2. Constituer…") also comes as a whole, and a sentence followed
    by its own exception or sequel ("Toutefois…", "Cette condition…") comes with it: a rule
    quoted without its exception misleads the official who acts on it. A statement of ten
    words or fewer comes with the sentence after it too (and alone): alone, it says little."""
    units = sentences(passage)
    runs = _list_runs(passage)
    out: list[str] = []
    announced = False
    for i, text in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else ""
        run = runs.get(following) if following else None
        if text.endswith(":"):
            # The announcing sentence alone says nothing: never quoted bare. Its list is
            # quoted with it, or, when the passage ends before the list, it is left out.
            if run:
                listed = text + "\n" + "\n".join(_capped(run))
                if i and needs_antecedent(text) and not units[i - 1].endswith(":"):
                    # "Elle doit ensuite remplir les conditions suivantes :" says who only in
                    # the sentence before it, quoted with it (and the list alone, as before).
                    out.append(f"{units[i - 1]} {listed}")
                out.append(listed)
                announced = True
                continue
        elif (
            following
            and not following.endswith(":")  # "Il en va ainsi des formalités suivantes :"
            # a list's last line ("- certains établissements … handicapés.") is no statement
            # to read with the paragraph after the list
            and (_CONTINUATION.match(fold(following)) or (_bare(text) and not is_list_item(text)))
            and not _ABOUT_ITSELF.match(fold(following))
            and len(text) < 600
            and (i + 2 < len(units) or COMPLETE.search(following))
        ):
            out.append(f"{text} {following}")
        if text in runs and not announced and len(runs[text]) >= 2:
            out.append("\n".join(_capped(runs[text])))
        announced = announced and is_list_item(text)
        if not text.endswith(":"):
            out.append(text)
    return tuple(out)


def _list_runs(passage: str) -> dict[str, list[str]]:
    """Runs of consecutive list lines, keyed by the first sentence of their first line."""
    found: dict[str, list[str]] = {}
    run: list[str] = []
    for line in [*passage_lines(passage), ""]:
        restart = bool(run) and bool(_FIRST_NUMBER.match(line))  # "1." again: a new list
        if line and is_list_item(line) and not restart:
            run.append(line)
            continue
        if run and (first := sentences(run[0])):
            found.setdefault(first[0], run)
        run = [line] if restart else []
    if run and (first := sentences(run[0])):
        found.setdefault(first[0], run)
    return found


def _capped(lines: list[str], size: int = 1500) -> list[str]:
    """The first lines of a list, up to about `size` characters."""
    out: list[str] = []
    total = 0
    for line in lines:
        if out and total + len(line) > size:
            break
        out.append(line)
        total += len(line)
    return out


def sentence_id(chunk_id: str, position: int) -> str:
    """The id of the `position`-th answer unit of a passage: how its stored vector is found."""
    return f"{chunk_id}:{position}"
