"""The build, top to bottom: load -> validate -> assemble -> route -> plan -> render -> write.

Only `sources.load` (and the catalogue and static readers) read files; only `write.write_site`
writes. Every file is validated before anything is rendered; if anything fails, nothing is
written and the previous site stays.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import logging
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from circlemade_site import (assemble, assets, i18n, images, members, publications, search,
                             sources, templates, translations, urls, write)
from circlemade_site.config import SITE_FILE, SiteConfig, load_config, read_yaml_file
from circlemade_site.errors import BuildFailed, ContentError, Diagnostic, sort_diagnostics
from circlemade_site.markup import MarkdownCache, MarkdownRenderer
from circlemade_site.memo import Memo, signature
from circlemade_site.models import PageVersion, Site
from circlemade_site.plan import plan

logger = logging.getLogger(__name__)
TIMEZONE = ZoneInfo("Europe/Brussels")
CACHE_DIR = ".cache"      # under the project: images by content hash, Markdown, search index
MARKDOWN_CACHE = "markdown.json"


def today() -> dt.date:
    """The current date in Brussels: the default `now` of a build."""
    return dt.datetime.now(TIMEZONE).date()


@dataclasses.dataclass(frozen=True, slots=True)
class BuildOptions:
    now: dt.date = dataclasses.field(default_factory=today)
    drafts: bool = False
    dev: bool = False             # the preview server: drafts are marked, nothing else
    search: bool = True           # build the Pagefind index


@dataclasses.dataclass(frozen=True, slots=True)
class Loaded:
    site: Site
    catalogs: Mapping[str, i18n.Catalog]
    warnings: list[Diagnostic]


@dataclasses.dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    pages: int
    files: int
    written: int
    unchanged: int
    removed: int
    seconds: float
    warnings: list[Diagnostic]
    translations: Mapping[str, translations.Coverage]


def load_site(root: Path, options: BuildOptions, memo: Memo | None = None) -> Loaded:
    """Read and validate everything. Raises BuildFailed with every error found. With a
    `memo` (the preview server), files unchanged since the last call are not read again."""
    memo = memo or Memo()
    memo.start()
    root = root.resolve()
    config_key = ("config", signature(root / SITE_FILE))
    config = memo.call(config_key, lambda _: load_config(root), [])
    diagnostics: list[Diagnostic] = []
    versions: list[PageVersion] = []
    documents: list[sources.RawDoc] = []
    for source in sources.discover(config, diagnostics):
        try:
            doc = memo.call(("doc", config_key, signature(source.src_path)),
                            lambda _, source=source: sources.load(source), diagnostics)
        except ContentError as exc:
            diagnostics.append(exc.diagnostic)
            continue
        if source.kind != "page":
            documents.append(doc)
        elif (version := memo.call(("page", config_key, signature(source.src_path)),
                                   lambda found, doc=doc: assemble.validate_page(doc, found),
                                   diagnostics)) is not None:
            versions.append(version)
    catalog_files = [folder / "i18n" / f"{lang}.yaml" for lang in config.languages
                     for folder in (config.theme_dir, config.overrides_dir)]
    catalogs = memo.call(("catalogs", config_key, *map(signature, catalog_files)),
                         lambda found: load_catalogs(config, found), diagnostics)
    vocabularies_key = ("vocabularies", config_key, signature(root / members.VOCABULARIES_FILE))
    facets = memo.call(vocabularies_key,
                       lambda found: members.load_vocabularies(config, found), diagnostics)
    loaded_members = [m for folder in members.discover(config, diagnostics)
                      if (m := memo.call(("member", vocabularies_key, signature(folder)),
                                         lambda found, folder=folder: members.load_member(
                                             config, folder, facets, found),
                                         diagnostics)) is not None]
    drafts = options.drafts or options.dev
    unique_members = members.check_unique(loaded_members, diagnostics)
    page_names = {v.name for v in versions}
    events, news, campaigns = publications.load(
        config, documents, facets, unique_members, page_names, now=options.now, drafts=drafts,
        diagnostics=diagnostics)
    site = assemble.assemble(config, versions, drafts=drafts, members=unique_members,
                             facets=facets, diagnostics=diagnostics)
    site = dataclasses.replace(site, events=tuple(events), news=tuple(news),
                               campaigns=tuple(campaigns), now=options.now)
    memo.finish()
    _raise_errors(diagnostics)
    return Loaded(site, catalogs, [d for d in diagnostics if d.severity == "warning"])


def render_site(loaded: Loaded, options: BuildOptions) -> tuple[dict[str, write.Content], int]:
    """Every output file as bytes, and the number of HTML pages. Raises BuildFailed."""
    site = loaded.site
    markdown_cache = site.config.root / CACHE_DIR / MARKDOWN_CACHE
    markdown = MarkdownRenderer(MarkdownCache.load(markdown_cache))
    router = urls.Router(site)
    static = assets.collect(site.config)
    env = templates.make_env(site.config, router.url_for, router.absolute,
                             lambda logical: assets.asset_url(static, logical))
    diagnostics: list[Diagnostic] = []
    try:
        planned = plan(site, router, loaded.catalogs, dev=options.dev, diagnostics=diagnostics,
                       markdown=markdown)
    except i18n.MissingString as exc:     # a UI string the generator itself needs (menus)
        raise BuildFailed([missing_string(site.config, exc)]) from exc
    outputs = planned.outputs
    files: dict[str, write.Content] = {asset.dest_rel: asset.data for asset in static.values()}
    files.update((path, make()) for path, make in planned.files.items())
    seen_problems: set[tuple[str, int | None]] = set()
    for output in outputs:
        try:
            html = templates.render(env, output.template, output.full_context(), site.config)
        except i18n.MissingString as exc:
            raise BuildFailed([missing_string(site.config, exc)]) from exc
        except templates.TemplateProblem as exc:
            where = (exc.diagnostic.path, exc.diagnostic.line)
            if where not in seen_problems:   # one report per template line, not per language
                seen_problems.add(where)
                diagnostics.append(exc.diagnostic)
            continue
        files[output.dest_rel] = html.encode("utf-8")
    # after the pages: each page registered its share card while its context was made
    files.update(images.render_all(planned.images(), site.config.root / CACHE_DIR / "images",
                                   diagnostics))
    _raise_errors(diagnostics)
    markdown.cache.save(markdown_cache)
    pages = sum(1 for o in outputs if o.dest_rel.endswith(".html"))
    return files, pages


def build(root: Path, out: Path, options: BuildOptions) -> BuildReport:
    """Validate, render and write the site into `out`, atomically."""
    started = time.perf_counter()
    out = write.check_out_dir(root, out)
    refuse_tracked_cache(root)
    loaded = load_site(root, options)
    with _long_lived():
        files, pages = render_site(loaded, options)
        finish = None
        if options.search:
            site = loaded.site
            bundle, job = search.prepare(files, search.offer_records(site, urls.Router(site)),
                                         site.config.root / CACHE_DIR)
            if bundle is not None:
                files.update(bundle)
            else:     # indexed in the staging folder, once the pages are written there
                finish = functools.partial(search.index_folder, job)
        manifest = (root.resolve() / CACHE_DIR / "outputs" /
                    f"{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json")
        report = write.write_site(out, files, finish, manifest)
    return BuildReport(out, pages, report.written + report.unchanged, report.written,
                       report.unchanged, report.removed,
                       time.perf_counter() - started, loaded.warnings,
                       translations.coverage(loaded.site))


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """What exists now (the loaded site) lives until the end of the build: the garbage
    collector skips it meanwhile (gc.freeze), which saves it walking thousands of member
    models again and again while pages are rendered."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def check(root: Path, options: BuildOptions) -> Loaded:
    """Everything `build` checks, without writing: content, images, templates, UI strings."""
    refuse_tracked_cache(root)
    loaded = load_site(root, options)
    render_site(loaded, options)
    return loaded


