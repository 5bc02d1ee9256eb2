"""What the Markdown sanitiser (render.markup, nh3) will drop from a text, told to its
writer as warnings with their line: images, and HTML other than simple formatting."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt

from circlemade_site.errors import Diagnostic, example, msg

# the HTML a Markdown text may produce; render.markup keeps these and drops the rest
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em",
    "b", "i", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub", "del", "s", "dl", "dt", "dd",
})
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True})


def removed(body: str, rel_path: str, first_line: int) -> list[Diagnostic]:
    """A warning for each image and each HTML tag outside ALLOWED_TAGS, at its line."""
    if "![" not in body and "<" not in body:
        return []        # nothing to drop: no second parse (measured: 25 s for 1.4 MB of '[')
    found: list[Diagnostic] = []
    told: set[tuple[int, str]] = set()       # <span> and </span> are one problem
    for token in _parser().parse(body):
        line = first_line + (token.map[0] if token.map else 0)
        pieces = [token] + list(token.children or [])
        for piece in pieces:
            if piece.type == "image":
                found.append(Diagnostic(
                    rel_path, msg("an image in a text is not published: it is removed"), line,
                    field=None, hint=msg("link to it instead, for example {example}",
                                         example=example("[notre atelier](https://www.exemple.be"
                                                         "/atelier.jpg)")),
                    severity="warning"))
            elif piece.type in ("html_block", "html_inline"):
                for tag in dict.fromkeys(t.lower() for t in _TAG.findall(piece.content)):
                    if tag not in ALLOWED_TAGS and (line, tag) not in told:
                        told.add((line, tag))
                        found.append(Diagnostic(
                            rel_path, msg("the HTML tag <{tag}> is not published: it is "
                                          "removed", tag=tag), line,
                            hint=msg("write it in Markdown: **bold**, *italics*, lists and "
                                     "[links](https://...)"), severity="warning"))
    return found
