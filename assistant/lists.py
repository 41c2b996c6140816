"""A list cut by passage breaks, carried on: the chunker cuts long enumerations of the law
("a) … ;" at the end of one passage, "b) …" at the top of the next), and the criteria or
steps asked are the whole list.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.french import is_list_item
from assistant.scoring import Candidate
from assistant.types import Hit

# A list line that leaves the enumeration open ("a) Les bénéfices … ;", "2° … ,").
_OPEN_ITEM = re.compile(r"[;,:]\s*$")
_CARRIED = 2  # passages a list may run on into


def list_carried_on(lead: Candidate, units: list[Candidate], hits: list[Hit]) -> list[Candidate]:
    """The rest of a list cut by passage breaks: when `lead`'s list ends on an open item
    ("a) … ;") at the end of its passage, the next passage of the same section, when it opens on
    a list line ("b) Les réserves obligatoires…") or on the list's announcing line again, is
    quoted after it with its own citation (the criteria asked are the whole list, not its first
    half); the line the chunker repeats at the top of the next passage is not quoted twice."""
    out: list[Candidate] = []
    last = lead
    while len(out) < _CARRIED:
        tail = last.text.split("\n")[-1].strip()
        # what the chunker repeats at the top of the next passage: the list's announcing line
        # ("Ces règles … sont les suivantes :") or its last line
        repeated = {tail, lead.text.split("\n")[0].strip()}
        hit = hits[last.hit_index]
        if not _OPEN_ITEM.search(tail) or not hit.text.rstrip().endswith(tail):
            break
        position, context = int(hit.meta.position or 0), str(hit.meta.context)
        found = next(
            (
                c
                for c in sorted(units, key=lambda c: c.position)
                if c.position == 0
                and hits[c.hit_index].doc_id == hit.doc_id
                and int(hits[c.hit_index].meta.position or 0) == position + 1
                and str(hits[c.hit_index].meta.context) == context
                and (is_list_item(c.text) or c.text.split("\n")[0].strip() in repeated)
            ),
            None,
        )
        if found is None:
            break
        head, _, rest = found.text.partition("\n")
        if head.strip() in repeated and rest.strip():
            found = replace(found, text=rest)
        out.append(found)
        last = found
    return out
