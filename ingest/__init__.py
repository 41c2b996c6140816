"""Ingest: documents on disk -> normalised pages -> structured chunks -> Chroma + lexical index."""
