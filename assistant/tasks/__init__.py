"""Tasks: a request goes through retrieval and generation and comes back as a model."""
