"""How long a reply is, as its reader counts: words between spaces (a citation mark too)."""


def words(text: str) -> int:
    return len(text.split())
