"""Find the content files of content/ and read them into raw documents."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from circlemade_site import spoofing
from circlemade_site.config import SiteConfig
from circlemade_site.errors import ContentError, Diagnostic, msg
from circlemade_site.files import read_limited
from circlemade_site.load import frontmatter, yamlio

MAX_MARKDOWN_BYTES = 1024 * 1024
PAGE_NAME = re.compile(r"^(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2,3})\.md$")


@dataclasses.dataclass(frozen=True, slots=True)
class SourceFile:
    kind: str          # "page", "event", "news", "campaign", "group" or "project"
    src_path: Path
    rel_path: str
    name: str
    lang: str


@dataclasses.dataclass(frozen=True, slots=True)
class RawDoc:
    source: SourceFile
    data: object                   # the parsed front matter
    positions: yamlio.Positions
    body: str
    body_line: int


def rel(config: SiteConfig, path: Path) -> str:
    return path.relative_to(config.root).as_posix()


CONTENT_KINDS = ("pages", "events", "news", "campaigns", "groups", "projects")   # folders of content/
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".svg"})


def discover(config: SiteConfig, diagnostics: list[Diagnostic]) -> list[SourceFile]:
    """Every translated document of content/ (pages, events, news, campaigns), in a
    stable order. Misnamed files are reported, not skipped silently: an editor would
    otherwise wonder why their page is missing. Images sit beside campaigns (heroes)."""
    sources: list[SourceFile] = []
    for kind in CONTENT_KINDS:
        folder = config.content_dir / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            rel_path = rel(config, path)
            if path.name.startswith("."):
                continue
            if kind == "campaigns" and path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
                continue
            match = PAGE_NAME.match(path.name)
            if not path.is_file() or path.is_symlink() or not match:
                diagnostics.append(Diagnostic(
                    rel_path, msg("unexpected file name in content/{kind}", kind=kind),
                    hint=msg("name files <name>.<language>.md, for example about.fr.md")))
                continue
            if match["lang"] not in config.languages:
                diagnostics.append(Diagnostic(
                    rel_path, msg("{lang!r} is not a language of the site", lang=match["lang"]),
                    hint=msg("languages are {languages} (content/site.yaml)",
                             languages=", ".join(config.languages))))
                continue
            sources.append(SourceFile(kind.rstrip("s") if kind != "news" else "news", path,
                                      rel_path, match["name"], match["lang"]))
    return sources


def translation_path(rel_path: str, name: str, lang: str) -> str:
    """The file of `name` in `lang` beside one of its translations:
    ('content/pages/press.fr.md', 'press', 'nl') -> 'content/pages/press.nl.md'."""
    return f"{rel_path.rsplit('/', 1)[0]}/{name}.{lang}.md"


def check_required(config: SiteConfig, name: str, written: Mapping[str, str],
                   discovered: Collection[str], diagnostics: list[Diagnostic]) -> None:
    """The cluster's own texts exist in every required language (content/site.yaml): a
    missing file is reported on a translation that exists (`written`: language -> its
    file), naming the file to write. A file that exists but did not load has its own
    errors and is not reported again."""
    order = [lang for lang in config.fallback_order if lang in written]
    if not order:
        return
    shown = written[order[0]]
    for lang in config.required_languages:
        if lang in written:
            continue
        path = translation_path(shown, name, lang)
        if path not in discovered:
            diagnostics.append(Diagnostic(
                shown, msg("the version in the required language {lang!r} is missing: write "
                           "{path}", lang=lang, path=path),
                hint=msg("pages, events, news and campaigns are published in every language of "
                         "`required_languages` in content/site.yaml ({languages})",
                         languages=", ".join(config.required_languages))))


def load(source: SourceFile) -> RawDoc:
    """Read a Markdown file with front matter. Raises ContentError."""
    raw = read_limited(source.src_path, source.rel_path, MAX_MARKDOWN_BYTES)
    text = yamlio.decode(raw, source.rel_path)
    parts = frontmatter.split(text, source.rel_path)
    data, positions = yamlio.parse(parts.front, source.rel_path, parts.front_line)
    if (found := bidi_control(parts.body, source.rel_path, parts.body_line)) is not None:
        raise ContentError(found)
    return RawDoc(source, data, positions, parts.body, parts.body_line)


def bidi_control(text: str, rel_path: str, first_line: int) -> Diagnostic | None:
    """The first bidirectional control character of a Markdown text, as a Diagnostic: it
    reorders what follows it on screen, so a text (or a link in it) reads otherwise than
    it is written. Refused in Markdown as in names and every other text field."""
    for offset, line in enumerate(text.split("\n")):
        for column, ch in enumerate(line, 1):
            if ch in spoofing.BIDI_CONTROLS:
                return Diagnostic(rel_path, msg(
                    "contains a bidirectional control character (U+{code:04X}), which changes "
                    "the order in which the text is shown", code=ord(ch)),
                    first_line + offset, column,
                    hint=msg("retype the text without copying it from another document"))
    return None
