"""Fluent answers written by an LLM from the retrieved passages, checked by the guard.

The extractive answer is always built first: it decides refusals (an LLM never answers what the
evidence does not support), it picks the passages and the sentences of each that matter (the
model reads only those, numbered as the extractive answer numbers them, so a small model on a
busy CPU reads little and answers fast), and it is what the user gets, with a warning, when the
LLM is down, slow, or writes an answer the guard rejects.

A draft the guard accepts is shown with the extractive opening under it: the model's plain
words first, then the text they rest on as the documents write it, with the same numbers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from assistant.citations import citation, status_warning
from assistant.compose import excerpt_around
from assistant.config import Settings
from assistant.errors import LLMUnavailableError
from assistant.followup import Turn, is_followup, standalone
from assistant.french import terms
from assistant.guard import Problem, check
from assistant.injection import strip_instructions
from assistant.llm import ChatModel, Message, complete
from assistant.types import Answer, Citation, Hit

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).parent / "prompts"
FALLBACK = "réponse rédigée par le modèle de langue non affichée ({reason}) : réponse extractive"
# What the prompt asks the model to write when no passage answers; the guard reads it as "no
# answer" (tests/test_llm.py holds the two together).
NOT_IN_PASSAGES = "Les passages ne répondent pas à cette question."
UNAVAILABLE = "unavailable"  # the kind of a draft lost because the LLM failed or was too slow
# A passage's text that looks like a passage number ("[2]") would make the model cite it.
_BRACKET_NUMBER = re.compile(r"\[(\d+)\]")
# "article L. 3332-17-1", "art. 13": a full stop the model copies then cannot follow with a
# space (the grammar ends a sentence there); written "L3332-17-1", "article 13" as labels do.
_CODE_ARTICLE = re.compile(r"\b([LRDA])\.\s?(?=\d)")
_ART = re.compile(r"\bart\.\s")
_MIN_PIECE = 80  # a sentence cut shorter than this says too little to be worth the tokens
# "I. - " or "II.-" opening a paragraph of law: tokens the model would copy, no meaning.
_ENUMERATOR = re.compile(r"^[IVX]+\.\s*-\s*")
_CHARS_PER_WORD = 7  # about, in French legal text, spaces included: a budget in words from chars
_CITED = re.compile(r"\[(\d+)\]")


def prompt(name: str) -> Template:
    return Template((PROMPTS / f"{name}.md").read_text(encoding="utf-8"))


def fallback(extractive: Answer, reason: str) -> Answer:
    """The extractive answer, with a French warning that says why the LLM's is not shown."""
    answer = extractive.model_copy(deep=True, update={"llm_shown": False, "llm_rejected": reason})
    answer.warnings.insert(0, FALLBACK.format(reason=reason))
    return answer


@dataclass
class Final:
    """The end of a stream: the answer to show (an accepted draft comes back with the extractive
    opening under it), whether it replaces the streamed text, and, when the LLM's draft is not
    shown, why (the evaluation counts the reasons by kind)."""

    answer: Answer
    replaced: bool
    rejected: list[Problem] = field(default_factory=list)


