"""How long a text is, as its reader counts: words between spaces (a citation mark too); a text
clipped to a length."""


def words(text: str) -> int:
    return len(text.split())


def clipped(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
