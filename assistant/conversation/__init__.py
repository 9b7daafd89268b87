"""Conversations: what each turn asks for (its dialogue act), what the coach knows so far
(names, days, the situation, the last draft), and the reply that follows from both."""
