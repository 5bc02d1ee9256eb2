"""Markdown -> safe HTML, with one fixed configuration.

Everything written in Markdown goes through the same door: markdown-it-py parses it
(CommonMark with tables and strikethrough; raw HTML passes to the sanitiser),
links of the form `page:<name>` are resolved to the page's URL in the page's language,
headings get stable ASCII ids and start at h2 (the page title is the h1), and nh3 then
removes whatever is not on an explicit allowlist (scripts and styles with their content,
iframes, forms, event handlers, and links other than http, https, mailto and tel).

markdown-it-py is linear on hostile input (a megabyte of `[` renders in under a second),
which matters because members' descriptions are untrusted: Python-Markdown takes minutes
on the same input.
"""

from __future__ import annotations

from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from circlemade_site.slugs import slugify

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em",
    "b", "i", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub", "del", "s", "dl", "dt", "dd",
})
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title", "hreflang"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    **{f"h{n}": frozenset({"id"}) for n in range(2, 7)},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
PAGE_SCHEME = "page:"

Resolver = Callable[[str], str | None]


class MarkdownRenderer:
    """One Markdown parser, reused for every text of a build."""

    def __init__(self) -> None:
        self._md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
        self._md.enable(["table", "strikethrough"])

    def render(self, text: str, resolve: Resolver, top: int = 2) -> tuple[str, list[str]]:
        """Safe HTML for `text`, and the `page:` names that `resolve` did not know.
        `top` is the level the text's highest heading becomes (2 for a page body under its
        h1, 3 for a description inside a section of a profile)."""
        tokens = self._md.parse(text)
        unknown = _resolve_links(tokens, resolve)
        _number_headings(tokens, top)
        html = self._md.renderer.render(tokens, self._md.options, {})
        return sanitize(html).strip(), unknown


def _walk(tokens: list[Token]):  # type: ignore[no-untyped-def]
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _resolve_links(tokens: list[Token], resolve: Resolver) -> list[str]:
    unknown: list[str] = []
    for token in _walk(tokens):
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href.startswith(PAGE_SCHEME):
                name, _, fragment = href[len(PAGE_SCHEME):].partition("#")
                url = resolve(name)
                if url is None:
                    unknown.append(name)
                    token.attrSet("href", "#")
                else:
                    token.attrSet("href", url + (f"#{fragment}" if fragment else ""))
    return unknown


def _number_headings(tokens: list[Token], top: int) -> None:
    """Shift headings down so that the highest one is at level `top` (a page's `#` becomes
    h2: the title is the h1), and give each an ASCII id from its text ('Réparer à
    Bruxelles' -> 'reparer-a-bruxelles')."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = max(0, top - min(levels)) if levels else 0
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        if shift:
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        if token.type == "heading_open":
            inline = tokens[index + 1]
            base = slugify(inline.content) or "section"
            count = seen.get(base, 0)
            seen[base] = count + 1
            token.attrSet("id", base if count == 0 else f"{base}-{count + 1}")


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=set(ALLOWED_TAGS),
                     attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True)
