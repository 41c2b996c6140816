"""Who-questions ("Qui organise la conférence régionale ?"): the sentence saying who does the
act asked, among those that answer about as well.
"""

from __future__ import annotations

import re

from assistant.french import stem, words
from assistant.question import Question
from assistant.scoring import Candidate

# "qui organise", "qui est-ce qui délivre", "qui peut signer": the verb of a who-question. On
# folded text.
_WHO_DOES = re.compile(
    r"\bqui\s+(?:est-ce qui\s+)?(?:(?:le|la|les|l'|leur|lui|nous|vous|en|y|se|s')\s*)*"
    r"(?:(?:peut|peuvent|doit|doivent|va|vont)\s+(?:(?:le|la|les|l'|leur|lui|en|y|se|s')\s*)*)?"
    r"(?P<verb>[a-z]{4,})"
)
_WHO_SHARE = 0.9
# The asked verb's forms after its stem ("organis-ent", "délivr-é"), not a noun ("organis-ations").
_FORMS = re.compile(r"(?:e|es|ent|ee?s?|er|ant|ait|aient|era|eront)?")
_NOT_ACTS = frozenset({"etre", "sont", "etait", "fait", "font", "avoir"})


def _who_does(folded: str) -> str | None:
    """The stem of the act a who-question asks the doer of, None for "qui est…", "qui a…"."""
    found = _WHO_DOES.search(folded)
    if found is None or found.group("verb") in _NOT_ACTS:
        return None
    return stem(found.group("verb"))


def saying_who(part: Question, best: Candidate, near: list[Candidate]) -> Candidate:
    """Of `near` sentences scoring about as well as `best`, the first with the asked verb itself
    ("… et le président du conseil régional organisent …"; a verb of the same act let "versées"
    stand for "qui accorde"); `best` when none has it or the question names no act."""
    did = _who_does(part.folded)
    if did is None:
        return best
    return next(
        (
            c
            for c in near
            if c.score >= best.score * _WHO_SHARE
            and any(_FORMS.fullmatch(w[len(did) :]) for w in words(c.text) if w.startswith(did))
        ),
        best,
    )
