"""Answering a question: safety routing, retrieval, then a composed or generated, cited answer."""
