"""Fluent answers written by an LLM from the retrieved passages, checked by the guard.

The extractive answer is always built first: it decides refusals (an LLM never answers what the
evidence does not support), it shows which sentences of each passage matter (they lead each
passage in the prompt, which stays short), and it is what the user gets, with a warning, when
the LLM is down, slow, or writes an answer the guard rejects.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template

from assistant.citations import citation, status_warning
from assistant.config import Settings
from assistant.errors import LLMUnavailableError
from assistant.followup import Turn, is_followup, standalone
from assistant.guard import check
from assistant.injection import strip_instructions
from assistant.llm import ChatModel, Message, complete
from assistant.types import Answer, Hit

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).parent / "prompts"
FALLBACK = "réponse rédigée par le modèle de langue non affichée ({reason}) : réponse extractive"
_TAG = re.compile(r"</?\s*passage", re.IGNORECASE)


def prompt(name: str) -> Template:
    return Template((PROMPTS / f"{name}.md").read_text(encoding="utf-8"))


def fallback(extractive: Answer, reason: str) -> Answer:
    """The extractive answer, with a French warning that says why the LLM's is not shown."""
    answer = extractive.model_copy(deep=True)
    answer.warnings.insert(0, FALLBACK.format(reason=reason))
    return answer


@dataclass
class Final:
    """The end of a stream: the answer to show, and whether it replaces the streamed text."""

    answer: Answer
    replaced: bool


class Writer:
    """Writes answers with `llm`; every answer it returns has passed the guard or is extractive."""

    def __init__(self, llm: ChatModel, settings: Settings) -> None:
        self.llm = llm
        self.settings = settings
        self.system = prompt("answer").template
        self.question = prompt("question")
        self.followup = prompt("followup")

    def passages(self, hits: list[Hit], extractive: Answer) -> list[Hit]:
        """What the model reads: the passages the extractive answer cites, in its order, then the
        best remaining ones, at most `llm_passages`. A small model answers better from few."""
        cited = {c.excerpt for c in extractive.citations}
        first = [h for c in extractive.citations for h in hits if h.text == c.excerpt]
        unique = list(dict.fromkeys(h.chunk_id for h in first))
        chosen = [next(h for h in first if h.chunk_id == cid) for cid in unique]
        chosen += [h for h in hits if h.text not in cited]
        return chosen[: self.settings.llm_passages]

    def messages(self, question: str, hits: list[Hit], extractive: Answer) -> list[Message]:
        budget = self.settings.llm_context_chars // max(1, len(hits))
        quoted = {c.excerpt: c.quoted for c in extractive.citations}
        blocks = [
            _passage(n, hit, quoted.get(hit.text, []), budget) for n, hit in enumerate(hits, 1)
        ]
        user = self.question.safe_substitute(passages="\n\n".join(blocks), question=question)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def stream(self, question: str, hits: list[Hit], extractive: Answer) -> Iterator[str | Final]:
        """Text pieces as the LLM writes them, then one `Final`. A refusal stays a refusal."""
        if extractive.refused or not hits:
            yield Final(extractive, replaced=False)
            return
        hits = self.passages(hits, extractive)
        pieces: list[str] = []
        try:
            for piece in self.llm.stream(
                self.messages(question, hits, extractive), self.settings.llm_max_tokens
            ):
                pieces.append(piece)
                yield piece
        except LLMUnavailableError as exc:
            log.warning("LLM %s unavailable: %s", self.llm.name, exc)
            yield Final(fallback(extractive, str(exc)), replaced=bool(pieces))
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
            return Final(fallback(extractive, reason), replaced=True)
        citations = [citation(n, hits[n - 1]) for n in sorted(result.cited)]
        warnings = [w for c in citations if (w := status_warning(c))]
        answer = Answer(
            answer=text.strip(),
            refused=False,
            citations=citations,
            warnings=warnings,
            question=extractive.question,
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


def _passage(n: int, hit: Hit, quoted: list[str], budget: int) -> str:
    """One passage as data: its number, source, date and status, then its text (the sentences
    the extractive answer chose first), cut to `budget` characters."""
    meta = hit.meta
    source = str(meta.get("short") or meta.get("title") or hit.doc_id)
    if hit.locator:
        source += f", {hit.locator}"
    rest = hit.text
    for sentence in quoted:
        rest = rest.replace(sentence, " ")
    # Data, not orders: a document's instructions to its reader never reach the model.
    body = strip_instructions(" ".join([*quoted, " ".join(rest.split())]).strip())
    if len(body) > budget:
        body = body[:budget].rsplit(" ", 1)[0] + " (…)"
    body = _TAG.sub("passage", body)  # a passage cannot close its own tag
    return (
        f'<passage n="{n}" source="{_attr(source)}" date="{_attr(str(meta.get("date", "")))}" '
        f'statut="{_attr(str(meta.get("status", "")))}">\n{body}\n</passage>'
    )


def _attr(value: str) -> str:
    return value.replace('"', "'").replace("<", " ").replace(">", " ")


def sse_events(events: Iterable[str | Final]) -> Iterator[str]:
    """Server-Sent Events for `POST /ask/stream`: `delta` events carry text as it is written,
    one `final` event the answer to show (the same JSON as `POST /ask`) and `replace`, true when
    the streamed text must give way to it."""
    for event in events:
        if isinstance(event, Final):
            body = event.answer.model_dump() | {"replace": event.replaced}
            yield _sse("final", body)
        else:
            yield _sse("delta", {"text": event})


def _sse(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