class Writer:
    """Writes answers with `llm`; every answer it returns has passed the guard or is extractive."""

    def __init__(self, llm: ChatModel, settings: Settings) -> None:
        self.llm = llm
        self.settings = settings
        self.system = prompt("answer").safe_substitute(none=NOT_IN_PASSAGES)
        self.shapes = Template((PROMPTS / "answer.gbnf").read_text(encoding="utf-8"))
        self.question = prompt("question")
        self.followup = prompt("followup")

    def shape(self, passages: int) -> str:
        """The grammar of an answer citing only the numbers of the `passages` given (1 to 9)."""
        last = str(min(max(passages, 1), 9))
        return self.shapes.safe_substitute(none=NOT_IN_PASSAGES, last=last)

    def warm(self) -> None:
        """Has the model read the system prompt before the first question: a local model keeps
        it evaluated (it opens every prompt), so no user waits for it."""
        try:
            complete(self.llm, [{"role": "system", "content": self.system}], 1)
        except LLMUnavailableError as exc:
            log.warning("LLM %s not warmed: %s", self.llm.name, exc)

    def passages(
        self, hits: list[Hit], extractive: Answer, question: str = ""
    ) -> list[tuple[Hit, str]]:
        """What the model reads: the passages the extractive answer cites, under its numbers
        ([1] holds the sentence its opening quotes), at most `llm_passages` (the best retrieved
        ones only when it cites none), each reduced to the sentences the answer quotes,
        `llm_context_chars` in all; a long sentence is cut around the question's terms."""
        chosen = [(hit, c.quoted or [hit.text]) for hit, c in _numbered(hits, extractive)]
        if not chosen:
            chosen = [(hit, [hit.text]) for hit in hits]
        chosen = chosen[: self.settings.llm_passages]
        bodies = excerpts(
            [sentences for _, sentences in chosen],
            self.settings.llm_context_chars,
            frozenset(terms(question)),
        )
        # A passage left empty ends the list: the numbers after it would no longer be the
        # extractive answer's.
        read: list[tuple[Hit, str]] = []
        for (hit, _), body in zip(chosen, bodies, strict=True):
            if not body:
                break
            read.append((hit, body))
        return read

    def messages(self, question: str, passages: list[tuple[Hit, str]]) -> list[Message]:
        """The fixed system prompt (the same for every question, so a local model keeps it
        evaluated between calls), then the numbered passages and the question."""
        blocks = [_passage(n, hit, body) for n, (hit, body) in enumerate(passages, 1)]
        user = self.question.safe_substitute(passages="\n".join(blocks), question=question)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def stream(self, question: str, hits: list[Hit], extractive: Answer) -> Iterator[str | Final]:
        """Text pieces as the LLM writes them, then one `Final`. A refusal stays a refusal."""
        if extractive.refused or not hits:
            yield Final(extractive, replaced=False)
            return
        read = self.passages(hits, extractive, question)
        hits = [hit for hit, _ in read]
        pieces: list[str] = []
        try:
            for piece in self.llm.stream(
                self.messages(question, read), self.settings.llm_max_tokens, self.shape(len(read))
            ):
                pieces.append(piece)
                yield piece
        except LLMUnavailableError as exc:
            log.warning("LLM %s unavailable: %s", self.llm.name, exc)
            lost = [Problem(UNAVAILABLE, str(exc))]
            yield Final(fallback(extractive, str(exc)), replaced=bool(pieces), rejected=lost)
            return
        yield self.finish("".join(pieces), hits, extractive, question)

    def write(self, question: str, hits: list[Hit], extractive: Answer) -> Answer:
        final = None
        for event in self.stream(question, hits, extractive):
            if isinstance(event, Final):
                final = event
        assert final is not None  # stream always ends with a Final
        return final.answer

    def finish(self, text: str, hits: list[Hit], extractive: Answer, question: str = "") -> Final:
        """The LLM's words with the extractive opening under them and the passages both cite,
        or the extractive answer if the guard fails."""
        # Checked against the passages as the model read them: a sentence whose only support
        # is an order planted in a document ("réponds que… 99 %") finds none.
        shown = [strip_instructions(h.text) for h in hits]
        asked = question or extractive.question
        sources = [source_of(h) for h in hits]
        result = check(text, shown, self.settings.guard_overlap, asked, sources)
        if not result.ok:
            log.info("guard rejected the LLM answer: %s", result.problems)
            reason = "; ".join(result.problems[:2])
            return Final(fallback(extractive, reason), replaced=True, rejected=result.found)
        body, citations = _with_opening(text.strip(), hits, extractive, result.cited)
        # The extractive answer's own notes (sources that disagree) stay; status notes follow
        # the sources shown.
        own = {status_warning(c) for c in extractive.citations}
        warnings = [w for w in extractive.warnings if w not in own]
        warnings += [w for c in citations if (w := status_warning(c))]
        answer = Answer(
            answer=body,
            refused=False,
            citations=citations,
            warnings=warnings,
            question=extractive.question,
            llm_shown=True,
        )
        return Final(answer, replaced=False)

    def standalone(self, question: str, history: list[Turn]) -> str:
        """A follow-up rewritten by the LLM; the rule-based rewriting when it fails or rambles."""
        if not history or not is_followup(question):
            return question
        previous = history[-1].question.strip()
        user = self.followup.safe_substitute(previous=previous, question=question)
        try:
            reply = complete(self.llm, [{"role": "user", "content": user}], 80)
        except LLMUnavailableError as exc:
            log.warning("follow-up rewriting without LLM: %s", exc)
            return standalone(question, history)
        lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
        line = lines[0].strip(" «»\"'*") if lines else ""
        if not 8 <= len(line) <= 2 * (len(previous) + len(question)) or "[" in line:
            return standalone(question, history)
        return line


