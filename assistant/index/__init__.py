"""Storage of chunks: embeddings, Chroma vector store, BM25 lexical index, document catalog."""
