"""Chat models the assistant can write with: any OpenAI-compatible endpoint, or a local GGUF
file through llama-cpp-python. Both stream text and turn every failure (down, slow, error) into
one `LLMUnavailableError`, so the caller can always fall back to the extractive answer.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, cast

from assistant.config import Settings
from assistant.errors import LLMUnavailableError

log = logging.getLogger(__name__)

Message = dict[str, str]


class ChatModel(Protocol):
    """What the writer needs from a model: a name for logs and a stream of text pieces. A
    `grammar` (llama.cpp GBNF) shapes the reply where the model can take one (a local GGUF);
    a remote endpoint goes without it."""

    name: str

    def stream(
        self, messages: list[Message], max_tokens: int, grammar: str | None = None
    ) -> Iterator[str]: ...


def complete(
    model: ChatModel, messages: list[Message], max_tokens: int, grammar: str | None = None
) -> str:
    """The whole reply at once (follow-up rewriting, evaluation)."""
    return "".join(model.stream(messages, max_tokens, grammar))


class OpenAIChat:
    """An OpenAI-compatible chat endpoint: Albert, Mistral, Ollama, vLLM, llama-cpp's server.

    `timeout_s` bounds the whole answer, not only each read: a server that trickles tokens
    slower than that is as unusable as one that does not answer."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout_s: float = 60.0,
        extra_body: dict[str, Any] | None = None,
    ) -> None:
        from openai import OpenAI

        self.name = model or base_url
        self.model = model
        self.timeout_s = timeout_s
        self.extra_body = extra_body
        # No retries: a retry doubles the wait of a user who gets the extractive answer anyway.
        self.client = OpenAI(
            base_url=base_url, api_key=api_key or "sans-cle", timeout=timeout_s, max_retries=0
        )

    def stream(
        self, messages: list[Message], max_tokens: int, grammar: str | None = None
    ) -> Iterator[str]:
        import openai

        deadline = time.monotonic() + self.timeout_s
        try:
            response = self.client.chat.completions.create(
                model=self.model or "default",
                messages=cast(Any, messages),
                max_tokens=max_tokens,
                temperature=0.1,
                stream=True,
                extra_body=self.extra_body,
            )
            for chunk in response:
                if time.monotonic() > deadline:
                    response.close()
                    raise LLMUnavailableError.timeout(self.timeout_s)
                if chunk.choices and (piece := chunk.choices[0].delta.content):
                    yield piece
        except openai.APITimeoutError as exc:
            raise LLMUnavailableError.timeout(self.timeout_s) from exc
        except openai.APIConnectionError as exc:
            raise LLMUnavailableError("le modèle de langue ne répond pas") from exc
        except openai.APIStatusError as exc:
            raise LLMUnavailableError(
                f"le modèle de langue a renvoyé une erreur {exc.status_code}"
            ) from exc
        except openai.OpenAIError as exc:
            raise LLMUnavailableError("le modèle de langue a renvoyé une erreur") from exc


class LlamaCppChat:
    """A GGUF model loaded in this process (`pip install .[llm]`); one answer at a time."""

    def __init__(
        self, path: Path, timeout_s: float = 60.0, n_ctx: int = 4096, threads: int | None = None
    ) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMUnavailableError(
                "llama-cpp-python n'est pas installé : `pip install .[llm]`"
            ) from exc
        if not path.is_file():
            raise LLMUnavailableError(f"fichier de modèle introuvable : {path}")
        self.name = path.name
        self.timeout_s = timeout_s
        # The same thread count for reading the prompt and writing: llama.cpp's default reads
        # with every core, which on a busy machine spins waiting for them.
        self.llama = Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
        self.lock = threading.Lock()

    def stream(
        self, messages: list[Message], max_tokens: int, grammar: str | None = None
    ) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout_s
        with self.lock:
            try:
                chunks: Any = self.llama.create_chat_completion(
                    messages=cast(Any, messages),
                    max_tokens=max_tokens,
                    temperature=0.1,
                    stream=True,
                    grammar=self._grammar(grammar) if grammar else None,
                )
                for chunk in chunks:
                    if time.monotonic() > deadline:
                        raise LLMUnavailableError.timeout(self.timeout_s)
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield str(piece)
            except (RuntimeError, ValueError) as exc:
                raise LLMUnavailableError("le modèle local a échoué") from exc

    @functools.cache  # noqa: B019 (one model object per process; a few grammars at most)
    def _grammar(self, text: str) -> Any:
        from llama_cpp import LlamaGrammar

        return LlamaGrammar.from_string(text, verbose=False)


def build_llm(settings: Settings) -> ChatModel | None:
    """The configured model, or None for extractive answers only. Built once, in entry points."""
    if settings.llm_base_url:
        return OpenAIChat(
            settings.llm_base_url,
            settings.llm_model,
            settings.llm_api_key,
            settings.llm_timeout_s,
        )
    if settings.llm_gguf:
        return LlamaCppChat(settings.llm_gguf, settings.llm_timeout_s, threads=settings.llm_threads)
    return None
