"""The verdict that opens the answer to a yes/no question, read off the sentence that answers.

Only what the sentence states: a permission ("peut", "ont le droit") gives "Oui", one under
conditions "Oui, à certaines conditions", a prohibition "Non". Anything else gives no verdict,
and the cited sentence speaks for itself: a wrong "Oui" is worse than none.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.asked import (
    ASKS_OBLIGATION,
    ASKS_PERMISSION,
    LIGHT,
    PURPOSE,
    asked_act,
    asking,
    before_asking,
)
from assistant.by_right import by_right
from assistant.french import fold, stem, terms, verb_lists
from assistant.parties import DENIAL_OVERLAP, PARTIES, not_applied
from assistant.thresholds import settles

YES = "Oui."
NO = "Non."
YES_IF = "Oui, à certaines conditions."
BY_RIGHT = "Oui, de plein droit."
BY_RIGHT_IF = "Oui, de plein droit, à certaines conditions."

# Not "ne peuvent recevoir": legal French drops the "pas" of a prohibition.
_PERMITS = re.compile(
    r"\b(?:(?<!\bne )peu(?:t|vent)|(?:ont|a) le droit|(?:est|sont) (?:autorisee?s?|admise?s?|"
    r"ouverte?s?)|(?:est|sont) possibles?|(?<!\bne )peut etre|(?<!\bne )peuvent etre|"
    r"permet(?:tent)?)\b"
)
_FORBIDS = re.compile(
    r"\b(?:ne (?:peu(?:t|vent)|sont|est|doi(?:t|vent)|saurai\w*) (?:pas|jamais|en aucun cas|"
    r"plus)|ne peu(?:t|vent) (?:\w+ ){0,3}(?:pas|jamais)|(?:est|sont) interdite?s?|"
    r"(?:il est )?interdit|n'est pas (?:possible|autorise|permis)|aucune? \w+ ne peu)\b"
)
OBLIGES = re.compile(
    r"\b(?:doi(?:t|vent)|(?:est|sont) tenue?s? de|(?:est|sont) obligatoires?|obligatoirement|"
    r"(?:est|sont) obligee?s? de)\b"
)
_NOT_OBLIGED = re.compile(
    r"\b(?:n'est pas obligatoire|ne sont pas obligatoires|n'(?:est|sont) pas tenue?s?|"
    r"facultati\w+|rien n'oblige|sans obligation|n'(?:a|ont)(?: donc| alors)? pas a)\b"
)
_CONDITIONS = re.compile(
    r"\b(?:sous reserve|a condition|a la condition|dans (?:les|des) conditions|dans la limite|"
    r"dans le respect|si |s'ils? |lorsqu|lorsque|des lors que|pourvu que|jusqu'a|sauf|au-dela|"
    r"(?:repond\w*|satisf\w*|rempli\w*) (?:aux|les) conditions|"
    r"en dessous|dans le cadre|selon (?:les|des) modalites|conformement)"
)
_STATED = re.compile(r"^\s*(oui|non)\b[\s,.:;!-]*(.*)$", re.S)


def stated(text: str) -> str | None:
    """ "Oui" / "Non" when a text opens with it (a practice note answering its own question)."""
    match = _STATED.match(fold(text))
    if not match:
        return None
    if match.group(1) == "non":
        return NO
    return YES_IF if _CONDITIONS.search(match.group(2)[:200]) else YES


# How far after its modal the asked verb may come ("permet à une commune, une intercommunalité,
# un département ou une région de devenir associé").
_WINDOW = 14


def _word(token: str) -> str:
    """A token without its punctuation and elided article ("l'origine" -> "origine")."""
    return token.strip(",.;:()«»").rsplit("'", 1)[-1]


@cache
def _same_act() -> dict[str, frozenset[str]]:
    """Each verb stem of `verbs.toml` with the stems of the verbs that name the same act."""
    out: dict[str, set[str]] = {}
    for group in verb_lists()["same_act"]:
        stems = {stem(fold(v)) for v in group["verbs"]}
        for s in stems:
            out.setdefault(s, set()).update(stems)
    return {s: frozenset(v) for s, v in out.items()}


def governs(said: str, modal: re.Pattern[str], verb: str, thing: str | None = None) -> bool:
    """Whether a modal of `said` bears on `verb`, a verb naming the same act, or the object
    `thing` (a folded word) of a light verb ("faire une avance" / "peuvent … allouer des
    avances") within the next few words."""
    # A light verb says little alone ("peut être révoqué" is no answer to "peut-elle en être le
    # payeur ?"): its object, or a verb naming the same act ("effectuer" a mission), must be
    # what the modal bears on.
    verbs = _same_act().get(verb, frozenset()) | {verb}
    if thing:
        verbs = verbs - LIGHT
    # The object as a whole word, singular or plural ("parts" is not "partie", "prendre part").
    objects = {thing, f"{thing}s", thing.removesuffix("s")} if thing else set()
    for match in modal.finditer(said):
        clause = re.split(r"[.;:?!]\s", said[match.end() : match.end() + 120], maxsplit=1)[0]
        window = [w for w in clause.split() if any(ch.isalpha() for ch in w)][:_WINDOW]
        if any(stem(_word(w)) in verbs or _word(w) in objects for w in window):
            return True
        before = said[max(0, match.start() - 40) : match.start()].split()[-4:]
        # "réservés … peuvent être", not a noun with its article ("l'aide ne peut pas payer")
        if any(
            stem(_word(w)) in verbs and "'" not in w and (i == 0 or before[i - 1] not in _ARTICLES)
            for i, w in enumerate(before)
            if i > 0 or len(before) < 4
        ):
            return True
    return False


_ARTICLES = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "cette",
        "ce",
        "ces",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
    ]
)
# "faire publiquement état de leur qualité": to claim it, as "se dire", "se prévaloir".
_IDIOM = re.compile(r"\bfaire (?:publiquement )?etat\b")


