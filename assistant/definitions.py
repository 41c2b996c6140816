"""Definition questions ("c'est quoi un PTCE ?", "la définition de l'utilité sociale") and the
sentences that define what they ask about.

The term a trainer asks to define is often the least discriminating word of the corpus
("l'ESS" is in every passage of the 2014 law), so neither BM25 nor the embedding ranks the
defining article first. French legal and practical texts define in a few fixed shapes,
"X est un…", "Sont considérées comme poursuivant X…", "Est X toute personne qui…",
"Constituent des X…", "On entend par X…": a passage with one of them about the asked term is
what the question wants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.french import fold, sentences, stem, terms, words
from assistant.glossary import acronyms

_DET = r"(?:l'|le |la |les |un |une |des |du |de la |de l'|d')?"
# What comes after the asked term and is not part of it: "au sens de la loi", "dans", "pour"…
_TAIL = (
    r"(?=\s*(?:[?!.,;:(]|$|\bau sens\b|\bdans\b|\bpour\b|\bselon\b|\bd'apres\b|\ben droit\b|"
    r"\bjuridiquement\b|\bexactement\b|\bconcretement\b|\bet (?:qui|quel|comment|a quoi)\b|"
    r"\ben \d+ minutes?\b|\ba (?:des|mes|nos|un|une) \w+))"
)
_SUBJECT = r"(?P<s>[a-z0-9'][a-z0-9' -]{1,70}?)"
_ARTICLE = r"(?:l'|le |la |les |un |une |des |du )"
_VERB_AFTER = (
    r"(?:[a-z0-9'-]+ ){0,3}(?:dit|disent|entend\w*|prevoi\w*|impose\w*|faut|peu[tx]|peuvent|doi[ts]|"
    r"doivent|change\w*|fai[ts]|font|va|vont|apporte\w*|risque\w*)\b"
)
_QUESTION_SHAPES = [
    # "Qu'est-ce que la loi entend par innovation sociale ?", "qu'entend-on par…", "que faut-il
    # entendre par…": what follows is the term.
    re.compile(rf"\b(?:entend\w*|designe\w*|comprendre)(?:-on| on)? par {_DET}{_SUBJECT}{_TAIL}"),
    re.compile(
        rf"c'?est quoi(?: exactement| juridiquement| concretement| en droit)?,? {_ARTICLE}"
        rf"{_SUBJECT}{_TAIL}"
    ),
    re.compile(rf"qu'?est-ce qu'?(?:un |une |on appelle )(?P<s2>[a-z0-9' -]{{1,70}}?){_TAIL}"),
    # "Qu'est-ce que l'ESS ?", and the same asked inside a request: "expliquer ce qu'est l'ESS
    # en 5 minutes", "savoir ce que sont les PTCE".
    # Not "qu'est-ce que la loi dit sur…", "qu'est-ce que la commune peut faire": a verb follows.
    re.compile(
        rf"(?:qu'?est-ce que|\bce qu'?est|\bce que sont) {_ARTICLE}(?!{_VERB_AFTER}){_SUBJECT}{_TAIL}"
    ),
    re.compile(
        rf"(?:definition|defini[rt]) (?:legale |juridique )?(?:de |du |des |d'){_DET}{_SUBJECT}"
        rf"{_TAIL}"
    ),
    re.compile(rf"(?:que (?:veut dire|signifie)|ca veut dire quoi) {_DET}{_SUBJECT}{_TAIL}"),
    # "Le Haut Conseil à la vie associative, c'est quoi ?", "Innovation sociale : une définition ?"
    # "PTCE, ça veut dire quoi au juste ?", "La CAE, c koi ?"
    re.compile(
        rf"^{_DET}(?P<s>(?:[a-z0-9'-]+ ){{0,6}}[a-z0-9'-]+)\s*[,:]? (?:c'?est quoi|c(?:'est)? koi|"
        r"c quoi|(?:ca|cela) (?:veut dire|signifie|designe|correspond a) quoi)"
    ),
    re.compile(rf"^{_DET}(?P<s>(?:[a-z0-9'-]+ ){{0,6}}[a-z0-9'-]+)\s*:.*\bdefinition\b"),
]
_DEFINING_SHAPES = [
    # "L'économie sociale et solidaire est un mode d'entreprendre…", "Les pôles … sont constitués"
    re.compile(
        r"^(?:[ivx]+\s*\.?\s*[-–.]\s*)?(?P<h>[^,;:]{3,90}?) (?:est|sont) (?:un |une |des |le |la |"
        r"les |constitue|considere|compose|defini|qualifie|forme)"
    ),
    # "Sont considérées comme poursuivant une utilité sociale…", "Est considéré comme relevant de"
    re.compile(
        r"\b(?:est|sont) (?:consideree?s?|reputee?s?|qualifiee?s?) comme (?:relevant de |"
        r"poursuivant |ayant |constituant )?(?P<h>[^,;:]{3,90})"
    ),
    # "Est entrepreneur salarié … toute personne qui", "Constituent des subventions …"
    re.compile(
        r"^(?:[ivx]+\s*\.?\s*[-–.]\s*)?(?:est|sont|constituent|constitue) (?P<h>[^;:]{3,90})"
    ),
    re.compile(r"\bon (?:entend|designe) par (?P<h>[^,;:]{3,90})"),
    re.compile(r"^(?P<h>[^,;:]{3,90}?) (?:designe|designent|s'entend|s'entendent) "),
]
_ABOUT = re.compile(
    r"^(?:definition|notion|signification|sens)s? (?:legale |juridique )?(?:de |du |des |d')"
    r"(?:l'|la |le |les )?"
)
_FILLER = frozenset(
    ["loi", "2014", "exact", "juridiqu", "concret", "vrai", "vraiment", "just", "precis"]
)


@dataclass(frozen=True)
class Subject:
    """The asked term: its words, each with the words of its long form when it is an acronym."""

    text: str
    groups: tuple[tuple[str, frozenset[str]], ...]

    def named_in(self, head: str) -> bool:
        """Whether `head` (the defined part of a sentence) starts by naming the subject: "la
        Chambre française de l'ESS est…" defines the chamber, not the ESS."""
        size = sum(len(long) or 1 for _, long in self.groups) + 1
        named = terms(head)[:size]
        if not named or not any(named[0] == word or named[0] in long for word, long in self.groups):
            return False
        present = set(named)
        return all(word in present or (long and long <= present) for word, long in self.groups)


