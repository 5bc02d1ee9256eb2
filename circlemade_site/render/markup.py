"""Markdown -> safe HTML, with one fixed configuration.

Everything written in Markdown goes through the same door: markdown-it-py parses it
(CommonMark with tables and strikethrough; raw HTML passes to the sanitiser),
links of the form `page:<name>` are resolved to the page's URL in the page's language,
headings get stable ASCII ids and start at h2 (the page title is the h1), and nh3 then
removes whatever is not on an explicit allowlist (scripts and styles with their content,
iframes, forms, event handlers, and links other than http, https, mailto and tel).

markdown-it-py is linear on hostile input (a megabyte of `[` renders in under a second),
which matters because members' descriptions are untrusted: Python-Markdown takes minutes
on the same input. Linear is not small: a reference definition with a long address, used
thousands of times (`[a][a][a]...`), or a table with one header cell per line, turns a few
kilobytes into megabytes of HTML. A text whose HTML is over MAX_HTML_BYTES, or over
MAX_GROWTH times its source once it passes GROWTH_FLOOR bytes (a one-line list may well be
ten times its source), is refused instead of published.

Links follow the rule of every link of the site (`links.check_link`): those the Markdown
writes are reported, and the sanitiser drops any other `href` that breaks it (raw `<a>`
tags, cached entries), whatever the text says.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from circlemade_site import links
from circlemade_site.errors import Message, msg
from circlemade_site.files import CacheSeal
from circlemade_site.load.markdown_checks import ALLOWED_TAGS  # what the loader warns about
from circlemade_site.slugs import slugify

ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title", "hreflang"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    **{f"h{n}": frozenset({"id"}) for n in range(2, 7)},
}
URL_SCHEMES = links.MARKDOWN_SCHEMES
PAGE_SCHEME = "page:"
MAX_HTML_BYTES = 200_000
MAX_GROWTH = 20
GROWTH_FLOOR = 10_000

Resolver = Callable[[str], str | None]
Problem = tuple[Message, Message]      # what is wrong with a text, and a hint
RENDER_VERSION = 2     # change it when the rendering changes (the cache is then dropped)


class MarkdownRenderer:
    """One Markdown parser, reused for every text of a build, with a cache of what it
    rendered (see MarkdownCache)."""

    def __init__(self, cache: MarkdownCache | None = None) -> None:
        self._md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
        self._md.enable(["table", "strikethrough"])
        default = self._md.normalizeLink

        def normalize_link(url: str) -> str:
            """A web address as the browser will read it (markdown-it's own punycode keeps
            the case of `CAFÉ.be`, which browsers refuse, and maps `。` to a dot); a link
            the rule refuses is kept as written, so that the check reports what the
            writer wrote and the sanitiser drops it."""
            try:
                link = links.check_link(url, URL_SCHEMES, relative=True)
            except links.UnsafeLink:
                return url
            return link.href if link.host else default(url)

        self._md.normalizeLink = normalize_link  # type: ignore[method-assign]
        self.cache = cache if cache is not None else MarkdownCache()

    def render(self, text: str, resolve: Resolver,
               top: int = 2) -> tuple[str, list[str], list[Problem]]:
        """Safe HTML for `text`, the `page:` names that `resolve` did not know, and the
        problems of the text (a link that breaks the rule of links, HTML too large: then
        the HTML is empty). `top` is the level the text's highest heading becomes (2 for a
        page body under its h1, 3 for a description inside a section of a profile)."""
        key = text_key(text, top)
        for resolved, html, unknown in self.cache.get(key):
            if all(resolve(name) == url for name, url in resolved):
                html = sanitize(html).strip()    # cleaned again: see MarkdownCache
                too_large = _too_large(html, text)
                return ("", list(unknown), [too_large]) if too_large else (html, list(unknown), [])
        asked: dict[str, str | None] = {}

        def recording(name: str) -> str | None:
            asked[name] = resolve(name)
            return asked[name]

        tokens = self._md.parse(text)
        unknown = _resolve_links(tokens, recording)
        problems = _refused_links(tokens)
        _number_headings(tokens, top)
        html = self._md.renderer.render(tokens, self._md.options, {})
        too_large = _too_large(html, text)       # before nh3, which would take long on it
        if too_large is None:
            html = sanitize(html).strip()
            too_large = _too_large(html, text)
        if too_large is not None:
            return "", unknown, [*problems, too_large]
        if not problems:
            self.cache.put(key, (sorted(asked.items()), html, unknown))
        return html, unknown, problems


def _too_large(html: str, source: str) -> Problem | None:
    size = len(html.encode("utf-8"))
    if size > MAX_HTML_BYTES or (size > GROWTH_FLOOR and size > MAX_GROWTH * len(source.encode("utf-8"))):
        return (msg("the text makes {size:,} bytes of HTML, more than a page may hold ({limit:,} "
                    "bytes, or {growth} times the text)", size=size, limit=MAX_HTML_BYTES,
                    growth=MAX_GROWTH),
                msg("shorten it; a link reference or a table cell repeated many times "
                    "multiplies the size of the page"))
    return None


def _refused_links(tokens: list[Token]) -> list[Problem]:
    problems: list[Problem] = []
    for token in _walk(tokens):
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            try:
                links.check_link(href, URL_SCHEMES, relative=True)
            except links.UnsafeLink as exc:
                problems.append((msg("the link {link!r} is refused: {reason}", link=href,
                                     reason=exc.reason),
                                 msg("write the address as it appears in the browser, for "
                                     "example {example}", example="https://www.atelier-exemple.be")))
    return problems


def text_key(text: str, top: int = 2) -> str:
    """The key of a Markdown text (and the level of its top heading) in MarkdownCache."""
    return hashlib.sha256(f"{RENDER_VERSION}\0{top}\0{text}".encode()).hexdigest()[:40]


class MarkdownCache:
    """Rendered Markdown by a hash of the text, with the `page:` links it resolved (a
    page renamed since gives another URL, so the entry does not match). Kept in
    .cache/markdown.json between builds, sealed (files.CacheSeal): a file without this
    build's MAC is ignored. A cached entry is also sanitised again when used: the cache
    folder is not trusted more than the content is, and nh3 is ten times faster than
    parsing the Markdown again."""

    def __init__(self, entries: dict[str, list[Any]] | None = None) -> None:
        self._entries = entries or {}
        self._used: set[str] = set()
        self._added = False

    def get(self, key: str) -> list[Any]:
        found = self._entries.get(key, [])
        if found:
            self._used.add(key)
        return found

    def keep(self, keys: Iterable[str]) -> None:
        """Keep these entries as if this build had used them: the texts of pages the
        render cache took without making their context (plan.views.Output.inputs)."""
        self._used.update(key for key in keys if key in self._entries)

    def put(self, key: str, entry: tuple[list[tuple[str, str | None]], str, list[str]]) -> None:
        self._entries.setdefault(key, []).append(list(entry))
        self._used.add(key)
        self._added = True

    def learnt(self) -> tuple[set[str], dict[str, list[Any]]]:
        """The keys this build used and their entries (in a worker process: for the
        parent's `merge`)."""
        return self._used, {key: self._entries[key] for key in self._used if key in self._entries}

    def merge(self, learnt: tuple[set[str], dict[str, list[Any]]]) -> None:
        used, entries = learnt
        for key, variants in entries.items():
            mine = self._entries.setdefault(key, [])
            for variant in variants:
                if variant not in mine:
                    mine.append(variant)
                    self._added = True
        self._used |= used

    @classmethod
    def load(cls, path: Path, seal: CacheSeal) -> MarkdownCache:
        """The cache in `path`; empty if it is missing, damaged or not sealed with `seal`'s
        key."""
        try:
            raw = seal.read(path, path.name)
            if raw is None:
                return cls()
            data = json.loads(raw)
            entries = data["entries"] if data.get("version") == RENDER_VERSION else {}
            if not isinstance(entries, dict) or not all(_valid(e) for e in entries.values()):
                entries = {}
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            entries = {}
        return cls(entries)

    def save(self, path: Path, seal: CacheSeal) -> None:
        """Write what this build used, if anything changed (entries no text uses any
        more are dropped)."""
        if not self._added and self._used == self._entries.keys():
            return
        kept = {k: self._entries[k] for k in sorted(self._used)}
        seal.write(path, path.name, json.dumps({"version": RENDER_VERSION, "entries": kept},
                                               ensure_ascii=False).encode("utf-8"))


def _valid(variants: object) -> bool:
    return isinstance(variants, list) and all(
        isinstance(v, list) and len(v) == 3 and isinstance(v[1], str)
        and isinstance(v[0], list) and all(isinstance(link, list) and len(link) == 2
                                           and isinstance(link[0], str) for link in v[0])
        and isinstance(v[2], list) and all(isinstance(n, str) for n in v[2])
        for v in variants)


def _walk(tokens: list[Token]) -> Iterator[Token]:
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


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "href":
        return value
    try:
        links.check_link(value, URL_SCHEMES, relative=True)
    except links.UnsafeLink:
        return None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=set(ALLOWED_TAGS),
                     attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
                     attribute_filter=_keep_attribute)
