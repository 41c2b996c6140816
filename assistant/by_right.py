"""A status asked to come by right ("est-il agréé d'office ?") and the sentence that grants it
"de plein droit" to the holder the question names.
"""

from __future__ import annotations

import re

from assistant.french import terms
from assistant.glossary import expand
from assistant.parties import PARTIES

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


def by_right(asked: str, said: str, context: str = "") -> re.Match[str] | None:
    """Where `said` grants "de plein droit" an agrément asked to come "d'office" (the verdict is
    then "Oui, de plein droit"): in a clause that does not deny it, and in a sentence that names,
    before it, the holder the question opens on ("Un atelier chantier d'insertion … : il est
    agréé de plein droit s'il respecte…"). "Certaines structures sont agréées de plein droit"
    names no one; "Une SCOP soutenue par la commune" is not named by a sentence on a chantier
    "soutenu par la commune"; a chamber's "capacité juridique … de plein droit" is no agrément."""
    # "L'ACI qu'on subventionne veut l'agrément ESUS. Est-ce qu'il l'a d'office ?": a pronoun
    # takes up the holder, and the status, the sentence before names.
    if _PRONOUN.match(asked) and context:
        if _CHANGED.search(context):
            return None  # "transformé en SCOP", "devenu une SARL": the pronoun is the new body
        asked = f"{context} {_PRONOUN.sub('', asked, count=1)}"
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
    return found


_CHANGED = re.compile(
    r"\b(?:transforme\w*|devenue?s?|deviendra\w*|perdu|n'est plus|ne sont plus|change\w* de|"
    r"repris\w* par|rachete\w*|absorbe\w*|cede\w*|fusionne\w*)\b"
)
_PRONOUN = re.compile(r"^\s*(?:est-ce qu'|est ce qu')?(?:il|elle|ils|elles)\b\s*")
_AGREMENT = re.compile(r"\bagre(?:e|ee|es|ees|ment)?s?\b")
# The holder a question opens on: "Un atelier chantier d'insertion (qu'on finance), il a…",
# "l'ESAT du secteur a-t-il…": the words before its verb, a relative or a comma. Folded text.
_HOLDER = re.compile(
    r"^\s*(?:(?:une|un|le|la|les|l'|notre|nos|cette|cet|ce)\b\s*)?(.+?)"
    r"(?=\s+(?:qui|que|qu'|dont|est|sont|a|ont|peut|doit|du|de la|des|soutenu\w*|finance\w*)\b|"
    r",|\?|-t-|-il\b|-elle\b)"
)
