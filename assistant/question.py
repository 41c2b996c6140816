"""What a question asks, decided once: its kind, its terms, its subject and its parts.

Retrieval and the answer both read this one object. The rules that tell a yes/no question from
a how-to, or a figure from a definition, live in `kinds.py`; this module adds what the question
is about: its terms, the scene set before it, its quotes, its parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.articles import ArticleRef, named_articles
from assistant.definitions import Subject, asked_subject, subject_named
from assistant.followup import ABOUT
from assistant.french import content_words, fold, stem, terms
from assistant.glossary import acronyms, expand
from assistant.kinds import INVERSION, QUESTION_WORD, Kind, hyphenated, kind_of

# Words the texts use where they give each kind of answer.
_KIND_WORDS = {
    "étapes": "étapes démarches",
    "critères": "conditions critères",
    "définition": "définition",
}


# "…combien… et quelles sont les étapes ?", "…obligatoires, et on peut être combien ?": where
# a second question may start; it does when both sides ask something.
_PART_BREAK = re.compile(
    r"\?\s+|\s*[,;]\s+(?:et|mais|puis)\s+|\s*;\s+|\s+et\s+(?=(?:quel|"
    r"quelle|quels|quelles|comment|combien|qui|pourquoi|quand|est-ce|peut-on|doit-on|faut-il|"
    r"a quoi|dans quels?|sous quelles?|que\s|qu'))"
)
_LAW_WORDS = re.compile(
    r"\b(?:loi|code|article|legale?s?|legalement|juridique\w*|decret|reglementaire|texte de loi|"
    r"au sens de)\b"
)
_ORDINAL_TAIL = re.compile(r"^[\s,;:.!?]+|[\s,;:.!?]+$")


@dataclass(frozen=True)
class Question:
    """A question as the assistant understood it."""

    text: str  # as asked (a follow-up already rewritten into a standalone question)
    folded: str  # lowercase, accents off
    kind: Kind
    terms: tuple[str, ...]  # stemmed content terms, each once, in order
    expansions: tuple[tuple[str, frozenset[str]], ...]  # term -> its long form's terms (acronyms)
    subject: Subject | None = None  # the term a definition question asks about
    counted: tuple[str, ...] = ()  # "combien d'heures" -> ("heures",)
    parts: tuple[Question, ...] = ()  # two questions in one, in the order asked
    search_text: str = ""  # what retrieval searches for: the question with acronyms spelt out
    # What keyword search looks for: the same, with the words a text uses to give the kind of
    # answer wanted ("comment créer…" is answered under "Quelles étapes pour créer…").
    keywords: str = ""
    articles: tuple[ArticleRef, ...] = ()  # articles the question names ("L. 2113-15 du CCP")
    # Terms only found in the sentences before the question itself ("Je suis maire d'une
    # commune de 3 000 habitants."): the setting, which weighs less than what is asked.
    setting: frozenset[str] = frozenset()
    # "au sens de la loi", "juridiquement", "quel article": the text itself is wanted first.
    wants_law: bool = False
    asking: str = ""  # the sentence that asks, when sentences before it set the scene
    # Words quoted in the question (« fonds territoriaux de développement associatif »), folded:
    # an official quotes the term read in a text, and the passage that holds it is the one asked.
    quoted: tuple[str, ...] = ()

    @property
    def quoted_subject(self) -> str | None:
        """The quoted words a definition question asks about ("les « titres associatifs »,
        ça désigne quoi ?"), else None: a quote in another question may be the wording it
        contrasts with today's."""
        subject = self.subject
        return subject.text if subject is not None and subject.text in self.quoted else None

    @property
    def wants_figure(self) -> bool:
        return self.kind in (Kind.FIGURE, Kind.WHEN)

    @property
    def groups(self) -> tuple[tuple[str, frozenset[str]], ...]:
        return self.expansions

    def part_texts(self) -> list[str]:
        return [p.text for p in self.parts] or [self.text]


# A quotation of two to twelve words, in French or English quotation marks. On folded text.
_QUOTE = re.compile(r"«\s*([^«»]{3,120}?)\s*»|“([^“”]{3,120}?)”|\"([^\"]{3,120}?)\"")


_ELIDED = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.")


def quoted(folded: str) -> tuple[str, ...]:
    """The phrases quoted in a question, spaces normalised, of at least two words."""
    out = []
    for match in _QUOTE.finditer(folded):
        # "« fonds territoriaux… »": what is quoted, without the marks of what is left out
        text = _ELIDED.sub(" ", next(g for g in match.groups() if g))
        phrase = " ".join(text.split()).strip(" ,;:")
        if 2 <= len(phrase.split()) <= 12 and phrase not in out:
            out.append(phrase)
    return tuple(out)


def quotes_in(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether `text` holds one of the quoted `phrases` as whole words (folded, spaces
    normalised)."""
    flat = " ".join(fold(text).split())
    return any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", flat) for p in phrases)


# Words that name the asker, not a subject ("la mairie", "notre commune", "nous").
_ASKER = frozenset(
    terms(
        "mairie maire commune communes ville collectivité collectivités communauté "
        "intercommunalité interco agglo agglomération département région élu élus élue conseil "
        "municipal municipalité comcom métropole nous on"
    )
)


def _asking_sentence(text: str) -> str:
    """The sentences that ask (from the first with a question mark to the last), else the last
    one. A statement after the question ("Un collègue soutient que non.", "Merci !") is part of
    the scene, as one before it is."""
    pieces = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p.strip()]
    asking = [i for i, p in enumerate(pieces) if p.endswith("?")]
    if asking:
        return " ".join(pieces[asking[0] : asking[-1] + 1])
    return pieces[-1] if pieces else text


# A figure the asker gives about their own situation ("une commune de 5 000 habitants", "une PME
# de 120 salariés"): it sets the scene, it is not what is asked. On folded text.
_STATED_FIGURE = re.compile(
    r"\b(?:de|d'|a|avec|sur)\s*(\d[\d  .]*)\s+(habitants|salaries|personnes|membres|agents|"
    r"adherents|associes|eleves|logements|communes)\b"
)


def _examples(text: str) -> frozenset[str]:
    """Terms only found in a parenthesis of examples ("entre nos services (sport, culture,
    resto co, mobilité…)", "etc.", "par exemple"): they illustrate what is asked, as a scene
    does (not "(nombre d'actionnaires, capital)", which says what is asked)."""
    inside = " ".join(
        re.findall(r"\(([^()]*(?:…|\.\.\.|\betc\b|\bex\.|\bexemple|\bnotamment)[^()]*)\)", text)
    )
    outside = re.sub(r"\([^()]*\)", " ", text)
    return frozenset(terms(inside)) - set(terms(outside))


def _stated_figures(folded: str) -> frozenset[str]:
    """Terms of the figures the question states (the number and what it counts)."""
    found: set[str] = set()
    for match in _STATED_FIGURE.finditer(folded):
        found.update(terms(match.group(0)))
    return frozenset(found) - {"de", "a", "avec", "sur"}


def _counted(folded: str) -> tuple[str, ...]:
    # "combien d'associés", "combien faut-il d'associés", "combien il faut de salariés"; an
    # everyday word in the texts' own ("combien d'assos" counts associations).
    everyday = acronyms()
    found = re.findall(
        r"combien (?:[a-z]+-(?:t-)?(?:il|on|elle|ils|elles) |il (?:en )?faut |on (?:en )?a "
        r"|en faut-il )?(?:de |d')(\w+)",
        folded,
    )
    return tuple(
        fold(everyday[w]) if w in everyday and " " not in everyday[w] else w for w in found
    )


# "je mets quoi en place ?": how something is asked for, not what about ("mettre en place une
# politique ESS" keeps its words: the passages that answer say "mettre en place").
_PUT_IN_PLACE = re.compile(r"\bmet\w*\s+(?:quoi|qu'est-ce)\s+en\s+(?:place|[oœ]euvre)\b", re.I)
# "Deux questions :", "3 questions" announce how many things are asked, not what about.
_ANNOUNCED = re.compile(r"\b(?:deux|trois|quatre|[2-4])\s+questions?\b", re.I)


def _expansions(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    known = acronyms()
    out: list[tuple[str, frozenset[str]]] = []
    seen: set[str] = set()
    for word in content_words(_ANNOUNCED.sub(" ", _PUT_IN_PLACE.sub(" ", text))):
        term = stem(word)
        if term in seen:
            continue
        seen.add(term)
        out.append((term, frozenset(terms(known[word])) if word in known else frozenset()))
    return tuple(out)


def split_parts(text: str) -> list[str]:
    """The questions of a message that asks several, each stripped; one item when it asks one.
    A part too short to stand alone ("et le délai ?") is not split off."""
    pieces = [p for p in _PART_BREAK.split(text) if p and p.strip()]
    parts: list[str] = []
    for piece in pieces:
        piece = _ORDINAL_TAIL.sub("", piece)
        if parts and len(content_words(piece)) < 1:
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece:
            parts.append(piece)
    # A leading context sentence ("Je suis maire d'une commune.") is not a question of its own.
    asking = [p for p in parts if _asks(p)]
    if len(asking) < 2:
        return [text.strip()]
    return asking


def _asks(piece: str) -> bool:
    folded = fold(piece)
    return bool(QUESTION_WORD.search(folded) or INVERSION.search(folded)) and bool(
        content_words(piece)
    )


@lru_cache(maxsize=4096)
def understand(text: str) -> Question:
    """Analyse `text` once; the result is shared by retrieval and the answer. A follow-up
    rewritten as "Combien d'associés ? — à propos de : Comment créer une SCIC…" asks what comes
    before the dash, about what comes after it."""
    text = hyphenated(text)
    asked, _, about = text.partition(ABOUT)
    if about:
        single = _single(asked.strip(), context=about.strip())
        return replace(single, text=text, articles=tuple(named_articles(text)))
    folded = fold(text)
    parts: tuple[Question, ...] = ()
    pieces = split_parts(text)
    if len(pieces) > 1:
        # Each part keeps the terms of the whole message for retrieval: "et quelles sont les
        # étapes ?" is about the SCIC the first part named.
        topic = " ".join(w for w in content_words(pieces[0]))
        parts = tuple(
            _single(piece, context=topic if i else "") for i, piece in enumerate(pieces[:3])
        )
    single = _single(text)
    return Question(
        text=single.text,
        folded=folded,
        kind=parts[0].kind if parts else single.kind,
        terms=single.terms,
        expansions=single.expansions,
        subject=single.subject,
        counted=single.counted,
        parts=parts,
        search_text=single.search_text,
        keywords=parts[0].keywords if parts else single.keywords,
        articles=tuple(named_articles(text)),
        setting=single.setting,
        wants_law=single.wants_law,
        asking=single.asking,
        quoted=single.quoted,
    )


def _single(text: str, context: str = "") -> Question:
    folded = fold(text)
    kind = kind_of(folded)
    quotes = quoted(folded)
    subject = asked_subject(text) if kind in (Kind.DEFINITION, Kind.CRITERIA) else None
    if subject is None and kind is Kind.DEFINITION and len(quotes) == 1:
        subject = subject_named(quotes[0])  # "les « fonds territoriaux… ». C'est quoi ?"
    if subject is not None:
        kind = Kind.DEFINITION if kind is Kind.DEFINITION else kind
    searched = f"{text} ({context})" if context else text
    expansions = _expansions(searched)
    asking = _asking_sentence(text)
    setting = (
        frozenset(t for t, _ in expansions) - set(terms(asking)) if asking != text else frozenset()
    )
    if context:
        setting = setting | (frozenset(terms(context)) - set(terms(text)))
    setting = setting - {t for q in quotes for t in terms(q)}  # what is quoted is what is asked
    if setting and not set(terms(asking)) - _ASKER:
        # "Le menuisier part à la retraite, ses salariés voudraient reprendre. Qu'est-ce que la
        # mairie peut faire ?": a question that names only the asker says what about in the
        # sentences before it, which are then the subject, not the scene.
        setting = frozenset()
    setting = setting | _stated_figures(folded) | _examples(text)
    search_text = expand(searched)
    hint = _KIND_WORDS.get(kind.value, "")
    return Question(
        text=text,
        folded=folded,
        kind=kind,
        terms=tuple(t for t, _ in expansions),
        expansions=expansions,
        subject=subject,
        counted=_counted(folded),
        search_text=search_text,
        keywords=f"{search_text} {hint}" if hint else search_text,
        setting=setting,
        wants_law=bool(_LAW_WORDS.search(folded)),
        asking=asking if asking != text else "",
        quoted=quotes,
    )
