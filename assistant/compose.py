"""The printed answer: the opening (verdict, the quoted unit, the article it rests on), the
further points, the dated note when sources disagree, and the numbered citations.

Text is shown as the documents write it, whole sentences or a clause ending with "…", never a
word cut in two, never a list's announcing sentence without its items.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.citations import (
    LEGAL_KINDS,
    according_to,
    article_label,
    citation,
    document_label,
    french_date,
    status_warning,
)
from assistant.french import fold, terms
from assistant.sentences import COMPLETE
from assistant.types import Answer, Citation, Hit

# "Oui. Quand une subvention…": a practice note answering its own heading's question.
# A note's own answer to its heading's question: "Oui.", "Non.", "Oui, au-delà d'un seuil.".
# Also after a short frame: "Dans sa rédaction de 2014, oui.".
_STATED_VERDICT = re.compile(
    r"^(?P<verdict>(?:(?:Dans|Selon|D'après|En) [^.;:,]{1,40}, (?:oui|non)|(?:Oui|Non)"
    r"(?:, [^.;:]{1,60})?)\.)\s+(?=[A-ZÀ-Ý])"
)

if TYPE_CHECKING:
    from assistant.scoring import Candidate

# Sentences about the document rather than the subject ("Cette fiche répond aux questions…"),
# and questions (a heading or a rhetorical question is no answer). On folded text.
_META = re.compile(
    r"^(?:cette|la presente|ce|notre|le present) (?:fiche|note|page|document|guide|section|"
    r"partie|synthese|etude|rapport|table ronde|article de presse)\b|"
    r"\b(?:cette fiche|ce guide|ce document|cette note|cette page) (?:repond|presente|propose|"
    r"rappelle|a pour objet|vise|resume|s'adresse|recense)|^(?:voir|cf\.?) (?:la|le|les) (?:fiche|"
    r"guide|partie|section)|\?\s*$|"
    # a table of contents, a pointer elsewhere: "AU SOMMAIRE DE CE GUIDE :", "fait l'objet
    # d'une fiche à part"
    r"^(?:au sommaire|sommaire|table des matieres)\b|\bf(?:ait|ont) l'objet d'une (?:fiche|note|partie|"
    r"section|page) a part\b|"
    # a sentence about the question itself: "Les collectivités rencontrent souvent la question"
    r"\b(?:rencontre\w*|se pose\w*|pose\w*) souvent (?:la|cette) question\b"
)
_ITEM_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-–•*])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:.!?])\s+")
_ITEM_WORDS = 32  # one step of a list of steps: its first clause when longer


def is_meta(text: str) -> bool:
    return bool(_META.search(fold(text.strip())))


def display(text: str) -> str:
    """A unit as printed: unbalanced quotes and bullet marks off, first letter up, and a text cut
    by the end of its passage ended at its last whole clause with "…"."""
    text = text.strip()
    if text.startswith("«") and "»" not in text:
        text = text[1:].strip()
    if text.endswith("»") and "«" not in text:
        text = text[:-1].strip()
    if "\n" not in text:
        text = _ITEM_MARK.sub("", text)
    if text and not COMPLETE.search(text):
        text = _cut_clean(text)
    if re.match(r"[a-z]\)\s", text):
        return text  # "b) Les réserves…": a lettered item keeps its letter as written
    return text[0].upper() + text[1:] if text and text[0].islower() else text


def _cut_clean(text: str) -> str:
    """A sentence the passage cuts off ("…définies à l'articl"): back to its last clause
    boundary when that keeps most of it, else without its last (maybe cut) word; then "…"."""
    boundary = max(text.rfind(", "), text.rfind("; "), text.rfind(" : "))
    if boundary > len(text) * 0.6:
        return text[:boundary].rstrip(" ,;:") + " …"
    head = text.rsplit(" ", 1)[0] if " " in text else text
    return head.rstrip(" ,;:'’") + " …"


def excerpt_around(text: str, focus: set[str], max_words: int) -> str:
    """`text`, or when longer than `max_words`, the run of its clauses that holds most of the
    `focus` terms, with "…" where it was cut. Lists are kept whole (their items are short)."""
    if "\n" in text or len(text.split()) <= max_words:
        return text
    clauses = _CLAUSE_END.split(text.strip())
    best: tuple[float, int, int] = (-1.0, 0, 1)
    for start in range(len(clauses)):
        words = 0
        for end in range(start, len(clauses)):
            words += len(clauses[end].split())
            if words > max_words and end > start:
                break
            hits = len(set(terms(" ".join(clauses[start : end + 1]))) & focus)
            score = hits - 0.001 * start
            if score > best[0]:
                best = (score, start, end + 1)
    _, start, end = best
    piece = " ".join(clauses[start:end]).strip()
    if len(piece.split()) > max_words * 1.5:  # one long clause: its first words
        piece = " ".join(piece.split()[:max_words]).rstrip(" ,;:")
        end = len(clauses) + 1
    if end < len(clauses) or not COMPLETE.search(piece):
        piece = piece.rstrip(" ,;:") + " …"
    if start > 0:
        piece = "… " + piece
    return piece


def first_words(text: str, max_words: int) -> str:
    """The start of `text` up to about `max_words`, ended at a clause boundary with "…": a step
    is named by its first words ("Choisir la forme…")."""
    words = text.split()
    if len(words) <= max_words:
        return text
    # not after "art." nor the "L." of "art. L. 2113-12": a reference goes on
    first = re.split(
        r"(?<=[.!?])(?<!\bart\.)(?<!\b[A-Z]\.)\s+(?=[A-ZÀ-Ý])", text.strip(), maxsplit=1
    )[0]
    if len(first.split()) <= max_words * 1.5:
        return first  # a whole first sentence rather than a clause cut inside a reference
    head = " ".join(words[:max_words])
    boundary = max(head.rfind(", "), head.rfind("; "), head.rfind(" : "))
    if boundary > len(head) * 0.5:
        head = head[:boundary]
    return head.rstrip(" ,;:") + " …"


def around_figure(text: str, value: str, max_words: int) -> str:
    """The clause of `text` that gives the percentage `value`, widened with its neighbours while
    it stays under `max_words`, with "…" where it was cut."""
    clauses = _CLAUSE_END.split(" ".join(text.split()))
    pattern = re.compile(rf"(?<![\d,]){re.escape(value)}\s?%")
    at = next((i for i, c in enumerate(clauses) if pattern.search(c)), None)
    if at is None:
        return excerpt_around(text, set(), max_words)
    start, end = at, at + 1
    size = len(clauses[at].split())
    while True:
        grown = False
        previous = clauses[start - 1] if start > 0 else ""
        if (
            previous
            and not previous.endswith((".", "!", "?"))
            and size + len(previous.split()) <= max_words
        ):
            start -= 1
            size += len(clauses[start].split())
            grown = True
        if end < len(clauses) and size + len(clauses[end].split()) <= max_words:
            size += len(clauses[end].split())
            end += 1
            grown = True
        if not grown:
            break
    piece = " ".join(clauses[start:end])
    if size > max_words * 1.5:
        words = piece.split()
        index = next((i for i, w in enumerate(words) if w.startswith(value)), 0)
        first = max(0, index - max_words // 2)
        piece = " ".join(words[first : first + max_words])
        start, end = (1 if first else 0), len(clauses) + 1
    if end < len(clauses) or not COMPLETE.search(piece):
        piece = piece.rstrip(" ,;:") + " …"
    return ("… " if start > 0 else "") + piece


def steps(text: str) -> str:
    """A list as numbered steps, each step its first clause when long; an announcing sentence
    stays on its own line above."""
    head, items = _split_list(text)
    lines = [head] if head else []
    for n, item in enumerate(items, 1):
        lines.append(f"{n}. {display(first_words(item, _ITEM_WORDS))}")
    return "\n".join(lines)


def as_list(text: str) -> str:
    """A list as printed: its announcing sentence, then one item per line as "- …" (or with
    the text's own "1°" numbering)."""
    head, items = _split_list(text)
    lines = [display(head)] if head else []
    for item in items:
        kept = re.match(r"^\s*(\d+°(?:\s*bis|\s*ter)?|[a-z]\))\s*", item)
        body = display(item[kept.end() :] if kept else item)
        lines.append(f"{kept.group(1)} {body}" if kept else f"- {body}")
    return "\n".join(lines)


def _opening_paragraphs(text: str, max_words: int) -> tuple[str, bool]:
    """The first sentences of a passage up to about `max_words` (at least one), its lines kept;
    and whether the passage goes on after them."""
    from assistant.french import sentences

    kept: list[str] = []
    count = 0
    all_sentences = sentences(text)
    for sentence in all_sentences:
        words = len(sentence.split())
        if kept and count + words > max_words:
            break
        kept.append(sentence)
        count += words
    shown = " ".join(kept)
    if shown and not COMPLETE.search(shown):
        shown = _cut_clean(shown)
    return shown, len(kept) < len(all_sentences)


_LIST_LINE = re.compile(r"^\s*(?:\d{1,2}[.)]|\d+°|[a-z]\)|[-–•*])\s")


def _split_list(text: str) -> tuple[str, list[str]]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = "" if lines and _LIST_LINE.match(lines[0]) else lines.pop(0) if lines else ""
    items = [re.sub(r"^\s*(?:\d{1,2}[.)]|[-–•*])\s+", "", line) for line in lines]
    return head, items


class Writeup:
    """The answer being written: numbers each passage once, in order of first citation."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        self.numbers: dict[str, int] = {}  # passage (or article) -> its number
        self.first_hit: dict[int, int] = {}  # number -> index of the hit it stands for
        self.more_hits: dict[int, list[int]] = {}  # number -> other passages of the article
        self.quoted: dict[int, list[str]] = {}
        self.opening: list[str] = []
        self.points: list[str] = []
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def cite(self, c: Candidate, label: bool = True) -> str:
        """ "(Loi n° 2014-856, art. 13) [2]" the first time a legal passage is cited, "[2]" then."""
        hit = self.hits[c.hit_index]
        key = _key(hit)
        first = key not in self.numbers
        n = self.numbers.setdefault(key, len(self.numbers) + 1)
        self.first_hit.setdefault(n, c.hit_index)
        if self.first_hit[n] != c.hit_index and c.hit_index not in self.more_hits.get(n, []):
            self.more_hits.setdefault(n, []).append(c.hit_index)
        self.quoted.setdefault(n, []).append(c.text)
        named = article_label(hit.meta, dated=False) if first and label else ""
        return f" ({named}) [{n}]" if named else f" [{n}]"

    def lead(
        self,
        c: Candidate,
        verdict: str | None,
        steps_wanted: bool = False,
        own_verdict: bool = True,
    ) -> None:
        """An opening unit, after the verdict when there is one. A note's sentence that opens
        with its own "Oui." or "Non." (its answer to its heading's question) loses it when a
        verdict is given already ("Oui. Oui. Les clauses…") or when `own_verdict` is False (the
        question is not a yes/no one)."""
        if "\n" in c.text:
            body = steps(c.text) if steps_wanted else as_list(c.text)
        else:
            body = display(c.text)
        own = _STATED_VERDICT.match(body)
        if own and verdict and own["verdict"][:3] == verdict[:3] and "," in own["verdict"]:
            verdict = None  # the note's own, as sure and more precise ("Oui, au-delà d'un seuil.")
        elif verdict or not own_verdict:
            body = _STATED_VERDICT.sub("", body, count=1)
        if verdict:
            body = f"{verdict} {body}"
        self.opening.append(body + self.cite(c))

    def quote(self, c: Candidate, verdict: str | None) -> None:
        """The sentence of a named article that answers: « … », with the article's name."""
        hit = self.hits[c.hit_index]
        label = article_label(hit.meta) or document_label(hit.meta)
        body = as_list(c.text) if "\n" in c.text else display(c.text)
        number = self.cite(c, label=False)
        lead = f"{verdict} " if verdict else ""
        self.opening.append(f"{lead}Selon {according_to(label)} : « {body.rstrip('.')} »{number}")

    def quote_article(self, hit: Hit, c: Candidate) -> None:
        """A named article itself: its name, then its opening paragraphs (about 90 words, whole
        sentences), "(…)" when it goes on."""
        label = article_label(hit.meta) or document_label(hit.meta)
        text, more = _opening_paragraphs(hit.text, 90)
        number = self.cite(c, label=False)
        ending = " (…)" if more else ""
        self.opening.append(f"{label} : « {text}{ending} »{number}")

    def basis(self, text: str, c: Candidate) -> None:
        """The article a note's answer rests on, quoted after it."""
        hit = self.hits[c.hit_index]
        label = article_label(hit.meta, dated=False) or document_label(hit.meta)
        number = self.cite(c, label=False)
        self.opening.append(f"Le texte : « {display(text).rstrip('.')} » ({label}){number}")

    def point(self, text: str, c: Candidate) -> None:
        body = as_list(text) if "\n" in text else display(text)
        self.points.append(f"- {body}{self.cite(c)}")

    def disagreement(self, newer: Candidate, older: Candidate, values: str) -> None:
        """The older text's figure, quoted with its number, then its date and status and the
        text that prevails: a reader sees both values and which one to act on."""
        new_meta, old_meta = self.hits[newer.hit_index].meta, self.hits[older.hit_index].meta
        number = self.cite(older, label=False).strip()
        quoted = around_figure(older.text, values.split()[0], 28)
        note = (
            f"À noter : « {display(quoted).rstrip('.')} » {number} — "
            f"« {document_label(old_meta)} » ({french_date(str(old_meta.date))}"
            f", statut : {old_meta.status}) indiquait {values} ; ce texte est "
            f"antérieur à « {document_label(new_meta)} » "
            f"({french_date(str(new_meta.date))}), qui prévaut."
        )
        self.notes.append(note)
        self.warnings.append(
            f"Sources en désaccord : « {document_label(old_meta)} » "
            f"({french_date(str(old_meta.date))}, statut : {old_meta.status})"
            f" indiquait {values} ; ce texte est antérieur à « {document_label(new_meta)} » "
            f"({french_date(str(new_meta.date))}), qui prévaut."
        )

    def contradicting_upload(self, official: Candidate, upload: Candidate, value: str) -> None:
        """An uploaded document's other figure, quoted with its number and named as an upload,
        beside the official text that prevails whatever the upload's date or title."""
        o_meta, u_meta = self.hits[official.hit_index].meta, self.hits[upload.hit_index].meta
        number = self.cite(upload, label=False).strip()
        quoted = around_figure(upload.text, value.split()[0], 28)
        title = str(u_meta.title).removeprefix("Document déposé : ")
        said = (
            f"« {title} » est un document déposé ({u_meta.source}) ; il indique "
            f"{value}, en contradiction avec « {document_label(o_meta)} » "
            f"({french_date(str(o_meta.date))}), qui prévaut : un document déposé ne "
            "fait pas foi face aux textes de référence."
        )
        self.notes.append(f"À noter : « {display(quoted).rstrip('.')} » {number} — {said}")
        self.warnings.append(f"Sources en désaccord : {said}")

    def _number_of(self, c: Candidate) -> int:
        return self.numbers.get(_key(self.hits[c.hit_index]), 0)

    def words(self) -> int:
        return len(" ".join(self.opening + self.points).split())

    def answer(self) -> Answer:
        blocks = ["\n".join(self.opening)]
        if self.points:
            blocks.append("\n".join(["À savoir aussi :", *self.points]))
        if self.notes:
            blocks.append("\n".join(self.notes))
        citations = []
        for n, i in sorted(self.first_hit.items()):
            cited = citation(n, self.hits[i], self.quoted.get(n, []))
            for j in self.more_hits.get(n, []):  # two passages of one article: one source
                cited.excerpt += "\n" + self.hits[j].text
            citations.append(cited)
        warnings = self.warnings + [w for c in citations if (w := status_warning(c))]
        return Answer(
            answer="\n\n".join(blocks), refused=False, citations=citations, warnings=warnings
        )


def _key(hit: Hit) -> str:
    """What one number stands for: an article of a legal text (its passages together), or a
    passage (the same text twice, from two ids, is one source)."""
    article = str(hit.meta.article)
    if article and hit.meta.kind in LEGAL_KINDS:
        return f"{hit.doc_id}\x1f{article}"
    return " ".join(hit.text.split())


def legal(hit: Hit) -> bool:
    return hit.meta.kind in LEGAL_KINDS


__all__ = ["Citation", "Writeup", "as_list", "display", "excerpt_around", "is_meta", "steps"]
