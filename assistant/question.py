"""What a question asks, decided once: its kind, its terms, its subject and its parts.

Retrieval and the answer both read this one object, so the rules that tell a yes/no question
from a how-to, or a figure from a definition, live in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from assistant.articles import ArticleRef, named_articles
from assistant.definitions import Subject, asked_subject, subject_named
from assistant.followup import ABOUT
from assistant.french import content_words, fold, stem, terms
from assistant.glossary import acronyms, expand

# Words the texts use where they give each kind of answer.
_KIND_WORDS = {
    "étapes": "étapes démarches",
    "critères": "conditions critères",
    "définition": "définition",
}


class Kind(StrEnum):
    """What kind of answer the question wants first."""

    YESNO = "oui/non"
    FIGURE = "chiffre"
    WHEN = "date ou fréquence"
    STEPS = "étapes"
    DEFINITION = "définition"
    CRITERIA = "critères"
    WHO = "qui"
    EXPLAIN = "explication"


# On folded text. Order matters: the first shape that matches decides.
_STEPS = re.compile(
    r"\b(?:quelles? (?:sont |seraient )?(?:les |la )?(?:grandes? |principales? |premieres? )?"
    r"(?:etapes?|demarches?|procedures?|formalites|marche a suivre)"
    r"|(?:les |la |des )(?:etapes?|demarches?|marche a suivre)\b"
    r"|par (?:ou|quoi) (?:on |je |nous )?commence\w*|comment (?:on )?(?:s'y prendre|s'y prend|"
    r"proceder|faire pour)|comment (?:on |je |nous |vous )?(?:fait|fais|faisons|faites) pour|comment (?:ca |cela )?se (?:passe|deroule)|(?:que|quoi) faire\b"
    r"|(?:que|qu'est-ce qu'(?:il|on)) (?:faut-il|dois-je|doit-on|devons-nous|je dois|on doit|"
    r"il faut|doit|peut|pourrait|devrait|faut) (?:\w+ )?faire"
    r"|qu'est-ce que (?:\w+ ){1,4}(?:peu[tx]|peuvent|doi[st]|doivent|pourrai\w+|devrai\w+) "
    r"(?:\w+ )?faire|comment (?:j'|je |on |nous )anim\w+|comment (?:faut-il|dois-je|doit-on|peut-on|puis-je|on peut|on doit|je peux|"
    r"je dois|pouvons-nous|devons-nous|faire pour|s'organiser pour)?\s*(?:creer|monter|lancer|"
    r"mettre en (?:place|oeuvre)|constituer|obtenir|demander|devenir|integrer|inserer|rediger|"
    r"elaborer|adopter|faire|organiser|construire|reserver|transformer|reprendre|monter|"
    r"preparer|passer|candidater|entrer|rejoindre|installer|sensibiliser|animer|co-construire|"
    r"utiliser|mobiliser|associer|accompagner|financer|soutenir))\b"
)
_FIGURE = re.compile(
    r"\b(?:combien|jusqu'(?:a|ou) (?:quel|combien|ou)|jusqu'ou|a (?:partir de|hauteur de) "
    r"(?:quel|combien)|quel(?:le)?s? (?:est |sont |etait |serait )?(?:le |la |les |l')?"
    r"(?:part|montant|seuil|plafond|taux|proportion|pourcentage|nombre|budget|bareme|cout|prix|"
    r"tarif|minimum|maximum|limite|quota|quotite|duree|delai|indemnite|remuneration|salaire|"
    r"cotisation|redevance|amende)|(?:quelle|quel) (?:part|montant|"
    r"seuil|plafond|taux|pourcentage|nombre|duree|delai|limite|minimum|maximum))\b"
)
# "quand" asks a time only where it opens the question ("Quand doit-on…", "depuis quand"), not
# as a conjunction ("…quand le patron partira", "quand même").
_WHEN = re.compile(
    r"(?:^|[.?!:;,]\s*|\bet\s+|\b(?:depuis|jusqu'a|a partir de|des)\s+)quand\b(?!\s+meme)|"
    r"\b(?:a quelle (?:date|frequence|periodicite|echeance)|tous les combien|a quel moment|"
    r"quelle (?:frequence|periodicite|date|echeance)|en quelle annee|avant quelle date|"
    r"dans quel delai|c'est quand|c est quand)\b"
)
_WHO = re.compile(
    r"(?:^|[,.:;] ?)(?:et )?(?:qui|aupres de qui|a qui|par qui|quel (?:organisme|service|acteur|"
    r"interlocuteur|ministere|prefet)|quelle (?:autorite|instance|structure|administration|"
    r"collectivite|institution)|quels (?:acteurs|organismes)|quelles (?:collectivites|"
    r"structures|instances|autorites))\b"
)
_CRITERIA = re.compile(
    r"\b(?:quel(?:le)?s (?:sont |seraient )?(?:les )?(?:categories|types|formes|conditions|"
    r"criteres|obligations|regles|exigences|structures|activites|missions|entreprises|acteurs|"
    r"organismes|principes|mentions|informations|clauses|elements|pieces|documents|objectifs|"
    r"domaines|secteurs|statuts)|quelles? (?:sont |seraient )?(?:les )?(?:conditions?|criteres?|obligations?|regles?|"
    r"exigences?)|a quelles? conditions?|sous quelles? conditions?|quels (?:sont )?(?:les )?"
    r"(?:criteres?|principes?|engagements?)|conditions? (?:pour|a remplir)|criteres? (?:pour|de)|"
    r"que doit (?:faire|respecter|remplir)|qu'est-ce qu'(?:il faut|on doit) (?:remplir|respecter)|"
    r"qu'est-ce qui (?:doi[st]|doivent|est (?:exige|obligatoire|requis|necessaire)))\b"
)
_DEFINITION = re.compile(
    r"(?:c'?est quoi|qu'?est-ce qu(?:e|')|\bce qu'?est\b|\bce que sont\b|\bdefinition\b|"
    r"\bdefini[rt]?\b|que (?:veut dire|"
    r"signifie|designe|recouvre)|\bveut dire\b|\bsignification\b|qu'?appelle-t-on|ca designe|"
    r"ca veut dire|kesako|c'est qui|\bentend(?:-on|re)? par\b)"
)
_EXPLAIN = re.compile(
    r"\b(?:pourquoi|a quoi (?:ca )?sert|a quoi servent|en quoi|comment (?:fonctionne|marche|"
    r"expliquer|presenter|s'articule|est|sont)|quel (?:interet|role|lien|est l'interet)|"
    r"quelle (?:difference|articulation|place)|quels (?:avantages|interets|roles|leviers|outils)|"
    r"quelles (?:differences|possibilites|options|solutions|pistes))\b"
)
# A yes/no question: inverted subject ("peut-elle", "a-t-on", "est-il"), "est-ce que" without
# another question word, or a statement ending with "?" and no question word.
_INVERSION = re.compile(
    r"\b\w+-(?:t-)?(?:il|elle|ils|elles|on|je|nous|vous)\b(?!-)|\best-ce qu(?:e|')|^(?:y a-t-il|"
    r"a-t-on|peut-on|doit-on|faut-il|puis-je|dois-je|ai-je)\b"
)
# Words that make a question ask something other than yes or no. "que", "qu'", "où" and
# "quand" count only where they open it ("Que dit…", "Où trouver…", "Quand…"): inside a
# sentence they are conjunctions ("je pense que", "quand même"). "qui gère" asks who only where
# it opens a clause ("et qui gère ?", "c'est qui qui paie"), not after a noun ("l'asso qui
# gère le centre social, elle peut… ?").
_QUESTION_WORD = re.compile(
    r"\b(?:combien|comment|pourquoi|quel|quelle|quels|quelles|lequel|laquelle|lesquels|"
    r"lesquelles|quoi|qu'est-ce|qu'est ce)\b|(?:^|[,:;]\s*)(?:que|qu'|ou|quand|qui)\b|"
    r"\b(?:depuis|jusqu'a) quand\b|\b(?:a|par|avec|pour|de|aupres de) qui\b|"
    r"(?:^|[,:;]\s*|\b(?:et|mais|alors|donc|ou|c'est|cest|qui) )qui (?:doit|peut|"
    r"decide|delivre|fixe|finance|paie|paye|est|sont|a|assure|gere|porte|signe|controle|"
    r"accompagne|s'occupe)\b"
)
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


# "Qu'est-ce que la loi impose…", "qu'est-ce qu'il doit contenir": a subject and its verb follow,
# so what is asked is what someone does or a text says, not what a term means.
_WHAT_DOES = re.compile(
    r"qu'?est-ce qu(?:e |')(?:(?:il|elle|on|ils|elles|je|nous|vous|j')\b|[^?.;:]{0,70}?\b"
    r"(?:doi[st]|doivent|devai\w*|devr\w*|peu[tx]|peuvent|pourr\w*|pouvai\w*|prevoi\w*|impos\w*|fai[st]|font|di[st]|disent|couvr\w*|"
    r"conti\w*|change\w*|apport\w*|present\w*|laiss\w*|exig\w*|demand\w*|propos\w*)\b)"
)

_REQUIRES = re.compile(
    r"\b(?:doi[st]|doivent|devai\w*|devr\w*|impos\w*|exig\w*|prevoi\w*|conti\w*)"
)


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


def kind_of(folded: str) -> Kind:
    """The kind of answer a (folded) single question wants first."""
    defines = _DEFINITION.search(folded)
    does = _WHAT_DOES.search(folded)
    if does and not re.search(r"c'?est quoi|veut dire|signifie|definition", folded):
        if _STEPS.search(folded):
            return Kind.STEPS
        # What a text requires ("qu'est-ce qu'il doit contenir") is a list of requirements.
        clause = folded[does.start() : does.start() + 90]
        return Kind.CRITERIA if _REQUIRES.search(clause) else Kind.EXPLAIN
    if defines and not _STEPS.search(folded):
        return Kind.DEFINITION
    if _STEPS.search(folded):
        return Kind.STEPS
    if _WHEN.search(folded):
        return Kind.WHEN
    if _FIGURE.search(folded):
        return Kind.FIGURE
    if _CRITERIA.search(folded):
        return Kind.CRITERIA
    if _WHO.search(folded):
        return Kind.WHO
    if _EXPLAIN.search(folded):
        return Kind.EXPLAIN
    if _is_yes_no(folded):
        return Kind.YESNO
    return Kind.EXPLAIN


def _is_yes_no(folded: str) -> bool:
    # Only the question itself: a context sentence before it ("Je suis maire. …") says nothing.
    last = re.split(r"(?<=[.!:])\s+", folded.strip())[-1]
    if _INVERSION.search(last):
        # "est-ce que" followed by another question word is not a yes/no ("est-ce que quelqu'un
        # sait combien…"); an inverted verb after "comment" is a how.
        head = last[: _INVERSION.search(last).start()]  # type: ignore[union-attr]
        return not _QUESTION_WORD.search(head)
    return last.rstrip().endswith("?") and not _QUESTION_WORD.search(last)


# Words that name the asker, not a subject ("la mairie", "notre commune", "nous").
_ASKER = frozenset(
    terms(
        "mairie maire commune communes ville collectivité collectivités communauté "
        "intercommunalité interco agglo agglomération département région élu élus élue conseil "
        "municipal municipalité comcom métropole nous on"
    )
)


def _asking_sentence(text: str) -> str:
    """The sentence that asks (the last one with a question mark, else the last one)."""
    pieces = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p.strip()]
    asking = [p for p in pieces if p.endswith("?")]
    if asking:
        start = pieces.index(asking[0])
        return " ".join(pieces[start:])
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
    # "combien d'associés", "combien faut-il d'associés", "combien il faut de salariés".
    return tuple(
        re.findall(
            r"combien (?:[a-z]+-(?:t-)?(?:il|on|elle|ils|elles) |il (?:en )?faut |on (?:en )?a "
            r"|en faut-il )?(?:de |d')(\w+)",
            folded,
        )
    )


def _expansions(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    known = acronyms()
    out: list[tuple[str, frozenset[str]]] = []
    seen: set[str] = set()
    for word in content_words(text):
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
    return bool(_QUESTION_WORD.search(folded) or _INVERSION.search(folded)) and bool(
        content_words(piece)
    )


# "Qu'est ce que…", "est ce qu'une…", "la commune peut elle…": the hyphens officials leave out,
# which every rule below reads (a definition, a yes/no question).
# Not "c'est ce que…", a statement; not "peut nous accompagner" (an object) nor "est elle
# aussi concernée" (a subject repeated), which are no inversions.
_EST_CE = re.compile(r"(?<![cC]['’])\b([EeÉé]st) ce (qu)")
_INVERTED = re.compile(
    r"\b(peut|peuvent|doit|doivent|faut|puis|dois|est|sont|pourrait|pourraient|devrait|"
    r"devraient|serait|seraient|(?:a|va|vont)(?= t ))( t)? (on|il|elle|ils|elles|je)\b"
    r"(?![-'’])(?! (?:aussi|meme|même|seule?s?)\b)",
    re.I,
)


def hyphenated(text: str) -> str:
    """`text` with the hyphens of "est-ce que" and of an inverted subject put back."""
    text = _EST_CE.sub(r"\1-ce \2", text)
    return _INVERTED.sub(lambda m: f"{m.group(1)}{'-t' if m.group(2) else ''}-{m.group(3)}", text)


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
