"""What kind of answer a question wants first (a verdict, a figure, steps, a definition…),
read off its shape once; and the hyphens officials leave out put back before it is read.

Pure functions over folded text: `question.understand` calls them once per question.
"""

from __future__ import annotations

import re
from enum import StrEnum


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
    r"\b(?:quelles? (?:sont |est |seraient )?(?:les |la )?(?:grandes? |principales? |premieres? )?"
    r"(?:etapes?|demarches?|procedures?|formalites|marche a suivre)"
    r"|(?:les |la |des )(?:etapes?|demarches?|marche a suivre)\b"
    r"|c'?est quoi (?:les |la )(?:grandes? |principales? |premieres? |differentes? )"
    r"(?:etapes?|demarches?)\b"
    r"|(?:met|mets|mettons|mettre|mettez) (?:quoi|qu'est-ce) en (?:place|oeuvre)"
    r"|par (?:ou|quoi) (?:on |je |nous )?commence\w*|commence\w* par (?:ou|quoi)\b|"
    # "je fais comment, dans l'ordre ?", "on procède comment ?"
    r"\b(?:je|on|nous) (?:fai[st]|faisons|procede\w*) comment\b|"
    r"\b(?:auri\w+|av\w+|as|propos\w+|donn\w+|suggere\w*) (?:\w+ ){0,2}(?:un|votre|ton) "
    r"deroule\b|comment (?:on )?(?:s'y prendre|s'y prend|"
    r"proceder|faire pour)|comment (?:on |je |nous |vous )?(?:fait|fais|faisons|faites) pour|comment (?:ca |cela |(?:doit|doivent|va|vont) )?se (?:passer?|derouler?)|(?:que|quoi) faire\b"
    r"|comment (?:on |je |nous )(?:organise|monte|cree|lance|met en place|construit|prepare|"
    r"mobilise)(?: concretement| en pratique)? (?:la |le |les |l'|une |un |notre |nos |cette )?"
    r"(?:session|reunion|concertation|consultation|demarche|politique|projet|transversalite|"
    r"cooperation|co-construction|plan|schema|strategie|seance|formation|atelier|dialogue)\b"
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
    r"tarif|minimum|maximum|limite|quota|quotite|duree|delai|indemnite|remuneration|salaire|capital|"
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
    r"\b(?:quel(?:le)?s (?:sont |seraient )?(?:les |nos |ses |leurs |vos )?(?:categories|types|"
    r"formes|conditions|"
    r"criteres|obligations|regles|exigences|structures|activites|missions|entreprises|acteurs|"
    r"organismes|principes|mentions|informations|clauses|elements|pieces|documents|objectifs|"
    r"domaines|secteurs|statuts)|quelles? (?:sont |seraient )?(?:les )?(?:conditions?|criteres?|obligations?|regles?|"
    r"exigences?)|a quelles? conditions?|sous quelles? conditions?|quels (?:sont )?(?:les )?"
    r"(?:criteres?|principes?|engagements?)|conditions? (?:pour|a remplir)|criteres? (?:pour|de)|"
    r"que doit (?:faire|respecter|remplir)|qu'est-ce qu'(?:il faut|on doit) (?:remplir|respecter)|"
    r"qu'est-ce qui (?:doi[st]|doivent|est (?:exige|obligatoire|requis|necessaire))"
    r"|(?:doi[st]|doivent|devra\w*) (?:\w+ )?(?:contenir|comporter|mentionner|prevoir|respecter|"
    r"remplir) quoi(?! que ce soit))\b"
)
_IN_FIGURES = re.compile(r"\ben (?:euros?|chiffres?|pourcentage)\b|\bcomme (?:montant|chiffre)\b")
# "c'est quoi ses missions", "c'est quoi les conditions": not what a term means, the list of them.
_LIST_ASKED = re.compile(
    r"c'?est quoi (?:les|ses|leurs|nos|vos|mes) (?:\w+ )?(?:conditions|criteres|missions|"
    r"obligations|regles|exigences|principes|categories|competences|attributions|droits)\b"
)
_DEFINITION = re.compile(
    r"(?:c'?est quoi|\bc(?:'est|est)? koi\b|\bc quoi\b|qu'?est-ce qu(?:e|')|\bce qu'?est\b|\bce que sont\b|\bdefinition\b|"
    r"\bdefini[rt]?\b|que (?:veut dire|"
    r"signifie|designe|recouvre)|\bveut dire\b|\bsignification\b|qu'?appelle-t-on|ca designe|"
    r"ca veut dire|(?:ca|cela) correspond a quoi|kesako|c'est qui|\bentend(?:-on|re)? par\b)"
)
_EXPLAIN = re.compile(
    r"\b(?:pourquoi|a quoi (?:ca )?sert|a quoi servent|en quoi|comment (?:fonctionne|marche|"
    r"expliquer|presenter|s'articule|est|sont)|quel (?:interet|role|lien|est l'interet)|"
    r"quelle (?:difference|articulation|place)|quels (?:avantages|interets|roles|leviers|outils)|"
    r"quelles (?:differences|possibilites|options|solutions|pistes))\b"
)
# A yes/no question: inverted subject ("peut-elle", "a-t-on", "est-il"), "est-ce que" without
# another question word, or a statement ending with "?" and no question word.
INVERSION = re.compile(
    r"\b\w+-(?:t-)?(?:il|elle|ils|elles|on|je|nous|vous)\b(?!-)|\best-ce qu(?:e|')|^(?:y a-t-il|"
    r"a-t-on|peut-on|doit-on|faut-il|puis-je|dois-je|ai-je)\b"
)
# Words that make a question ask something other than yes or no. "que", "qu'", "où" and
# "quand" count only where they open it ("Que dit…", "Où trouver…", "Quand…"): inside a
# sentence they are conjunctions ("je pense que", "quand même"). "qui gère" asks who only where
# it opens a clause ("et qui gère ?", "c'est qui qui paie"), not after a noun ("l'asso qui
# gère le centre social, elle peut… ?").
QUESTION_WORD = re.compile(
    r"\b(?:combien|comment|pourquoi|quel|quelle|quels|quelles|lequel|laquelle|lesquels|"
    r"lesquelles|quoi|qu'est-ce|qu'est ce)\b|(?:^|[,:;]\s*)(?:que|qu'|ou|quand|qui)\b|"
    r"\b(?:depuis|jusqu'a) quand\b|\b(?:a|par|avec|pour|de|aupres de) qui\b|"
    r"(?:^|[,:;]\s*|\b(?:et|mais|alors|donc|ou|c'est|cest|qui) )qui (?:doit|peut|"
    r"decide|delivre|fixe|finance|paie|paye|est|sont|a|assure|gere|porte|signe|controle|"
    r"accompagne|s'occupe)\b"
)


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
    if defines and _IN_FIGURES.search(folded):
        return Kind.FIGURE  # "le seuil, ça correspond à quoi en euros ?"
    if defines and _LIST_ASKED.search(folded):
        return Kind.CRITERIA
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
    if _asks_a_quantity(folded):
        return Kind.FIGURE  # "capital social minimum pour une SCIC en SA ?"
    if _is_yes_no(folded):
        return Kind.YESNO
    return Kind.EXPLAIN


