"""Split a Markdown file into its YAML front matter and its body, keeping line numbers."""

from __future__ import annotations

import dataclasses

from circlemade_site.errors import ContentError, Diagnostic, msg

FENCE = "---"


@dataclasses.dataclass(frozen=True, slots=True)
class Split:
    front: str          # the YAML text between the fences ("" if there is none)
    front_line: int     # file line of the first YAML line
    body: str
    body_line: int      # file line of the first body line


def split(text: str, rel_path: str) -> Split:
    """`---` on the first line opens the block, the next line that is `---` (or `...`)
    closes it. A file without front matter is all body."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return Split("", 1, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return Split(front, 2, body, index + 2)
    raise ContentError(Diagnostic(
        rel_path, msg("the front matter opened on line 1 is never closed"), 1, 1,
        hint=msg("end the YAML block with a line containing only ---"), root_cause=True))
