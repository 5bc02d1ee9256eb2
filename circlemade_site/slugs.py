"""Slugs and the sort order French and Dutch readers expect."""

from __future__ import annotations

import functools
import re
import unicodedata

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"   # lowercase ASCII words joined by single hyphens
SLUG_RE = re.compile(SLUG_PATTERN)


@functools.lru_cache(maxsize=65536)    # names are folded on every build and reload
def fold(text: str) -> str:
    """Accents and case removed: 'Écologie' -> 'ecologie'. For comparing and sorting."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """'Écologie industrielle' -> 'ecologie-industrielle'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).replace("œ", "oe").replace("æ", "ae")).strip("-")


@functools.lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple[str, str]:
    """Sort as a dictionary does: accents, case and punctuation do not change the order
    ('Écoconception' between 'Durable' and 'Fabrique'); ties keep a stable order."""
    folded = fold(text)
    return re.sub(r"[^0-9a-z]+", " ", folded).strip(), text
