"""The passages and vectors a worker keeps in memory once read (`Settings.passage_cache`) never
change an answer: the same questions, asked twice to a worker that caches and once to one that
reads Chroma every time, get the same answers, word for word and citation for citation."""

from __future__ import annotations

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.pipeline import Assistant
from evals.questions import QUESTIONS, load_questions
from ingest.index import IngestSummary


def test_cached_passages_give_the_same_answers(
    indexed: tuple[Settings, IngestSummary], embedder: Embedder
) -> None:
    settings = indexed[0]
    questions = [q.question for q in load_questions(QUESTIONS) if not q.history][::6]
    # A question naming an article is read by metadata filter, then from the cache.
    questions += ["Que dit l'article 1er de la loi de 2014 ?", "art. 19 quater loi 1947 ?"]
    reading = Assistant.open(settings.model_copy(update={"passage_cache": 0}), embedder)
    # Small enough to be full and evicting by the second round.
    caching = Assistant.open(settings.model_copy(update={"passage_cache": 40}), embedder)

    def answers(assistant: Assistant) -> list[tuple[str, list[dict[str, object]]]]:
        out = []
        for question in questions:
            answer = assistant.ask(question)
            out.append((answer.answer, [c.model_dump() for c in answer.citations]))
        return out

    expected = answers(reading)
    assert answers(caching) == expected  # a cold cache
    assert answers(caching) == expected  # the same passages, now from memory
    store = caching.snapshot().store
    assert len(store._passages) == 40  # it kept passages, and evicted beyond its bound
