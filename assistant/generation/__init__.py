"""Answer generation: the offline extractive composer and LLM backends through LangChain."""
