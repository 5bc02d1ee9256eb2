"""Markdown -> safe HTML, with one fixed set of extensions.

Everything written in Markdown goes through the same door: Python-Markdown renders it,
links of the form `page:<name>` are resolved to the page's URL in the page's language,
and nh3 removes whatever is not on an explicit allowlist (scripts, styles, event handlers,
raw HTML, `javascript:` links...). Headings start at h2: the page title is the h1.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import markdown.treeprocessors
import nh3

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em",
    "b", "i", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub", "del", "dl", "dt", "dd",
})
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title", "hreflang"}),
    "abbr": frozenset({"title"}),
    **{f"h{n}": frozenset({"id"}) for n in range(2, 7)},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
PAGE_LINK = re.compile(r'href="page:([^"#]*)(#[^"]*)?"')

Resolver = Callable[[str], str | None]


class _DemoteHeadings(markdown.treeprocessors.Treeprocessor):
    """If the text uses `#` headings, shift every heading one level down (h1 -> h2)."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
        if any(el.tag == "h1" for el in headings):
            for el in headings:
                el.tag = f"h{min(int(el.tag[1]) + 1, 6)}"


class _Demote(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (library API)
        md.treeprocessors.register(_DemoteHeadings(md), "demote-headings", 5)


class MarkdownRenderer:
    """One Markdown converter, reused for every text of a build (not shared across threads)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "fenced_code", "toc", _Demote()],
            output_format="html",
        )

    def render(self, text: str, resolve: Resolver) -> tuple[str, list[str]]:
        """Safe HTML for `text`, and the `page:` names that `resolve` did not know."""
        self._md.reset()
        html = self._md.convert(text)
        unknown: list[str] = []

        def link(match: re.Match[str]) -> str:
            url = resolve(match[1])
            if url is None:
                unknown.append(match[1])
                return 'href="#"'
            return f'href="{url}{match[2] or ""}"'

        html = PAGE_LINK.sub(link, html)
        return sanitize(html), unknown


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=set(ALLOWED_TAGS),
                     attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True)
