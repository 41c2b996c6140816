"""The verdict that opens the answer to a yes/no question, read off the sentence that answers.

Only what the sentence states: a permission ("peut", "ont le droit") gives "Oui", one under
conditions "Oui, à certaines conditions", a prohibition "Non". Anything else gives no verdict,
and the cited sentence speaks for itself: a wrong "Oui" is worse than none.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.followup import ABOUT
from assistant.french import fold, stem, terms, verb_lists
from assistant.glossary import expand
from assistant.thresholds import settles

YES = "Oui."
NO = "Non."
YES_IF = "Oui, à certaines conditions."
BY_RIGHT = "Oui, de plein droit."
BY_RIGHT_IF = "Oui, de plein droit, à certaines conditions."

# On folded text.
_ASKS_PERMISSION = re.compile(
    r"\b(?:peu[tx]|peuvent|pourrai\w*|pourr\w+|puis|pouvons|pouvez|possible|le droit|droit de|"
    r"autorise\w*|ouvert\w*|permis\w*|peut-on|peut-elle|peut-il|peuvent-elles|peuvent-ils|"
    r"envisageable|admis\w*|legal\w*|jouable|faisable)\b"
)
# "c'est obligatoire ?", "obligatoire pour toutes les communes", not the noun's adjective in
# "peut-elle partager les réserves obligatoires ?".
ASKS_OBLIGATION = re.compile(
    r"\b(?:doi[st]|doivent|devons|devez|oblige\w*|obligatoirement|faut-il|il faut|tenue?s? de|"
    r"(?<!peut )(?<!-on )(?<!peux )(?<!peuvent )(?<!droit d')(?<!possible d')impose\w*|"
    r"(?:est|sont|etre|soit|serait|ce|il|elle|pas|vraiment|toujours|bien|forcement|"
    r"rendue?s?|rendre|devenu\w*)\s+obligatoires?|obligatoires?(?=\s*(?:\?|$|de\b|d'|pour\b|"
    r"dans\b|a partir\b|des\b|au-dela\b|quand\b|si\b|ou (?:pas|non)\b|,)))"
)
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


# The verb a yes/no question asks about, after its modal: "peut-elle être associée", "doit-on
# prévenir", "a-t-on le droit de réserver". On folded text.
_ASKED_VERB = re.compile(
    r"\b(?:peu[tx]|peuvent|pourr\w+|puis|doi[st]|doivent|faut|droit de|droit d'|possible de|"
    r"autorise\w* a|oblige\w* d(?:e|')|tenue?s? d(?:e|'))"
    r"(?:-(?:t-)?(?:il|elle|ils|elles|on|je|nous|vous))?(?:\s+|(?<='))(?:(?:pas|plus|encore|bien|vraiment|aussi|quand meme|legalement|directement|"
    r"obligatoirement|forcement|necessairement|absolument|toujours|en|y|lui|"
    r"leur|la|le|les|l'|se|s'|me|m'|nous|vous)\b\s*)*(?:etre\s+|avoir\s+)?"
    r"(?:(?:elle|lui|eux|elles|soi)-? ?memes?\s+|a\s+|au\s+|l'|d')*"
    r"(?!(?:une|des|les|aux|ces|ses|son|sa|leur|leurs|cette|cet|obligatoirement|forcement|"
    r"necessairement|absolument|toujours)\b)(?P<verb>[a-z]{3,})"
)


def asking(question: str) -> str:
    """The sentence that asks (the last one with a question mark), without the context an
    official gives before it ("On nous dit que la collectivité doit juste accompagner."), nor
    the earlier question a follow-up is about ("S'il le vend à son fils, c'est pareil ? — à
    propos de : … doit-il informer ses salariés ?" asks about the son, not the rule)."""
    question = question.split(ABOUT)[0]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", question.strip()) if s.strip()]
    asked = [s for s in sentences if "?" in s]
    return (asked or sentences or [question])[-1]


# "On voudrait réserver le marché aux entreprises de l'ESS, c'est possible ?": the verb asked
# about is what the asker wants to do, the question is whether that is allowed. On folded text.
_IS_IT_ALLOWED = re.compile(
    r"\b(?:c'?est|c est|ce serait|est-ce|serait-ce)\s+(?:\w+\s+)?(?:possible|jouable|legal|"
    r"autorise|permis|envisageable|faisable)\b"
)
_WANTED_VERB = re.compile(
    r"\b(?:voudrai\w*|veu[tx]|veulent|voulons|souhait\w*|aimer\w*|envisag\w* de|compt\w*|"
    r"pens\w*|prevo\w* de|projet\w* de)\s+(?:(?:le|la|les|l'|lui|leur|y|en|se|s')\s*)*"
    r"(?P<verb>[a-z]{3,}(?:er|ir|re))\b"
)


# Verbs that say little without their object: "faire une avance", "devenir partie", "prendre des
# parts". The act asked about is then also named by the object ("allouer des avances").
_LIGHT = frozenset({"fair", "deven", "etre", "avoir", "donn", "mettr", "prendr"})
# Verbs whose object is another act ("décider de partager", "choisir de réserver"): that act is
# the one asked about.
_CONTROL = frozenset({"decid", "chois", "accept", "demand", "tent", "envisag"})
_CONTROLLED = re.compile(
    r"\s+(?:de|d')\s*(?:(?:se|s'|le|la|les|l'|leur|lui|y|en)\s*)*(?P<verb>[a-z]{3,}(?:er|ir|re|oir))\b"
)
_OBJECT = re.compile(
    r"\s+(?:(?:un|une|des|le|la|les|l'|du|de|d'|son|sa|ses|leur|leurs|quand meme)\s*)*"
    r"(?P<object>[a-z]{4,})"
)


def asked_act(question: str) -> tuple[str, str | None] | None:
    """The stem of the verb the question asks permission or obligation for, and the stem of its
    object when the verb is a light one."""
    asked = fold(asking(question))
    match = _ASKED_VERB.search(asked)
    if match is None and _IS_IT_ALLOWED.search(asked):
        match = _WANTED_VERB.search(asked)
    if match is None:
        return None
    verb = stem(match.group("verb"))
    wanted = _CONTROLLED.match(asked, match.end()) if verb in _CONTROL else None
    if wanted and wanted.group("verb") not in ("etre", "avoir"):
        # "peut-elle décider de se partager les réserves": what is asked is the sharing
        verb = stem(wanted.group("verb"))
    if verb not in _LIGHT:
        return verb, None
    thing = _OBJECT.match(asked, match.end())
    return verb, thing.group("object") if thing else None


def asked_verb(question: str) -> str | None:
    """The stem of the verb the question asks permission or obligation for."""
    found = asked_act(question)
    return found[0] if found else None


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
        verbs = verbs - _LIGHT
    # The object as a whole word, singular or plural ("parts" is not "partie", "prendre part").
    objects = {thing, f"{thing}s", thing.removesuffix("s")} if thing else set()
    for match in modal.finditer(said):
        clause = re.split(r"[.;:?!]\s", said[match.end() : match.end() + 120], maxsplit=1)[0]
        window = [w for w in clause.split() if any(ch.isalpha() for ch in w)][:_WINDOW]
        if any(stem(_word(w)) in verbs or _word(w) in objects for w in window):
            return True
        before = said[max(0, match.start() - 40) : match.start()].split()[-3:]
        if any(stem(_word(w)) in verbs for w in before):  # "réservés … peuvent être"
            return True
    return False


# What an act is done for: "monter un dossier pour prouver qu'il remplit les conditions".
_PURPOSE = re.compile(
    r"\bpour (?:(?:le|la|les|l'|se|s'|lui|leur|en|y|nous|vous)\s*)*(?P<verb>[a-z]{3,}(?:er|ir|re|oir))\b"
)
# "faire publiquement état de leur qualité": to claim it, as "se dire", "se prévaloir".
_IDIOM = re.compile(r"\bfaire (?:publiquement )?etat\b")


def verdict(question: str, sentence: str) -> str | None:
    """The verdict `sentence` gives to the yes/no `question`, or None when it states none: the
    sentence's permission, prohibition or obligation must bear on the verb the question asks
    about ("peut-elle être associée" / "Peut être associé … toute personne publique")."""
    asked, said = fold(asking(question)), _IDIOM.sub("se prevaloir", fold(sentence))
    if ASKS_OBLIGATION.search(asked) and _not_applied(question, asked, said):
        return NO
    if (by_right := _by_right(question, asked, said)) is not None:
        return by_right
    found = asked_act(question)
    if found is None:
        return _denied(asked, said)
    verb, thing = found
    if ASKS_OBLIGATION.search(asked):
        purpose = _PURPOSE.search(asked)
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
    if _ASKS_PERMISSION.search(asked):
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


# "est-il agréé d'office ?", "il l'a automatiquement ?": a status asked to come by right. On
# folded text.
_ASKS_BY_RIGHT = re.compile(r"\b(?:automatiquement|d'office|de plein droit|d'emblee)\b")
_BY_RIGHT = re.compile(r"\bde plein droit\b")
# Words of the status itself, not of who holds it.
_STATUS_WORDS = frozenset(
    terms(
        "agrément agréé agréée agréés ESUS entreprise solidaire utilité sociale automatiquement "
        "office plein droit condition conditions démontrer prouver dossier demande avoir obtenir "
        "bénéficier structure structures"
    )
)


def _by_right(question: str, asked: str, said: str) -> str | None:
    """ "Oui" when an agrément asked to come "d'office" is stated "de plein droit", in a clause
    that does not deny it, by a sentence that names the holder the question opens on ("Un
    atelier chantier d'insertion … : il est agréé de plein droit s'il respecte…"). "Certaines
    structures sont agréées de plein droit" names no one; "Une SCOP soutenue par la commune"
    is not named by a sentence on a chantier "soutenu par la commune"; a chamber's "capacité
    juridique … de plein droit" is no agrément."""
    if not _ASKS_BY_RIGHT.search(asked) or not _AGREMENT.search(asked):
        return None
    found = _BY_RIGHT.search(said)
    if found is None:
        return None
    clause = re.split(r"[:;.]", said[: found.start()])[-1]
    if re.search(r"\bn(?:e |')", clause) or not _AGREMENT.search(
        f"{clause} {said[found.end() : found.end() + 40]}"
    ):
        return None  # "n'est pas agréé de plein droit", or another status by right
    holder = _HOLDER.match(asked)
    if holder is None:
        return None
    before = set(terms(said[: found.start()]))
    # the holder as asked, or an acronym's long form ("l'ACI" / "atelier chantier d'insertion")
    said_as = [holder.group(1), *re.findall(r"\(([^)]*)\)", expand(holder.group(1)))]
    ways = [set(terms(w)) - _STATUS_WORDS - set(PARTIES) for w in said_as]
    # "une association", "une coopérative": a kind of body, not one the law lists
    if not any(way and way <= before for way in ways):
        return None
    return BY_RIGHT_IF if _CONDITIONS.search(said[found.end() :]) else BY_RIGHT


_AGREMENT = re.compile(r"\bagre(?:e|ee|es|ees|ment)?s?\b")
# The holder a question opens on: "Un atelier chantier d'insertion (qu'on finance), il a…",
# "l'ESAT du secteur a-t-il…": the words before its verb, a relative or a comma. Folded text.
_HOLDER = re.compile(
    r"^\s*(?:(?:une|un|le|la|les|l'|notre|nos|cette|cet|ce)\b\s*)?(.+?)"
    r"(?=\s+(?:qui|que|qu'|dont|est|sont|a|ont|peut|doit|du|de la|des|soutenu\w*|finance\w*)\b|"
    r",|\?|-t-|-il\b|-elle\b)"
)


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
# Of what follows a denial, this many of the question's terms must be there ("aux aides au
# logement locatif social" for "pour des logements locatifs sociaux"): the sentence then denies
# what the question asks, not something else.
_DENIAL_OVERLAP = 2


def _denied(asked: str, said: str) -> str | None:
    """ "Non." when a question asked with a plain verb ("la convention s'applique-t-elle à…",
    "ça compte comme…") is answered by a sentence denying that verb about what was asked."""
    asked_terms = set(terms(asked))
    asked_stems = {stem(_word(w)) for w in asked.split()}
    for match in _DENIAL.finditer(said):
        if stem(match.group("verb")) not in asked_stems:
            continue
        if len(set(terms(match.group("rest"))) & asked_terms) >= _DENIAL_OVERLAP:
            return NO
    return None


# A rule that does not apply to someone: "Cette condition ne s'applique pas aux financements
# … des collectivités territoriales". On folded text.
_NOT_APPLIED = re.compile(
    r"\b(?:ne s'applique(?:nt)? pas|n'est pas applicable|ne sont pas applicables|ne concerne(?:nt)? "
    r"pas|ne vise(?:nt)? pas)\b(?P<rest>[^.;:]{0,160})"
)


def _not_applied(question: str, asked: str, said: str) -> bool:
    """Whether `said` says the rule does not apply to what a question asking whether it is
    compulsory is about ("C'est vraiment obligatoire pour une collectivité ?"): what follows
    the denial names the asking sentence's own subject and more of the question."""
    own = set(terms(asked)) - _ASKING_TERMS
    whole = set(terms(question))
    named = {PARTIES.get(t, t) for t in whole}
    if _WE.search(fold(question)) and "etat" not in named:
        named.add("collectivite")  # "sur notre budget": the asker is a local body
    for match in _NOT_APPLIED.finditer(said):
        if QUALIFIED.search(match.group("rest")):
            continue  # "aux communes de moins de 10 000 habitants": only some of them
        rest = set(terms(match.group("rest")))
        spared = {PARTIES[t] for t in rest if t in PARTIES}
        if own & rest and len(whole & rest) >= _DENIAL_OVERLAP and spared <= named:
            return True
    return False


# The asker speaking for the body they serve: officials of local government, this product's users.
_WE = re.compile(r"\b(?:nous|notre|nos)\b")  # not "doit-on", impersonal
_ASKING_TERMS = frozenset(terms("obligatoire obligatoires obligé obligée vraiment toujours"))
# Who a rule may spare, each word -> the kind of body it names: a commune, a département or a
# région is a collectivité territoriale; an association is not a fondation.
PARTIES = {
    **dict.fromkeys(
        terms(
            "collectivité collectivités commune communes département région mairie ville "
            "intercommunalité agglomération"
        ),
        "collectivite",
    ),
    **dict.fromkeys(terms("association associations asso"), "association"),
    **dict.fromkeys(terms("fondation fondations"), "fondation"),
    **dict.fromkeys(terms("entreprise entreprises société sociétés"), "entreprise"),
    **dict.fromkeys(terms("coopérative coopératives"), "cooperative"),
    **dict.fromkeys(terms("État"), "etat"),
}


# What makes an exemption depend on the case ("les communes de moins de 3 500 habitants",
# "lorsqu'elles…"): it then spares only some of those it names. On folded text.
# What makes an exemption or a non-application depend on the case ("les communes de moins de
# 3 500 habitants", "lorsqu'elles…", "reconnues d'utilité publique", "à l'exception des…"): it
# then spares only some of those it names. On folded text.
QUALIFIED = re.compile(
    r"\b(?:moins de|plus de|au-dela|lorsqu\w*|si|dont|qui|que|sous reserve|sauf|a l'exception|"
    r"hormis|autres? que|reconnue?s?|agreee?s?|employant|au plus|au moins|selon|hors|"
    r"seulement|uniquement|exclusivement|qu'|mais aussi)\b"
)


def same_rule(question: str, sentence: str) -> bool:
    """Whether `sentence` states the kind of rule the question asks about: a permission or a
    prohibition for "peut-on ?", an obligation or its absence for "doit-on ?" (a bound on who
    must do something does not say who may)."""
    # The whole question: "La CUMA peut-elle faire nos travaux ? Il y a des limites ?"
    asked, said = fold(question), fold(sentence)
    if ASKS_OBLIGATION.search(asked):
        return bool(OBLIGES.search(said) or _NOT_OBLIGED.search(said))
    if _ASKS_PERMISSION.search(asked):
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


def obligation_asked(question: str) -> bool:
    """Whether the question asks whether something must be done ("doit-elle", "faut-il")."""
    return bool(ASKS_OBLIGATION.search(fold(asking(question))))
