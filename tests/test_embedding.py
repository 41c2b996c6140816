"""Both offline backends load from their PyPI packages and give normalised vectors."""

import numpy as np

from assistant.embedding import Embedder, SentenceTransformerEmbedder


def _check(embedder: Embedder, dimension: int) -> None:
    vectors = embedder.embed(
        [
            "Une SCIC associe des collectivités.",
            "Les SCIC et les communes.",
            "La recette de la blanquette de veau.",
        ]
    )
    assert vectors.shape == (3, dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_use_backend(embedder: Embedder) -> None:
    assert embedder.name == "use-multilingual-v3"
    _check(embedder, 512)


def test_sentence_transformers_backend_with_packaged_minilm() -> None:
    minilm = SentenceTransformerEmbedder()
    assert minilm.name == "sentence-transformers/all-MiniLM-L6-v2"
    _check(minilm, 384)
