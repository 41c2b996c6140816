"""A practice note's own "Oui." / "Non.", its answer to its heading's question: when it may
answer the question asked too.
"""

from __future__ import annotations

from assistant.french import terms
from assistant.parties import PARTIES
from assistant.question import Question
from assistant.types import Hit

# Words every note is about, named or not: the ESS, the collectivité asking (a commune, a
# département… named in the question is the asker far more often than the subject).
_ANY = frozenset(terms("ESS collectivité collectivités"))
# Who makes up a body, named as a body is: "150 associés" asks about members.
_MEMBERS = frozenset(terms("associé associés membre membres salarié salariés adhérent adhérents"))


def own_answer_fits(part: Question, hit: Hit) -> bool:
    """Whether the note's own verdict may answer `part`: every body, member, figure and acronym
    the sentence that asks names is in that section, the asker's own kind of collectivité aside
    ("Une SCIC peut-elle être une SAS ? Oui." does not answer "…prendre la forme d'une
    association ?", nor "…avoir 150 associés ?"); other words may differ ("obligé" / "doit")."""
    present = set(terms(f"{hit.meta.context} {hit.text}"))
    missing = [
        (t, long)
        for t, long in part.expansions
        if t not in part.setting and t not in present and not long & present and t not in _ANY
    ]
    return not any(
        (PARTIES[t] != "collectivite" if t in PARTIES else bool(long))
        or t in _MEMBERS
        or any(ch.isdigit() for ch in t)
        for t, long in missing
    )
