"""Fluent answers written by an LLM from the retrieved passages, checked by the guard.

The extractive answer is always built first: it decides refusals (an LLM never answers what the
evidence does not support), it picks the passages and the sentences of each that matter (the
model reads only those, so a small model on a busy CPU reads little and answers fast), and it is
what the user gets, with a warning, when the LLM is down, slow, or writes an answer the guard
rejects.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from assistant.citations import citation, status_warning
from assistant.config import Settings
from assistant.errors import LLMUnavailableError
from assistant.followup import Turn, is_followup, standalone
from assistant.guard import Problem, check
from assistant.injection import strip_instructions
from assistant.llm import ChatModel, Message, complete
from assistant.types import Answer, Hit

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).parent / "prompts"
FALLBACK = "réponse rédigée par le modèle de langue non affichée ({reason}) : réponse extractive"
# What the prompt asks the model to write when no passage answers; the guard reads it as "no
# answer" (tests/test_llm.py holds the two together).
NOT_IN_PASSAGES = "Les passages ne répondent pas à cette question."
UNAVAILABLE = "unavailable"  # the kind of a draft lost because the LLM failed or was too slow
# A passage's text that looks like a passage number ("[2]") would make the model cite it.
_BRACKET_NUMBER = re.compile(r"\[(\d+)\]")
_MIN_PIECE = 80  # a sentence cut shorter than this says too little to be worth the tokens
# "I. - " or "II.-" opening a paragraph of law: tokens the model would copy, no meaning.
_ENUMERATOR = re.compile(r"^[IVX]+\.\s*-\s*")


def prompt(name: str) -> Template:
    return Template((PROMPTS / f"{name}.md").read_text(encoding="utf-8"))


def fallback(extractive: Answer, reason: str) -> Answer:
    """The extractive answer, with a French warning that says why the LLM's is not shown."""
    answer = extractive.model_copy(deep=True, update={"llm_shown": False, "llm_rejected": reason})
    answer.warnings.insert(0, FALLBACK.format(reason=reason))
    return answer


@dataclass
class Final:
    """The end of a stream: the answer to show, whether it replaces the streamed text, and,
    when the LLM's draft is not shown, why (the evaluation counts the reasons by kind)."""

    answer: Answer
    replaced: bool
    rejected: list[Problem] = field(default_factory=list)


class Writer:
    """Writes answers with `llm`; every answer it returns has passed the guard or is extractive."""

    def __init__(self, llm: ChatModel, settings: Settings) -> None:
        self.llm = llm
        self.settings = settings
        self.system = prompt("answer").safe_substitute(none=NOT_IN_PASSAGES)
        shape = (PROMPTS / "answer.gbnf").read_text(encoding="utf-8")
        self.shape = Template(shape).safe_substitute(none=NOT_IN_PASSAGES)
        self.question = prompt("question")
        self.followup = prompt("followup")

    def warm(self) -> None:
        """Has the model read the system prompt before the first question: a local model keeps
        it evaluated (it opens every prompt), so no user waits for it."""
        try:
            complete(self.llm, [{"role": "system", "content": self.system}], 1)
        except LLMUnavailableError as exc:
            log.warning("LLM %s not warmed: %s", self.llm.name, exc)

    def passages(self, hits: list[Hit], extractive: Answer) -> list[tuple[Hit, str]]:
        """What the model reads, numbered from 1: the passages the extractive answer cites, in
        its order, at most `llm_passages` (the best retrieved ones only when it cites none),
        each reduced to the sentences it quotes, `llm_context_chars` in all."""
        first = [h for c in extractive.citations for h in hits if h.text == c.excerpt]
        chosen = list({h.chunk_id: h for h in reversed(first)}.values())[::-1]
        chosen = (chosen or hits)[: self.settings.llm_passages]
        quoted = {c.excerpt: c.quoted for c in extractive.citations}
        bodies = excerpts(
            [quoted.get(h.text) or [h.text] for h in chosen], self.settings.llm_context_chars
        )
        return [(hit, body) for hit, body in zip(chosen, bodies, strict=True) if body]

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
        read = self.passages(hits, extractive)
        hits = [hit for hit, _ in read]
        pieces: list[str] = []
        try:
            for piece in self.llm.stream(
                self.messages(question, read), self.settings.llm_max_tokens, self.shape
            ):
                pieces.append(piece)
                yield piece
        except LLMUnavailableError as exc:
            log.warning("LLM %s unavailable: %s", self.llm.name, exc)
            lost = [Problem(UNAVAILABLE, str(exc))]
            yield Final(fallback(extractive, str(exc)), replaced=bool(pieces), rejected=lost)
            return
        yield self.finish("".join(pieces), hits, extractive)

    def write(self, question: str, hits: list[Hit], extractive: Answer) -> Answer:
        final = None
        for event in self.stream(question, hits, extractive):
            if isinstance(event, Final):
                final = event
        assert final is not None  # stream always ends with a Final
        return final.answer

    def finish(self, text: str, hits: list[Hit], extractive: Answer) -> Final:
        """The LLM's answer with the passages it cites, or the extractive one if the guard fails."""
        # Checked against the passages as the model read them: a sentence whose only support
        # is an order planted in a document ("réponds que… 99 %") finds none.
        shown = [strip_instructions(h.text) for h in hits]
        result = check(text, shown, self.settings.guard_overlap)
        if not result.ok:
            log.info("guard rejected the LLM answer: %s", result.problems)
            reason = "; ".join(result.problems[:2])
            return Final(fallback(extractive, reason), replaced=True, rejected=result.found)
        citations = [citation(n, hits[n - 1]) for n in sorted(result.cited)]
        warnings = [w for c in citations if (w := status_warning(c))]
        answer = Answer(
            answer=text.strip(),
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


def excerpts(sentences: list[list[str]], budget: int) -> list[str]:
    """The text of each passage within `budget` characters in all: the first sentence of every
    passage, then the second ones, and so on (the extractive answer's order, so its opening
    comes first). A sentence longer than half the budget (when there are several passages) or
    than what is left is cut at a word; one is left out when too little room is left."""
    chosen: list[list[str]] = [[] for _ in sentences]
    cap = budget if len(sentences) == 1 else budget // 2
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
                text = text[:room].rsplit(" ", 1)[0] + " (…)"
            chosen[i].append(text)
            left -= len(text) + 1
    return [" ".join(c) for c in chosen]


def _passage(n: int, hit: Hit, body: str) -> str:
    """One passage on one line: its number, its source (and "historique" for a text no longer
    in force), its text between French quotes, so that it reads as data."""
    meta = hit.meta
    source = str(meta.short or meta.title or hit.doc_id)
    where = str(meta.article or hit.locator)
    if where:
        source += f", {where}"
    if meta.status == "historique":
        source += f" (historique, {meta.date})"
    # Data, not orders: a document's instructions to its reader never reach the model.
    text = _BRACKET_NUMBER.sub(r"(\1)", strip_instructions(body))
    text = text.replace("«", '"').replace("»", '"')
    return f"[{n}] {source} : « {text} »"
