"""What templates receive: outputs to render, texts that know their language, and the
views several kinds of page share (a page's output, a picture, a Markdown body)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from circlemade_site import urls
from circlemade_site.errors import Diagnostic, Message, msg
from circlemade_site.i18n import Localized
from circlemade_site.models import Site
from circlemade_site.plan.images import Variant

# The deferred part of a context: made when the output is rendered; the problems it finds
# (a link to an unknown page) go to the list it is given.
More = Callable[[list[Diagnostic]], Mapping[str, Any]]


@dataclasses.dataclass(frozen=True, slots=True)
class Output:
    """A file to render from a template. The expensive part of its context (Markdown,
    cards, JSON-LD) can be deferred in `more`: a full build asks every output for it,
    the preview server only the pages the browser requests."""

    dest_rel: str                 # output-relative POSIX path
    template: str
    context: Mapping[str, Any]
    more: More | None = None
    # what `more` makes its part of the context from, besides what the render cache's site
    # digest covers (code, theme, settings, routes): when set, the render cache keys the
    # output by `context` and these, and a build whose key is known makes neither `more`
    # nor the page (render.cache). They must determine `more`'s result entirely.
    inputs: tuple[Any, ...] | None = None

    def full_context(self, diagnostics: list[Diagnostic]) -> Mapping[str, Any]:
        return self.context if self.more is None else {**self.context, **self.more(diagnostics)}


@dataclasses.dataclass(frozen=True, slots=True)
class DataFile:
    """A file made without a template (a calendar, open data): `make()` gives its bytes,
    from `inputs` and what the render cache's site digest covers only, so the render cache
    keys it by them, and a build whose key is known does not make it."""

    make: Callable[[], bytes]
    inputs: tuple[Any, ...]

    def __call__(self) -> bytes:
        return self.make()


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class SiteInputs:
    """The site as an output reads it, for `Output.inputs` and `DataFile.inputs`:
    everything but the fields of models.Member in `own` (for a profile, what only a
    member's own pages show; none for the open data, which shows them all). The
    render cache hashes it once per build (render.cache._Reducers)."""

    site: Site
    own: frozenset[str]           # fields of models.Member


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class Shared:
    """A value that many outputs' `inputs` hold (a listing's facet counts): the render
    cache hashes it once per build, by identity (render.cache._Reducers), not once per
    output that reads it. Nothing changes it once made."""

    value: Any


class Card(dict[str, Any]):
    """A member's or an offer's card (plan.cards.Cards): made once per language and listed
    by many pages, so the render cache hashes each card once per build, not once per page
    that lists it (render.cache.context_bytes). A dict for templates; nothing changes it
    once made."""

    __slots__ = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Text:
    """A text as shown in one language: `lang` is the language it is actually written
    in; templates wrap it in an element with that `lang` when it differs from the page's."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def text(value: Localized, lang: str, order: tuple[str, ...]) -> Text:
    found, used = value.get(lang, order)
    return Text(found, used)


class Markdown(Protocol):
    """What the plan needs of the Markdown renderer (render.markup.MarkdownRenderer)."""

    def render(self, text: str, resolve: Callable[[str], str | None],
               top: int = 2) -> tuple[str, list[str], list[tuple[Message, Message]]]: ...


def page_output(router: urls.Router, target: urls.Target, lang: str, template: str,
                base: Mapping[str, Any], more: More | None = None,
                inputs: tuple[Any, ...] | None = None, **extra: Any) -> Output:
    """An HTML page of `target` in `lang`, with its alternates and canonical URL; `more`
    makes the rest of its context when the page is rendered (from `inputs`, when given:
    see Output)."""
    alternates = router.alternates(target)
    url = alternates[lang]
    return Output(urls.dest_of(url), template, {
        **base, "alternates": alternates, "x_default": router.x_default(target, alternates),
        "canonical": router.absolute(url), "current_url": url, **extra}, more, inputs)


def picture(router: urls.Router, variants: Sequence[Variant] | None,
            sizes: str) -> dict[str, Any] | None:
    """An <img> of a logo or a hero: the middle width as `src`, every width in `srcset`
    (none for an SVG), and the largest for JSON-LD and link previews."""
    if not variants:
        return None
    main = variants[min(1, len(variants) - 1)]
    return {"src": router.file_url(main.dest_rel), "width": main.width, "height": main.height,
            "srcset": ", ".join(f"{router.file_url(v.dest_rel)} {v.width}w" for v in variants)
            if main.kind != "svg" else None,
            "sizes": sizes, "largest": router.file_url(variants[-1].dest_rel)}


def body(markdown: Markdown, router: urls.Router, source: str, source_lang: str, lang: str,
         rel_path: str, line: int, diagnostics: list[Diagnostic]) -> dict[str, str]:
    """A Markdown body (written in `source_lang`) as HTML for the `lang` site, `page:<name>`
    links resolved; a link to an unknown page is reported once, from the text's own
    language, on its line, and so is a text the renderer refuses (a link that breaks the
    rule of links, HTML too large)."""
    def resolve(name: str) -> str | None:
        target = router.page_named(name)
        return router.url_for(target, lang) if target is not None else None

    html, unknown, problems = markdown.render(source, resolve)
    if source_lang == lang:
        report_text_problems(problems, source, rel_path, line, diagnostics)
        for name in unknown:
            offset = next((i for i, text in enumerate(source.split("\n")) if f"page:{name}" in text), 0)
            diagnostics.append(Diagnostic(
                rel_path, msg("link to an unknown page {link!r}", link=f"page:{name}"),
                line + offset, hint=msg("pages are named after their file: page:about links to "
                                        "content/pages/about.<language>.md")))
    return {"html": html, "lang": source_lang}


def report_text_problems(problems: Sequence[tuple[Message, Message]], source: str,
                         rel_path: str, line: int, diagnostics: list[Diagnostic]) -> None:
    """The renderer's problems with a Markdown text, on the line of the link they quote
    (else the text's first line)."""
    lines = source.split("\n")
    for problem, hint in problems:
        link = problem.params.get("link")
        offset = next((i for i, text in enumerate(lines) if link and link in text), 0)
        diagnostics.append(Diagnostic(rel_path, problem, line + offset, hint=hint))