def refuse_tracked_cache(root: Path) -> None:
    """A .cache/ that comes from the repository (a pull request could add one) is refused:
    what is cached there is reused without being made again."""
    if not (root / ".git").exists() or not (root / CACHE_DIR).exists():
        return
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "--", CACHE_DIR],
                                capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return          # no git: nothing can be tracked
    if listed.strip():
        raise BuildFailed([Diagnostic(
            listed.split("\n", 1)[0], "the build cache is committed to the repository",
            hint=f"remove it from git with `git rm -r --cached {CACHE_DIR}` "
                 f"({CACHE_DIR}/ is in .gitignore)")])


def missing_string(config: SiteConfig, exc: i18n.MissingString) -> Diagnostic:
    """A UI string the generator itself needs (menus, calendar names...) is missing."""
    catalog = config.theme_dir / "i18n" / f"{exc.lang}.yaml"
    return Diagnostic(sources.rel(config, catalog), str(exc), field=exc.key,
                      hint="every theme defines it")


def load_catalogs(config: SiteConfig, diagnostics: list[Diagnostic]) -> dict[str, i18n.Catalog]:
    """The UI strings of every language; every catalogue must define the same keys."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for lang in config.languages:
        paths = i18n.catalog_paths(config.theme_dir, config.overrides_dir, lang)
        theme_file = config.theme_dir / "i18n" / f"{lang}.yaml"
        if not theme_file.is_file():
            diagnostics.append(Diagnostic(
                sources.rel(config, theme_file), f"the theme has no UI strings for {lang!r}",
                hint=f"copy i18n/{config.default_language}.yaml and translate it"))
        strings: dict[str, str] = {}
        for path in paths:
            rel_path = sources.rel(config, path)
            try:
                data, positions = read_yaml_file(path, rel_path)
            except ContentError as exc:
                diagnostics.append(exc.diagnostic)
                continue
            if not isinstance(data, dict):
                diagnostics.append(Diagnostic(rel_path, "expected a mapping of UI strings", 1))
                continue
            for key, value in i18n.flatten(data).items():
                if not isinstance(value, str):
                    diagnostics.append(Diagnostic(
                        rel_path, "a UI string must be text", *positions.of_value(tuple(key.split("."))),
                        key, hint='quote it: key: "text"'))
                    continue
                strings[key] = value
        merged[lang] = strings
        origin[lang] = sources.rel(config, theme_file)
    every_key = set().union(*merged.values()) if merged else set()
    for lang, strings in merged.items():
        for key in sorted(every_key - strings.keys()):
            having = next(other for other in config.languages if key in merged.get(other, {}))
            diagnostics.append(Diagnostic(
                origin[lang], f"the UI string {key!r} is missing", field=key,
                hint=f"it is defined in i18n/{having}.yaml; add its translation"))
    return {lang: i18n.Catalog(lang, strings, config.locales[lang]) for lang, strings in merged.items()}


def _raise_errors(diagnostics: list[Diagnostic]) -> None:
    if any(d.severity == "error" for d in diagnostics):
        raise BuildFailed(sort_diagnostics(diagnostics))