def asked_subject(question: str) -> Subject | None:
    """The term a definition question asks about, None for any other question."""
    folded = fold(question).strip()
    for shape in _QUESTION_SHAPES:
        if match := shape.search(folded):
            text = (match.groupdict().get("s") or match.groupdict().get("s2") or "").strip(" '")
            text = _ABOUT.sub("", text)  # "c'est quoi la définition de l'utilité sociale"
            if found := subject_named(text):
                return found
    return None


def subject_named(text: str) -> Subject | None:
    """The subject made of the words of `text` (folded), None when it has no content word."""
    known = acronyms()
    groups = tuple(
        (stem(w), frozenset(terms(known[w])) if w in known else frozenset())
        for w in words(text)
        if terms(w) and stem(w) not in _FILLER
    )
    return Subject(text, groups) if groups else None


def defines(sentence: str, subject: Subject) -> bool:
    """Whether `sentence` is a definition of `subject`."""
    return definition_strength(sentence, subject) > 0


_GENUS = re.compile(r"\b(?:est|sont) (?:un|une|des) ")


def definition_strength(sentence: str, subject: Subject) -> float:
    """1 when `sentence` defines `subject` by its kind ("X est un mode d'entreprendre…"), 0.8
    for the other defining shapes ("X est composée de…", "Sont considérées comme…"), else 0."""
    folded = fold(sentence)
    found = 0.0
    for shape in _DEFINING_SHAPES:
        for match in shape.finditer(folded):
            if subject.named_in(match.group("h")):
                genus = _GENUS.match(folded, match.end("h") + 1) is not None
                found = max(found, 1.0 if genus else 0.8)
    return found


def defining_passage(text: str, subject: Subject) -> bool:
    """Whether one of the sentences of a passage defines `subject`."""
    return any(defines(s, subject) for s in sentences(text))
