"""Text typed into a search box, made safe to search with."""

from __future__ import annotations

import unicodedata

SEARCH_MAX_LENGTH = 200


def search_text(value: str | None, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """``value`` without control characters (PostgreSQL refuses a NUL byte in text), its
    whitespace collapsed and cut at ``max_length`` characters (SQLite refuses very long
    LIKE patterns)."""
    visible = "".join(" " if unicodedata.category(char) == "Cc" else char for char in (value or ""))
    return " ".join(visible.split())[:max_length]
