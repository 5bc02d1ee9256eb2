"""The example texts `circlemade new` writes, and the check that none is left.

Every example text of a scaffold starts with a marker in its language ("À compléter",
"In te vullen", "To be written"); the placeholder logo carries `PLACEHOLDER_MARK` in a
PNG text chunk. A value, or a line of a Markdown body, that starts with a marker is an
error with its line: a scaffold passes `check` once its examples are replaced, not before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from circlemade_site.errors import N_, Diagnostic, msg
from circlemade_site.load.yamlio import FieldPath, Positions, dotted

# the scaffold's words for "to be written", per language of its texts
MARKERS = {"fr": "À compléter", "nl": "In te vullen", "en": "To be written"}
PLACEHOLDER_MARK = b"circlemade-placeholder-logo"
_STARTS = re.compile(r"^[\s#>*_\-]*(?:" + "|".join(map(re.escape, MARKERS.values())) + ")",
                     re.IGNORECASE)
REPLACE = N_("replace the example text with your own")
REPLACE_HINT = N_("`circlemade new` wrote it as an example; check passes once it is replaced")


def is_example(text: str) -> bool:
    return bool(_STARTS.match(text))


def _strings(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def in_values(data: Any, positions: Positions, rel_path: str) -> list[Diagnostic]:
    """An error for each value of a YAML document that is still a scaffold's example."""
    return [Diagnostic(rel_path, msg(REPLACE), *positions.of_value(path), dotted(path),
                       msg(REPLACE_HINT))
            for path, text in _strings(data, ()) if is_example(text)]


def in_body(body: str, rel_path: str, first_line: int) -> list[Diagnostic]:
    """An error for each line of a Markdown body that is still a scaffold's example."""
    return [Diagnostic(rel_path, msg(REPLACE), first_line + number, 1, hint=msg(REPLACE_HINT))
            for number, line in enumerate(body.split("\n")) if is_example(line)]


def is_placeholder_logo(path: Path) -> bool:
    """The logo `circlemade new member` drew (its PNG text chunk comes before the image)."""
    with path.open("rb") as file:
        return PLACEHOLDER_MARK in file.read(4096)
