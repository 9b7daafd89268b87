"""Plain-text rules shared by indexing, answering, safety screening and the evaluations."""