def verdict(question: str, sentence: str) -> str | None:
    """The verdict `sentence` gives to the yes/no `question`, or None when it states none: the
    sentence's permission, prohibition or obligation must bear on the verb the question asks
    about ("peut-elle être associée" / "Peut être associé … toute personne publique")."""
    asked, said = fold(asking(question)), _IDIOM.sub("se prevaloir", fold(sentence))
    if ASKS_OBLIGATION.search(asked) and not_applied(question, asked, said):
        return NO
    if (granted := by_right(asked, said, before_asking(question))) is not None:
        return BY_RIGHT_IF if _CONDITIONS.search(said[granted.end() :]) else BY_RIGHT
    found = asked_act(question)
    if found is None:
        return _denied(asked, said)
    verb, thing = found
    if ASKS_OBLIGATION.search(asked):
        purpose = PURPOSE.search(asked)
        if purpose and not governs(said, _NOT_OBLIGED, verb, thing):
            # "doit-il monter un dossier pour prouver les conditions ?": what is required is the
            # proof ("n'a pas à démontrer les conditions")
            verb, thing = stem(purpose.group("verb")), None
        if governs(said, _NOT_OBLIGED, verb, thing):
            # "Une commune de moins de 3 500 habitants n'est pas tenue…" does not spare one of
            # 5 000: the rule then applies, which this sentence does not say.
            return None if settles(question, sentence) is False else NO
        if governs(said, OBLIGES, verb, thing) and not governs(said, _FORBIDS, verb, thing):
            return YES_IF if _CONDITIONS.search(said) else YES
        return None
    if ASKS_PERMISSION.search(asked):
        if governs(said, _FORBIDS, verb, thing):
            return NO
        if governs(said, _PERMITS, verb, thing):
            if (only := _ONLY.search(said)) and not _names_class(question, said[only.end() :]):
                # "peuvent être réservés … qui portent exclusivement sur des services sociaux":
                # allowed for one class only, which the question does not name (a works
                # contract is not in it); neither "Oui" nor "Non" can be read.
                return None
            return YES_IF if _CONDITIONS.search(said) else YES
    return None


def restricted(question: str, sentence: str) -> bool:
    """Whether `sentence` allows something for one class only ("exclusivement sur des services
    sociaux") that the question does not name: the sentence that answers then settles nothing
    either way, and no other sentence's verdict may stand in for it."""
    said = fold(sentence)
    only = _ONLY.search(said)
    if only is None or _names_class(question, said[only.end() :]):
        return False
    # "ne peuvent pas être distribuées ; les statuts peuvent seulement autoriser…": the act
    # asked about is forbidden outright, whatever the other clause allows.
    found = asked_act(question)
    return found is None or not governs(said, _FORBIDS, *found)


