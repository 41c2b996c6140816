"""The sentences of a passage that an answer can quote, computed the same way at ingest (to
embed them once) and when answering (to score them against the question)."""

from __future__ import annotations

import re

from assistant.french import fold, is_list_item, sentences

# Bumped whenever `answer_units` splits differently: the sentence vectors stored by an older
# ingest are then recomputed by the next one (and embedded on the fly until then).
UNITS_VERSION = 3

_CONTINUATION = re.compile(
    r"(cette|ces|cet|ce|celle|celui|ceux|il|elle|ils|elles|toutefois|cependant|sauf|"
    r"par derogation|dans ce cas|a defaut|en outre|de meme|le cas echeant|en revanche|"
    r"sous reserve|neanmoins|pour autant|dans ces cas)\b"
)
# A sentence that ends as a sentence (the last one of a passage may be cut by the chunking).
COMPLETE = re.compile(r"[.;:!?»)\]]\s*$")


def answer_units(passage: str) -> list[str]:
    """The sentences of a passage as answer candidates. A sentence that announces a list (ends
    with ':') comes with the items that follow it, and one followed by its own exception or
    sequel ("Toutefois…", "Cette condition…") also comes with it: a rule quoted without its
    exception misleads the official who acts on it."""
    units = sentences(passage)
    out: list[str] = []
    for i, text in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else ""
        if text.endswith(":"):
            items: list[str] = []
            j = i + 1
            while j < len(units) and is_list_item(units[j]) and len(" ".join(items)) < 700:
                items.append(units[j])
                j += 1
            if items:  # the announcing sentence alone says nothing: never quoted bare
                out.append(text + "\n" + "\n".join(items))
                continue
        elif (
            following
            and _CONTINUATION.match(fold(following))
            and len(text) < 600
            and (i + 2 < len(units) or COMPLETE.search(following))
        ):
            out.append(f"{text} {following}")
        out.append(text)
    return out