def _numbered(hits: list[Hit], extractive: Answer) -> list[tuple[Hit, Citation]]:
    """The retrieved passage behind each of the extractive answer's numbers, from [1] on, up to
    the first number it cannot place (two passages of one article are one number: the first)."""
    out: list[tuple[Hit, Citation]] = []
    for n, c in enumerate(sorted(extractive.citations, key=lambda c: c.n), 1):
        hit = next((h for h in hits if _first_of(h.text, c.excerpt)), None)
        if c.n != n or hit is None:
            break
        out.append((hit, c))
    return out


def _first_of(text: str, excerpt: str) -> bool:
    return excerpt == text or excerpt.startswith(text + "\n")


def _with_opening(
    draft: str, hits: list[Hit], extractive: Answer, cited: list[int]
) -> tuple[str, list[Citation]]:
    """What is shown for an accepted draft: the model's words, then on the next line the
    extractive opening they rest on (its verdict, the sentence of the text and its source), with
    the sources of both. The model read the extractive answer's passages under the same
    numbers; when it did not (the answer cites nothing), its words are shown alone."""
    numbered = {c.n: c for _, c in _numbered(hits, extractive)}
    if not cited or any(n not in numbered for n in cited):
        return draft, [citation(n, hits[n - 1]) for n in sorted(cited)]
    opening = re.split(r"\n\s*\n", extractive.answer.strip(), maxsplit=1)[0]
    text = f"{draft}\n{opening}"
    numbers = {int(n) for n in _CITED.findall(text)}
    return text, [c for c in extractive.citations if c.n in numbers]


def excerpts(
    sentences: list[list[str]], budget: int, focus: frozenset[str] = frozenset()
) -> list[str]:
    """The text of each passage within `budget` characters in all: the first sentence of every
    passage, then the second ones, and so on (the extractive answer's order, so its opening
    comes first). A sentence longer than three quarters of the budget (when there are several
    passages) or than what is left is cut to the clauses that hold most `focus` terms (the question's), then
    at a word; one is left out when too little room is left."""
    chosen: list[list[str]] = [[] for _ in sentences]
    cap = budget if len(sentences) == 1 else budget * 3 // 4
    left = budget
    for rank in range(max((len(s) for s in sentences), default=0)):
        for i, passage in enumerate(sentences):
            if rank >= len(passage):
                continue
            text = _ENUMERATOR.sub("", " ".join(passage[rank].split()))
            room = min(cap, left)
            if len(text) > room:
                if room < _MIN_PIECE:
                    continue
                if focus:
                    text = excerpt_around(text, set(focus), room // _CHARS_PER_WORD)
                if len(text) > room:
                    text = text[: room - 4].rsplit(" ", 1)[0] + " (…)"
            chosen[i].append(text)
            left -= len(text) + 1
    return [" ".join(c) for c in chosen]


def source_of(hit: Hit) -> str:
    """A passage's source as the model reads it: its document, its article or page, and
    "historique" for a text no longer in force."""
    meta = hit.meta
    source = str(meta.short or meta.title or hit.doc_id)
    where = str(meta.article or hit.locator)
    if where:
        source += f", {where}"
    if meta.status == "historique":
        source += f" (historique, {meta.date})"
    return source


def _passage(n: int, hit: Hit, body: str) -> str:
    """One passage on one line: its number, its source, its text between French quotes, so
    that it reads as data."""
    source = source_of(hit)
    # Data, not orders: a document's instructions to its reader never reach the model.
    text = _BRACKET_NUMBER.sub(r"(\1)", strip_instructions(body))
    text = _ART.sub("article ", _CODE_ARTICLE.sub(r"\1", text))
    text = text.replace("«", '"').replace("»", '"')
    return f"[{n}] {source} : « {text} »"