def _names_class(question: str, restriction: str) -> bool:
    """Whether the question names the class a permission is restricted to: two of the first
    three words that follow "exclusivement" ("sur des services sociaux et autres…")."""
    named = terms(restriction)[:3]
    return sum(t in set(terms(question)) for t in named) >= min(2, len(named))


_ONLY = re.compile(
    r"\b(?:exclusivement|uniquement|seulement|dont c'est l'unique|a l'exclusion)\b|"
    r"\bne (?:peu(?:t|vent)|sont|est) (?:\w+ ){0,4}qu(?:e |'a|'aux|'en)"
)


# "ne s'applique pas aux …", "n'entre pas dans …", "ne concerne pas …": a plain verb denied,
# and what follows the denial. On folded text.
_DENIAL = re.compile(
    r"\bn(?:e\s+|')(?:(?:s'|se\s+|l'|les?\s+|la\s+|y\s+|en\s+)?)(?P<verb>[a-z]{4,})\s+"
    r"(?:pas|jamais|plus|aucunement|nullement)\b(?P<rest>[^.;:]{0,120})"
)


def _denied(asked: str, said: str) -> str | None:
    """ "Non." when a question asked with a plain verb ("la convention s'applique-t-elle à…",
    "ça compte comme…") is answered by a sentence denying that verb, or a verb naming the same
    act ("confie-t-elle une mission" / "n'attribue pas de mission"), about what was asked."""
    asked_terms = set(terms(asked))
    asked_stems = {stem(_word(w)) for w in re.split(r"[\s-]+", asked)}  # "confie-t-elle"
    asked_stems |= {s for a in asked_stems for s in _same_act().get(a, frozenset())}
    for match in _DENIAL.finditer(said):
        if stem(match.group("verb")) not in asked_stems:
            continue
        rest = set(terms(match.group("rest")))
        if rest & set(PARTIES) - asked_terms and asked_terms & set(PARTIES):
            continue  # denied of the département, asked of the intercommunalité
        if len(rest & asked_terms) >= DENIAL_OVERLAP:
            return NO
    return None


# A rule that does not apply to someone: "Cette condition ne s'applique pas aux financements
# … des collectivités territoriales". On folded text.
def same_rule(question: str, sentence: str) -> bool:
    """Whether `sentence` states the kind of rule the question asks about: a permission or a
    prohibition for "peut-on ?", an obligation or its absence for "doit-on ?" (a bound on who
    must do something does not say who may)."""
    # The whole question: "La CUMA peut-elle faire nos travaux ? Il y a des limites ?"
    asked, said = fold(question), fold(sentence)
    if ASKS_OBLIGATION.search(asked):
        return bool(OBLIGES.search(said) or _NOT_OBLIGED.search(said))
    if ASKS_PERMISSION.search(asked):
        return bool(_PERMITS.search(said) or _FORBIDS.search(said))
    return False


def spares_or_forbids(sentence: str) -> bool:
    """Whether a sentence states an exemption or a prohibition ("n'est pas tenue", "ne peuvent
    recevoir"): a bound in it says whom the exemption covers, not whom the rule does."""
    # "ne peut dépasser la moitié du capital" bounds the quantity the rule is about: a bound,
    # not a prohibition of the act.
    said = _CAPPED.sub(" ", fold(sentence))
    return bool(_NOT_OBLIGED.search(said) or _FORBIDS.search(said) or _BARE_NE.search(said))


_CAPPED = re.compile(r"\bne (?:peu(?:t|vent)|doi(?:t|vent)) (?:pas )?(?:depasser|exceder)\b")


_BARE_NE = re.compile(r"\bne peu(?:t|vent)\b")


# "C'est une faculté, pas une obligation", "Ce n'est pas une obligation", "rien n'y oblige":
# a sentence saying that what its passage allows is not required. On folded text.
_A_FACULTY = re.compile(
    r"^(?:c'est (?:une faculte|une possibilite|un choix)|ce n'est (?:pas|en rien) une obligation|"
    r"rien n'(?:y )?oblige|il ne s'agit pas d'une obligation)\b"
)


def a_faculty(sentence: str) -> bool:
    """Whether a sentence opens by saying that what its passage allows is not required."""
    return bool(_A_FACULTY.match(fold(sentence).strip()))


def permits(sentence: str) -> bool:
    """Whether a sentence grants a permission ("permet", "peuvent")."""
    return bool(_PERMITS.search(fold(sentence)))