# A question that is only a quantity's name ("capital minimum pour une SA ?", "le délai de
# préavis ?"): it asks the figure, not yes or no.
_QUANTITY_NAMED = re.compile(
    r"^(?:(?:le|la|les|l'|un|une) ?)?(?:capital|montant|seuil|plafond|taux|delai|duree|nombre|"
    r"pourcentage|proportion)\b"
)


def _asks_a_quantity(folded: str) -> bool:
    last = re.split(r"(?<=[.!:?])\s+", folded.strip())[-1]  # the last question, if several
    return bool(_QUANTITY_NAMED.match(last)) and not INVERSION.search(last)


def _last_question(folded: str) -> str:
    """The question itself: not a context sentence before it ("Je suis maire. …"), nor a remark
    after its question mark ("Il a le droit ? je croyais que non")."""
    asked = _TEL_QUEL.sub(" ", folded.strip())
    if "?" in asked:
        asked = asked[: asked.rindex("?") + 1]
    return re.split(r"(?<=[.!:])\s+", asked)[-1]


# "tel quel", "telle quelle": no question word.
_TEL_QUEL = re.compile(r"\b(?:tels?|telles?) (?:quels?|quelles?)\b")


def _is_yes_no(folded: str) -> bool:
    last = _last_question(folded)
    if INVERSION.search(last):
        # "est-ce que" followed by another question word is not a yes/no ("est-ce que quelqu'un
        # sait combien…"); an inverted verb after "comment" is a how.
        head = last[: INVERSION.search(last).start()]  # type: ignore[union-attr]
        return not QUESTION_WORD.search(head)
    return last.rstrip().endswith("?") and not QUESTION_WORD.search(last)


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
