"""Links into our own site must lead somewhere: an absolute address on `base_url` (an
event's registration link, a link or a bare address in any Markdown text) must be a file
the build makes. Pure: the site and the list of output paths in, Diagnostics out, each
at the file, line and column of the address, with the closest existing address as hint."""

from __future__ import annotations

import difflib
import functools
import re
import urllib.parse
from collections.abc import Collection, Iterator

from circlemade_site import urls
from circlemade_site.errors import Diagnostic, Message, msg
from circlemade_site.models import Site

TRAILING = ".,;:!?*_~"     # ends a sentence, or Markdown emphasis, after a bare address


def own_link_pattern(base_url: str) -> re.Pattern[str]:
    """An address on the site's host, by http or https, in any case: the host part ends
    where a path, query or fragment begins (https://circlemade.brussels.example is not ours)."""
    host = urllib.parse.urlsplit(base_url).netloc
    return re.compile(rf"https?://{re.escape(host)}(?![\w.-])(?:[/?#][^\s<>()\[\]\"'`]*)?",
                      re.IGNORECASE)


def candidates(url: str) -> tuple[str, ...]:
    """The output paths that serve `url`: /fr/agenda/ is fr/agenda/index.html; Netlify
    serves /fr/agenda (no slash) from fr/agenda/index.html too."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
    if not path or path.endswith("/"):
        return (path + "index.html",)
    return (path, path + "/index.html")


def page_paths(paths: Collection[str]) -> dict[str, str]:
    """The site-relative URL of every output path (index.html as its folder), with the
    path itself ('/fr/agenda/' -> 'fr/agenda/index.html')."""
    found = {}
    for path in sorted(paths):
        url = "/" + path
        if path == "index.html" or path.endswith("/index.html"):
            url = url[:-len("index.html")]
        found[url] = path
    return found


def _texts(site: Site) -> Iterator[tuple[str, str, int]]:
    """Every Markdown text of the site: (rel_path, text, line of its first line)."""
    for page in site.pages:
        for version in page.versions.values():
            yield version.rel_path, version.body, version.body_line
    for texts in (*(e.texts for e in site.events), *(n.texts for n in site.news),
                  *(c.texts for c in site.campaigns)):
        for tr in texts.values():
            yield tr.rel_path, tr.body, tr.body_line
    for member in site.members:
        for lang, description in member.description.texts.items():
            if lang in member.description_lines:
                rel_path, line = member.description_lines[lang]
                yield rel_path, description, line


def own_link_problems(site: Site, router: urls.Router, paths: Collection[str]) -> list[Diagnostic]:
    """A Diagnostic for every address on the site's own host that no output serves."""
    pattern = own_link_pattern(site.config.base_url)
    known = set(paths)
    choices: list[str] | None = None       # site-relative: the host would make all alike
    problems: list[Diagnostic] = []

    def check(url: str, where: tuple[str, int | None, int | None], field: str | None) -> None:
        nonlocal choices
        if any(path in known for path in candidates(url)):
            return
        if choices is None:
            choices = list(page_paths(known))
        example = router.absolute(router.url_for(urls.EVENTS, site.config.default_language))
        parts = urllib.parse.urlsplit(url)
        close = difflib.get_close_matches(urllib.parse.unquote(parts.path) or "/", choices, n=1)
        hint: Message = (msg("did you mean {close!r}?", close=router.absolute(close[0])) if close
                         else msg("link to a page the site builds, for example {example}",
                                  example=example))
        problems.append(Diagnostic(where[0], msg("{url} leads to no page of this site", url=url),
                                   where[1], where[2], field, hint))

    for event in site.events:
        if event.registration and event.registration_at and pattern.fullmatch(event.registration):
            check(event.registration, event.registration_at, "registration")
    for rel_path, text, first_line in _texts(site):
        for number, column, url in links_in(pattern, text):
            check(url, (rel_path, first_line + number, column), None)
    return problems


@functools.lru_cache(maxsize=32768)
def links_in(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int, str], ...]:
    """The addresses `pattern` finds in `text`: (line from 0, column from 1, address).
    Kept for the texts seen last: the preview checks every text of the site on each save,
    and all but the edited one are the same strings as before."""
    return tuple((number, found.start() + 1, found.group().rstrip(TRAILING))
                 for number, line in enumerate(text.split("\n"))
                 for found in pattern.finditer(line))
