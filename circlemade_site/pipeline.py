"""The build, top to bottom: load -> validate -> assemble -> route -> plan -> render ->
assets -> write.

`load_site` reads and validates everything (load/: the only stage that reads content);
`prepare` routes and plans it and sets up rendering; `make` makes one output from that
prepared state, which is all the preview does on a request; `render_site` makes every
output, which is what `build` and `check` do; `write.write_site` is the only stage that
writes the site. Every file is validated before anything is rendered; if anything fails,
nothing is written and the previous site stays.

What is written besides the site: the caches in .cache/ (images, rendered Markdown, the
search index and its input, the output manifest), by `build` and by `check` alike
(`check` renders every page and image, and keeps what it made for the next build).
Every entry is sealed with the cache key (files.CacheSeal): without CIRCLEMADE_CACHE_KEY,
nothing in .cache/ is reused and the build is cold.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import errno
import functools
import gc
import hashlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Set
from pathlib import Path
from typing import Any

import jinja2

from circlemade_site import cms, files, i18n, translations, urls, write
from circlemade_site.assets import images, printed, search, static
from circlemade_site.config import ACCESSIBILITY_FILE, SITE_FILE, SiteConfig
from circlemade_site.errors import (
    BuildFailed,
    ContentError,
    Diagnostic,
    Message,
    OutputFailed,
    escape_controls,
    msg,
    sort_diagnostics,
)
from circlemade_site.files import CacheSeal, Content, ObjectStore, content_bytes
from circlemade_site.load import (
    accessibility,
    groups,
    members,
    ownership,
    pages,
    publications,
    sources,
    theme,
)
from circlemade_site.load.memo import Changes, Memo, SealedMemo
from circlemade_site.load.settings import load_config
from circlemade_site.models import TIMEZONE, Member, PageVersion, Site, published
from circlemade_site.plan import links
from circlemade_site.plan.images import Card, Variant
from circlemade_site.plan.members import profile_texts
from circlemade_site.plan.printed import PrintJob
from circlemade_site.plan.site import Maker, Plan, plan, plan_profiles
from circlemade_site.plan.views import DataFile, Output
from circlemade_site.render import cache as render_cache
from circlemade_site.render import templates
from circlemade_site.render.markup import MarkdownCache, MarkdownRenderer, text_key

logger = logging.getLogger(__name__)
CACHE_DIR = ".cache"      # under the project: images by content hash, Markdown, search index
MARKDOWN_CACHE = "markdown.json"
LOAD_CACHE = "load.pickle"      # validated members, sealed (load.memo.SealedMemo)
TEMPLATES_CACHE = "templates"   # compiled templates, sealed (render.templates.SealedBytecode)


def today() -> dt.date:
    """The current date in Brussels: the default `now` of a build."""
    return dt.datetime.now(TIMEZONE).date()


@dataclasses.dataclass(frozen=True, slots=True)
class BuildOptions:
    now: dt.date = dataclasses.field(default_factory=today)
    drafts: bool = False
    dev: bool = False             # the preview server: drafts are marked, nothing else
    search: bool = True           # build the Pagefind index
    established: frozenset[str] | None = None   # member folders of a pull request's base
    # the key of a trusted build (CIRCLEMADE_CACHE_KEY): without it nothing cached is reused
    cache_key: str | None = dataclasses.field(default=None, repr=False)
    # the CMS at /admin/ (site.yaml `cms:`): its bundle is copied by build and the preview,
    # not by check (which needs no npm package: only its page and config.yml); `cms_local`: the origin that forwards Decap's local backend
    # (serve --cms, http://127.0.0.1:8000), written into the CMS's config
    cms: bool = True
    cms_local: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Loaded:
    site: Site
    catalogs: Mapping[str, i18n.Catalog]
    font_key: str                 # digest of the theme's fonts (share cards)
    warnings: list[Diagnostic]


@dataclasses.dataclass(frozen=True, slots=True)
class Prepared:
    """A loaded site ready to render: its plan, its Jinja environment and the helpers its
    templates call, and what makes each output path."""

    site: Site
    router: urls.Router
    planned: Plan
    env: jinja2.Environment
    helpers: Mapping[str, Any]
    makers: Mapping[str, Maker | bytes]      # output path -> what makes it
    cache_dir: Path
    seal: CacheSeal                          # what opens and seals the entries of cache_dir
    # the printed directory's PDFs made so far (path -> bytes), which the directory page
    # links with their size; the preview makes them on request, and links them without
    printed_sizes: dict[str, int] = dataclasses.field(default_factory=dict)


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


def load_site(root: Path, options: BuildOptions, memo: Memo | None = None,
              changes: Changes | None = None) -> Loaded:
    """Read and validate everything. Raises BuildFailed with every error found. With a
    `memo` (the preview server), files unchanged since the last call are not read again;
    with `changes` (what its file watcher saw), only the changed files are looked at."""
    kept = memo is not None
    memo = memo or Memo()
    memo.start(changes)
    signature = memo.signature
    root = root.resolve()
    config_key = ("config", signature(root / SITE_FILE))
    config = memo.call(config_key, lambda _: load_config(root), [])
    diagnostics: list[Diagnostic] = []
    versions: list[PageVersion] = []
    documents: list[sources.RawDoc] = []
    found = memo.listing(("sources", config_key),
                         lambda listed: sources.discover(config, listed), diagnostics)
    discovered = frozenset(source.rel_path for source in found)
    doc_keys: dict[int, tuple[Hashable, ...]] = {}     # id of a document -> its memo key
    for source in found:
        doc_key = ("doc", config_key, signature(source.src_path))
        try:
            doc = memo.call(doc_key, functools.partial(_load_source, source), diagnostics)
        except ContentError as exc:
            diagnostics.append(exc.diagnostic)
            continue
        if source.kind != "page":
            documents.append(doc)
            doc_keys[id(doc)] = doc_key
        elif (version := memo.call(("page", *doc_key[1:]),
                                   functools.partial(pages.validate_page, doc),
                                   diagnostics, reads=False)) is not None:
            versions.append(version)
    theme_files = [folder / "i18n" / f"{lang}.yaml" for lang in config.languages
                   for folder in (config.theme_dir, config.overrides_dir)]
    catalogs = memo.call(("catalogs", config_key, *map(signature, theme_files)),
                         lambda found: theme.load_catalogs(config, found), diagnostics)
    font_dir = config.theme_dir / "fonts"
    font_key = memo.call(("fonts", signature(font_dir)), lambda _: theme.fonts_key(font_dir), [])
    vocabularies_key = ("vocabularies", config_key, signature(root / members.VOCABULARIES_FILE))
    facets = memo.call(vocabularies_key,
                       lambda found: members.load_vocabularies(config, found), diagnostics)
    folders = memo.listing(("members", config_key),
                           lambda listed: members.discover(config, listed), diagnostics)
    # a build (not the preview, which keeps `memo`) takes the members whose files did not
    # change from .cache/load.pickle, sealed (load.memo.SealedMemo)
    sealed = None if kept else SealedMemo(root / CACHE_DIR / LOAD_CACHE,
                                          CacheSeal.of(options.cache_key))
    settings_key = hashlib.sha256(str(root).encode() + b"\0" + (
        files.tree_digest(root / SITE_FILE) or os.urandom(32)) + (
        files.tree_digest(root / members.VOCABULARIES_FILE) or os.urandom(32))).digest()

    def load_member(folder: Path, found: list[Diagnostic]) -> Any:
        make = functools.partial(members.load_member, config, folder, facets)
        if sealed is None:
            return make(found)
        digest = files.tree_digest(folder)
        return sealed.call(None if digest is None else settings_key + digest, make, found)

    member_keys: dict[int, tuple[Hashable, ...]] = {}   # id of a member -> its memo key
    loaded_members = []
    for folder in folders:
        member_key = ("member", vocabularies_key, signature(folder))
        if (m := memo.call(member_key, functools.partial(load_member, folder),
                           diagnostics)) is not None:
            loaded_members.append(m)
            member_keys[id(m)] = member_key
    if sealed is not None and not any(d.severity == "error" for d in diagnostics):
        sealed.save()
    drafts = options.drafts or options.dev
    # what is published of each member is decided here, once (models.published): nothing
    # below sees a hidden field, a private contact person or an expired need
    # (the preview keeps what is published of each member, and each file's validated front
    # matter, while its files are unchanged: an edit makes only the edited one again)
    def publish(member: Member, _: list[Diagnostic]) -> Member:
        return published(member, options.now, config.hide_contact_after_months)

    unique_members = [memo.call(("published", member_keys[id(m)], options.now,
                                 config.hide_contact_after_months),
                                functools.partial(publish, m), [], reads=False)
                      for m in members.check_unique(loaded_members, diagnostics,
                                                    options.established)]

    def validated(doc: sources.RawDoc, found: list[Diagnostic]) -> Any:
        return memo.call(("validated", vocabularies_key, *doc_keys[id(doc)][1:]),
                         functools.partial(publications.validate, doc, facets), found,
                         reads=False)

    page_names = {v.name for v in versions}
    # a member folder that did not load (or lost its name to another) has its errors in
    # its own files: events and campaigns that name it are not reported as well
    unloaded = {folder.name for folder in folders} - {m.slug for m in unique_members}
    work = [d for d in documents if d.source.kind in groups.KINDS]
    documents = [d for d in documents if d.source.kind not in groups.KINDS]
    events, news, campaigns = publications.load(
        config, documents, facets, unique_members, page_names, now=options.now, drafts=drafts,
        diagnostics=diagnostics, discovered=discovered, published_drafts=options.drafts,
        unloaded=unloaded, validated=validated)
    found_groups, found_projects = groups.load(
        config, work, facets, unique_members,
        {s.name for s in found if s.kind == "event"}, drafts=drafts, diagnostics=diagnostics,
        discovered=discovered, published_drafts=options.drafts, unloaded=unloaded,
        validated=validated)
    site = pages.assemble(config, versions, drafts=drafts, members=unique_members,
                          facets=facets, discovered=discovered, published_drafts=options.drafts,
                          diagnostics=diagnostics)
    statement = memo.call(("accessibility", config_key, signature(root / ACCESSIBILITY_FILE)),
                          lambda found: accessibility.load_statement(config, found), diagnostics)
    if statement is not None:
        accessibility.check_age(statement, options.now, diagnostics)
    site = dataclasses.replace(site, events=tuple(events), news=tuple(news),
                               campaigns=tuple(campaigns), now=options.now,
                               groups=tuple(found_groups), projects=tuple(found_projects),
                               accessibility=statement)
    memo.finish()
    _raise_errors(diagnostics)
    # in the order of BuildFailed's errors: files in path order, causes first, then lines
    return Loaded(site, catalogs, font_key,
                  sort_diagnostics(d for d in diagnostics if d.severity == "warning"))


def _load_source(source: sources.SourceFile, _diagnostics: list[Diagnostic]) -> sources.RawDoc:
    return sources.load(source)     # raises ContentError: a file that cannot be read


def prepare(loaded: Loaded, options: BuildOptions, markdown: MarkdownRenderer,
            env: jinja2.Environment | None = None, seal: CacheSeal | None = None) -> Prepared:
    """Route and plan the site, and set up rendering. `env` is a Jinja environment made by
    templates.make_env for this site's template folders (the preview keeps one); a new
    one by default. `seal` opens and seals the image cache (by default, from
    `options.cache_key`). Raises BuildFailed."""
    site = loaded.site
    config = site.config
    router = urls.Router(site)
    assets = static.collect(config)
    try:
        planned = plan(site, router, loaded.catalogs, dev=options.dev, markdown=markdown,
                       font_key=loaded.font_key)
    except i18n.MissingString as exc:     # a UI string the generator itself needs (menus)
        raise BuildFailed([missing_string(config, exc)]) from exc
    makers: dict[str, Maker | bytes] = {asset.dest_rel: asset.data for asset in assets.values()}
    makers.update(planned.by_path())
    if config.cms is not None:
        # the CMS's preview pane uses the theme's style sheet, if it has one by that name
        style = "/" + assets["css/site.css"].dest_rel if "css/site.css" in assets else ""
        try:
            makers.update(cms.admin_files(config, site.facets, style,
                                          local=options.cms_local, bundle=options.cms))
        except cms.CmsProblem as exc:
            raise BuildFailed([exc.diagnostic]) from exc
    if broken := links.own_link_problems(site, router, makers.keys()):
        raise BuildFailed(broken)
    return _prepared(site, router, planned, makers, assets, options, env, seal)


def prepare_profiles(loaded: Loaded, options: BuildOptions, markdown: MarkdownRenderer,
                     env: jinja2.Environment, seal: CacheSeal, slugs: Set[str]) -> Prepared:
    """The profiles of the members `slugs` ready to render, with their pictures and share
    cards, and nothing else of the site: what `prepare` would make them from
    (plan.site.plan_profiles). The preview serves a saved member's profile from this while
    it prepares the whole site."""
    site = loaded.site
    router = urls.Router(site)
    assets = static.collect(site.config)
    try:
        planned = plan_profiles(site, router, loaded.catalogs,
                                [m for m in site.members if m.slug in slugs], dev=options.dev,
                                markdown=markdown, font_key=loaded.font_key)
    except i18n.MissingString as exc:
        raise BuildFailed([missing_string(site.config, exc)]) from exc
    return _prepared(site, router, planned, planned.by_path(), assets, options, env, seal)


def _prepared(site: Site, router: urls.Router, planned: Plan, makers: Mapping[str, Maker | bytes],
              assets: Mapping[str, static.Asset], options: BuildOptions,
              env: jinja2.Environment | None, seal: CacheSeal | None) -> Prepared:
    config = site.config
    sizes: dict[str, int] = {}

    def printed_directory(lang: str) -> dict[str, Any] | None:
        """The printed directory of `lang`, for a link: its URL, and its size once made."""
        if not config.print_directory:
            return None
        url = router.url_for(urls.PRINTED_DIRECTORY, lang)
        size = sizes.get(urls.dest_of(url))
        return {"url": url, "size": None if size is None else i18n.format_file_size(
            size, config.locales[lang])}

    seal = seal or CacheSeal.of(options.cache_key)
    env = env or templates.make_env(
        config, templates.SealedBytecode(config.root / CACHE_DIR / TEMPLATES_CACHE, seal))
    return Prepared(site, router, planned, env,
                    {**templates.helpers(router.url_for, router.absolute,
                                         functools.partial(static.asset_url, assets)),
                     "printed_directory": printed_directory},
                    makers, config.root / CACHE_DIR, seal, sizes)


class TemplateFailed(BuildFailed):
    """A template could not be rendered: the problem is in the theme, not in the output."""


def make(prepared: Prepared, maker: Maker | bytes) -> Content:
    """The bytes of one output: a page or text file rendered from its template, a data
    file, an image (from the cache or made). Raises BuildFailed with that output's
    problems; the same function serves `build` (for every output) and the preview (for
    the page a browser asks for)."""
    if isinstance(maker, bytes):
        return maker
    diagnostics: list[Diagnostic] = []
    if isinstance(maker, Output):
        return _render_output(prepared, maker, _context(maker))
    if isinstance(maker, Variant | Card):
        made = images.render_all([maker], prepared.cache_dir / images.CACHE_FOLDER, diagnostics,
                                 prepared.seal)
        _raise_errors(diagnostics)
        return made[maker.dest_rel]
    if isinstance(maker, PrintJob):       # the preview: each file the PDF names made on request
        def fetch(url: str) -> bytes | None:
            found = prepared.makers.get(urls.dest_of(url))
            if found is None or isinstance(found, PrintJob):
                return None
            return content_bytes(make(prepared, found))
        return make_printed(prepared, maker, fetch)
    return maker()


def _context(output: Output) -> Mapping[str, Any]:
    """The full context of `output` (its deferred part made). Raises BuildFailed."""
    diagnostics: list[Diagnostic] = []
    context = output.full_context(diagnostics)
    _raise_errors(diagnostics)
    return context


def _render_output(prepared: Prepared, output: Output, context: Mapping[str, Any] | None,
                   cache: render_cache.RenderCache | None = None,
                   checking: bool = False) -> Content:
    """The bytes of a page or text file from its template and full context (made here
    when `context` is None): from `cache` when the previous build rendered the same
    template with the same context (see render.cache), else rendered (and recorded in
    `cache`). An output with `inputs` is keyed by them and its plan-time context, so a
    page the cache knows is taken without making the rest of its context. `checking`
    (`check`, which keeps no page): a page the cache knows is not rendered, nor read, and
    its bytes are empty."""
    key = None
    if cache is not None:
        if output.inputs is not None:
            key = cache.key(output.template, output.context, output.inputs)
        else:
            context = _context(output) if context is None else context
            key = cache.key(output.template, context)

        def answers(name: str, args: list[Any]) -> Any:
            return prepared.helpers[name](*args)
        if checking and cache.known(output.dest_rel, key, answers):
            return b""
        if not checking and (found := cache.get(output.dest_rel, key, answers)) is not None:
            return found
    context = _context(output) if context is None else context
    config = prepared.site.config
    calls: list[tuple[str, list[Any], Any]] = []
    helpers = render_cache.recording(prepared.helpers, calls) if cache is not None \
        else prepared.helpers
    try:
        html = templates.render(prepared.env, output.template, context, helpers, config)
    except i18n.MissingString as exc:
        raise BuildFailed([missing_string(config, exc)]) from exc
    except templates.TemplateProblem as exc:
        raise TemplateFailed([exc.diagnostic]) from exc
    data = html.encode("utf-8")
    if cache is not None:
        cache.put(output.dest_rel, key, data, calls)
        if not checking:
            return cache.store.stored(data)
    return data


def _data_file(dest_rel: str, maker: DataFile, cache: render_cache.RenderCache,
               checking: bool) -> Content:
    """The bytes of a file made without a template, from `cache` when a previous build made
    it from the same inputs (`checking`: see `_render_output`), else made and recorded."""
    key = cache.key(DATA_FILE, {"dest_rel": dest_rel}, maker.inputs)

    def answers(name: str, args: list[Any]) -> Any:
        raise LookupError(name)        # a data file calls no helper
    if checking and cache.known(dest_rel, key, answers):
        return b""
    if not checking and (found := cache.get(dest_rel, key, answers)) is not None:
        return found
    data = maker()
    cache.put(dest_rel, key, data, [])
    return data if checking else cache.store.stored(data)


DATA_FILE = "\0data"           # the render cache's "template" of a DataFile: no template's name


def _site_inputs(prepared: Prepared) -> tuple[list[Path], bytes, dict[str, Any]]:
    """What the render cache's site digest covers besides the code: the theme and the
    overrides (templates, UI strings, static files), the settings, and what the templates'
    helpers answer (the URL of every page and section in every language, the printed
    directory's sizes are checked page by page: render.cache.LATE)."""
    import pickle
    site = prepared.site
    config = site.config
    routes: dict[str, dict[str, str]] = {}
    for name in [*sorted(site.pages_by_name), *urls.SECTION_NAMES]:
        try:
            routes[name] = {lang: prepared.router.url_for(name, lang) for lang in config.languages}
        except LookupError:
            continue
    return ([config.theme_dir, config.overrides_dir], pickle.dumps(config, protocol=5),
            {"routes": routes, "printed": config.print_directory,
             "facets": hashlib.sha256(pickle.dumps(site.facets, protocol=5)).hexdigest()})


def make_printed(prepared: Prepared, job: PrintJob, fetch: printed.Fetch) -> bytes:
    """A PDF of the printed directory, its page rendered from its template, the files it
    names taken from `fetch`. Raises BuildFailed, in one line, where WeasyPrint or the
    Pango library it needs cannot be loaded."""
    _check_printing(prepared)
    html = content_bytes(make(prepared, job.page)).decode("utf-8")
    return printed.make_pdf(html, job.base_url, fetch, prepared.cache_dir, prepared.seal,
                            job.dest_rel)


def make_all_printed(prepared: Prepared, jobs: list[PrintJob], fetch: printed.Fetch,
                     cache: render_cache.RenderCache | None = None) -> dict[str, bytes]:
    """The PDF of every printed directory (one per language), output path -> bytes: the
    cached ones taken from .cache/print/, the others made at the same time, one forked
    process per core (WeasyPrint lays out one document in one thread: at 1,000 members a
    language's PDF takes about 50 s). The HTML a PDF is made from (and keyed by) comes
    from the render `cache` when its context did not change: drawing its QR codes again
    took 3 s at 1,000 members. Raises BuildFailed with the problems of every page, or as
    make_printed does."""
    pages: list[tuple[PrintJob, str]] = []
    problems: list[Diagnostic] = []
    for job in jobs:
        try:
            if cache is None:
                data = content_bytes(make(prepared, job.page))
            else:       # the page is not written to the site: its HTML is kept in the store
                data = content_bytes(_render_output(prepared, job.page, None, cache))
                cache.keep(data)
            pages.append((job, data.decode("utf-8")))
        except BuildFailed as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise BuildFailed(problems)
    _check_printing(prepared)
    made: dict[str, bytes] = {}
    todo: list[tuple[PrintJob, str, str]] = []
    for job, html in pages:
        pdf, key = printed.cached(html, fetch, prepared.cache_dir, prepared.seal, job.dest_rel)
        if pdf is None:
            todo.append((job, html, key))
        else:
            made[job.dest_rel] = pdf
    workers = min(len(todo), _cores()) if sys.platform.startswith("linux") else 1
    if workers > 1:
        import multiprocessing
        global _FORKED_PRINT
        _FORKED_PRINT = ([(job.base_url, html) for job, html, _ in todo], fetch)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pdfs = pool.map(_print_one, range(len(todo)))
        finally:
            _FORKED_PRINT = None
    else:
        pdfs = [printed.render_pdf(html, job.base_url, fetch) for job, html, _ in todo]
    for (job, _, key), pdf in zip(todo, pdfs):
        printed.keep(pdf, key, prepared.cache_dir, prepared.seal, job.dest_rel)
        made[job.dest_rel] = pdf
    return made


def _check_printing(prepared: Prepared) -> None:
    """Raises BuildFailed, in one line, where WeasyPrint or Pango cannot be loaded."""
    if (reason := printed.unavailable()) is not None:
        config = prepared.site.config
        raise BuildFailed([Diagnostic(
            SITE_FILE, msg("the printed directory needs WeasyPrint and the Pango library "
                           "({reason}): install them (pip install weasyprint; apt-get install "
                           "libpango-1.0-0 libpangoft2-1.0-0) or set `print: false`",
                           reason=escape_controls(reason)),
            *_setting_position(config.root, "print"), "print")])


# what the forked processes of make_all_printed inherit: (base URL, HTML) of each PDF to
# make, and the site's files
_FORKED_PRINT: tuple[list[tuple[str, str]], printed.Fetch] | None = None


def _print_one(index: int) -> bytes:
    assert _FORKED_PRINT is not None
    documents, fetch = _FORKED_PRINT
    base_url, html = documents[index]
    return printed.render_pdf(html, base_url, fetch)


def _setting_position(root: Path, key: str) -> tuple[int | None, int | None]:
    """The line and column of a top-level key of site.yaml, for a message about it."""
    try:
        lines = (root / SITE_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None, None
    line = next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), None)
    return line, 1 if line else None


def render_site(prepared: Prepared, print_pdfs: bool = True,
                cache: render_cache.RenderCache | None = None,
                markdown: MarkdownCache | None = None,
                checking: bool = False,
                meanwhile: Callable[[Iterable[str]], None] | None = None,
                ) -> tuple[dict[str, Content], int]:
    """Every output file, and the number of HTML pages. Raises BuildFailed with every
    problem found. Images are made first, together (in parallel, see assets.images), then
    the printed directory's PDFs, which show them (none with `print_pdfs` false: `check`
    renders their pages only), then every other output: the directory page links the
    PDFs with their size (`printed_sizes`). With a render `cache`, a page whose template
    and context did not change is taken from the previous build (render.cache). A site of
    more than PARALLEL_OUTPUTS outputs is made in one process per core (`_make_in_parallel`;
    `markdown`, the cache of rendered Markdown, gets what they rendered). `checking`
    (`check`): the outputs are made for their problems only; what is returned of the pages
    and text files is not their bytes (see `_render_output`). `meanwhile`, if given, is
    called with the paths of every output while the worker processes render (the folders of
    the site are made then: `write.Staging`)."""
    files: dict[str, Content] = {}
    diagnostics: list[Diagnostic] = []
    jobs = [m for m in prepared.makers.values() if isinstance(m, Variant | Card)]
    print_jobs = [m for m in prepared.makers.values() if isinstance(m, PrintJob)]
    seen: set[tuple[str, int | None]] = set()
    files.update(images.render_all(jobs, prepared.cache_dir / images.CACHE_FOLDER, diagnostics,
                                   prepared.seal))

    def fetch(url: str) -> bytes | None:      # a file a PDF names: an image, the stylesheet
        dest = urls.dest_of(url)
        if dest in files:
            return content_bytes(files[dest])
        found = prepared.makers.get(dest)
        if found is None or isinstance(found, PrintJob | Variant | Card):
            return None
        return content_bytes(make(prepared, found))

    if cache is not None:      # the printed pages are taken from it too
        cache.start(render_cache.site_digest(*_site_inputs(prepared)))
    if print_pdfs and print_jobs and not diagnostics:
        try:
            for dest_rel, pdf in make_all_printed(prepared, print_jobs, fetch, cache).items():
                files[dest_rel] = pdf
                prepared.printed_sizes[dest_rel] = len(pdf)
        except BuildFailed as exc:
            diagnostics.extend(exc.diagnostics)
    else:
        for job in print_jobs:    # its page is still rendered: a problem of its template shows
            try:
                make(prepared, job.page)
            except BuildFailed as exc:
                diagnostics.extend(exc.diagnostics)
    paths = [path for path, maker in prepared.makers.items()
             if not isinstance(maker, Variant | Card | PrintJob)]
    workers = _workers(len(paths))
    every = functools.partial(meanwhile, prepared.makers.keys()) if meanwhile else None
    if workers > 1:
        made, problems = _make_in_parallel(prepared, paths, cache, markdown, workers, checking,
                                           every)
    else:
        if every is not None:
            every()
        made, problems = _make_outputs(prepared, paths, cache, checking)
    files.update((path, made[path]) for path in paths if path in made)
    for from_template, found in problems:
        if not from_template:
            diagnostics.extend(found)
            continue
        for problem in found:             # one report per template line, not per language
            if (problem.path, problem.line) not in seen:
                seen.add((problem.path, problem.line))
                diagnostics.append(problem)
    _raise_errors(diagnostics)
    non_pages = urls.non_page_html(prepared.site.config)
    pages = sum(1 for o in prepared.planned.outputs if urls.is_page_html(o.dest_rel, non_pages))
    return files, pages


# Outputs are made in one process per core (forked, Linux only) when there are more than
# this many; a small site is made faster in one.
PARALLEL_OUTPUTS = 1000
MAX_WORKERS = 4
Problems = list[tuple[bool, list[Diagnostic]]]      # (from a template?, its diagnostics)


def _workers(outputs: int) -> int:
    if outputs <= PARALLEL_OUTPUTS or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(MAX_WORKERS, _cores()))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _make_outputs(prepared: Prepared, paths: list[str], cache: render_cache.RenderCache | None,
                  checking: bool = False) -> tuple[dict[str, Content], Problems]:
    """The bytes of the outputs `paths`, and the problems found (`checking`: see
    `_render_output`)."""
    made: dict[str, Content] = {}
    problems: Problems = []
    for path in paths:
        maker = prepared.makers[path]
        try:
            if cache is not None and isinstance(maker, Output):
                made[path] = _render_output(prepared, maker, None, cache, checking)
            elif cache is not None and isinstance(maker, DataFile):
                made[path] = _data_file(path, maker, cache, checking)
            else:
                made[path] = make(prepared, maker)
        except TemplateFailed as exc:
            problems.append((True, list(exc.diagnostics)))
        except BuildFailed as exc:
            problems.append((False, list(exc.diagnostics)))
    return made, problems


# what the forked workers of _make_in_parallel inherit: the prepared site, the outputs in
# groups of chunks (each group with the shared count of its chunks taken), the caches and
# `checking`
_FORKED: tuple[Prepared, list[tuple[list[list[str]], Any]], render_cache.RenderCache | None,
               MarkdownCache | None, bool] | None = None
CHUNKS_PER_WORKER = 8
Numbered = list[tuple[tuple[int, int], Problems]]     # (group, chunk) -> its problems


def _make_share(index: int) -> tuple[dict[str, Content], Numbered, Any, Any]:
    """In a forked worker: chunks of outputs, taken one at a time until none is left (a
    worker that drew the heavy listings takes fewer), and what the caches learnt
    meanwhile (sent back to the parent, which saves them). The outputs are grouped by
    language; worker `index` starts with its own group and takes from the others once
    it is done, so that the cards a language's listings share (render.templates'
    `reuse`) are rendered by fewer workers. The problems come with their group's and
    chunk's numbers, so that the parent reports them in the same order whoever made
    them."""
    assert _FORKED is not None
    prepared, groups, cache, markdown, checking = _FORKED
    made: dict[str, Content] = {}
    problems: Numbered = []
    start = index % len(groups)
    for number in [*range(start, len(groups)), *range(start)]:
        chunks, taken = groups[number]
        while True:
            with taken.get_lock():
                chunk = taken.value
                taken.value += 1
            if chunk >= len(chunks):
                break
            chunk_made, chunk_problems = _make_outputs(prepared, chunks[chunk], cache, checking)
            made.update(chunk_made)
            problems.append(((number, chunk), chunk_problems))
    if checking:        # `check` keeps no bytes: none are sent back
        made = {}
    learnt = (made, problems, None if cache is None else cache.learnt(),
              None if markdown is None else markdown.learnt())
    if cache is not None:       # a worker that runs the other's call too sends only news
        cache.current, cache.hits, cache.misses = {}, 0, 0
    return learnt


def _make_in_parallel(prepared: Prepared, paths: list[str],
                      cache: render_cache.RenderCache | None, markdown: MarkdownCache | None,
                      workers: int, checking: bool = False,
                      meanwhile: Callable[[], None] | None = None,
                      ) -> tuple[dict[str, Content], Problems]:
    """`_make_outputs` in `workers` forked processes. The outputs are grouped by
    language (the others in a group of their own), and each group dealt into
    CHUNKS_PER_WORKER chunks a worker (every n-th output, so that the heavy listings are
    spread), which the workers take one by one (`_make_share`): one that drew slow
    outputs takes fewer chunks, and none waits idle while another still has a share to
    make. The workers inherit the prepared site (copy-on-write: nothing is pickled on
    the way there); the outputs' objects in the store (files.FileSlice: no page's
    bytes), their problems and the caches' entries come back to this process, which
    writes the site and saves the caches. `meanwhile` runs in this process while they
    work (once they are forked: no thread)."""
    import multiprocessing
    global _FORKED
    count = workers * CHUNKS_PER_WORKER
    context = multiprocessing.get_context("fork")
    languages = prepared.site.config.languages
    by_group: dict[str, list[str]] = {lang: [] for lang in languages}
    for path in paths:
        by_group.setdefault(lang if (lang := path.split("/", 1)[0]) in languages else "",
                            []).append(path)
    _FORKED = (prepared, [([group[i::count] for i in range(count)], context.Value("i", 0))
                          for group in by_group.values()], cache, markdown, checking)
    try:
        with context.Pool(workers) as pool:
            pending = pool.map_async(_make_share, range(workers))
            if meanwhile is not None:
                meanwhile()
            shares = pending.get()
    finally:
        _FORKED = None
    made: dict[str, Content] = {}
    numbered: Numbered = []
    for share_made, share_problems, cache_learnt, markdown_learnt in shares:
        made.update(share_made)
        numbered.extend(share_problems)
        if cache is not None:
            cache.merge(cache_learnt)
        if markdown is not None:
            markdown.merge(markdown_learnt)
    problems = [found for _, chunk in sorted(numbered, key=lambda item: item[0])
                for found in chunk]
    return made, problems


def build(root: Path, out: Path, options: BuildOptions) -> BuildReport:
    """Validate, render and write the site into `out`, atomically. A file that cannot be
    read or written (a full disk, a read-only or vanished folder) raises OutputFailed,
    one line naming it; the previous site is untouched and the next build starts clean."""
    started = time.perf_counter()
    out = write.check_out_dir(root, out)
    refuse_tracked_cache(root)
    seal = CacheSeal.of(options.cache_key)
    try:
        loaded = load_site(root, options)
        # Pagefind's runs (a thread waiting on them) while the site is written; a build
        # that fails waits for them to end
        with _long_lived(), locked(root.resolve() / CACHE_DIR / ".build.lock"), \
                concurrent.futures.ThreadPoolExecutor(1) as indexing:
            store, cache = _caches(root, seal)
            if options.search:       # each page's search digest, kept with it in the cache
                cache.summarise = functools.partial(
                    search.indexed_page, non_pages=urls.non_page_html(loaded.site.config))
            # the site is assembled in this folder; into an empty output folder (Netlify),
            # its folders are made while the site renders. Over a previous site they are
            # made as files are placed: a rebuild that changes nothing makes none.
            staging = write.Staging(out)
            fresh = not (out / write.MARKER).is_file()
            try:
                files, pages = _render(loaded, options, seal, cache=cache,
                                       meanwhile=staging.make_folders if fresh else None)
                finish = _search(loaded.site, files, options, seal, indexing,
                                 cache.summaries())
                manifest = (root.resolve() / CACHE_DIR / "outputs" /
                            f"{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json")
                report = write.write_site(out, files, finish, manifest, seal, store, staging)
            except BaseException:
                staging.remove()
                raise
            cache.save()
    except OSError as exc:
        raise OutputFailed(io_failure(exc, out)) from exc
    return BuildReport(out, pages, report.written + report.unchanged, report.written,
                       report.unchanged, report.removed,
                       time.perf_counter() - started, loaded.warnings,
                       translations.coverage(loaded.site))


def _search(site: Site, files: dict[str, Content], options: BuildOptions, seal: CacheSeal,
            indexing: concurrent.futures.Executor, known: Mapping[str, bytes | None],
            ) -> Callable[[Path], Mapping[str, bytes]] | None:
    """The search index: added to `files` when every part of it is cached; else submitted
    to `indexing`, and write.write_site's `finish` returned, which waits for it (Pagefind
    runs while the other files are placed). `known`: the pages' search digests that the
    render cache holds (search.prepare)."""
    if not options.search:
        return None
    router = urls.Router(site)
    profiles = {urls.dest_of(router.url_for(member, lang)): member.slug
                for member in site.members for lang in site.config.languages}
    bundle, job = search.prepare(files, search.offer_records(site, router),
                                 site.config.root / CACHE_DIR, seal,
                                 urls.non_page_html(site.config), profiles,
                                 urls.search_shard_count(len(site.members)), known)
    if bundle is not None:
        files.update(bundle)
        return None
    settled = search.settled(job)       # placed with the site's files, while Pagefind runs
    files.update(settled)
    return functools.partial(_bundle, indexing.submit(search.index_folder, job, files),
                             settled.keys())


def _bundle(made: concurrent.futures.Future[dict[str, bytes]], placed: Set[str],
            _staging: Path) -> dict[str, bytes]:
    """write.write_site's `finish`: the files of the search index made meanwhile
    (search.index_folder) but those already `placed` (search.settled)."""
    return {path: data for path, data in made.result().items() if path not in placed}


def check(root: Path, options: BuildOptions, pull_request: tuple[str, str] | None = None) -> Loaded:
    """Everything `build` checks, without writing the site: content, images, templates,
    UI strings. What it renders goes to the caches in .cache/ as a build's would. With
    `pull_request` = (author, base ref), also who may change what (load.ownership), and a
    name taken at base stays with its folder."""
    refuse_tracked_cache(root)
    owners: list[Diagnostic] = []
    if pull_request is not None:
        owners, established = ownership.review(root.resolve(), *pull_request)
        options = dataclasses.replace(options, established=established)
    try:
        options = dataclasses.replace(options, cms=False)
        loaded = load_site(root, options)
        seal = CacheSeal.of(options.cache_key)
        # a page the last build rendered with the same template and context is not
        # rendered again (nor read: `check` keeps no page); nothing is recorded, since
        # `check` writes no page to the object store
        _render(loaded, options, seal, print_pdfs=False, cache=_caches(root, seal)[1],
                checking=True)
    except BuildFailed as exc:
        raise BuildFailed([*exc.diagnostics, *owners]) from exc
    _raise_errors(owners)
    return loaded


def check_cms(root: Path, options: BuildOptions) -> list[str]:
    """`circlemade cms --check`: one entry per collection of the CMS, made from its form's
    sample values and written as Decap writes them (cms.sample_files), into a copy of the
    project, which `check` then loads. Returns the files it wrote; raises BuildFailed with
    what `check` refuses of them (a form that lets an editor save what the site rejects)."""
    import shutil
    import tempfile
    config = load_config(root.resolve())
    if config.cms is None:
        raise BuildFailed([Diagnostic(SITE_FILE, msg("the CMS is not switched on"),
                                      hint=msg("add `cms: {{backend: github}}` to switch it on"),
                                      field="cms")])
    diagnostics: list[Diagnostic] = []
    facets = members.load_vocabularies(config, diagnostics)
    _raise_errors(diagnostics)
    samples = cms.sample_files(config, facets)
    with tempfile.TemporaryDirectory(prefix="circlemade-cms-") as folder:
        copy = Path(folder) / "project"
        for part in ("content", "members", "themes"):
            if (config.root / part).is_dir():
                shutil.copytree(config.root / part, copy / part, symlinks=True)
        for rel, text in samples.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8")
        check(copy, dataclasses.replace(options, search=False))
    return sorted(samples)


def _render(loaded: Loaded, options: BuildOptions, seal: CacheSeal, print_pdfs: bool = True,
            cache: render_cache.RenderCache | None = None, checking: bool = False,
            meanwhile: Callable[[Iterable[str]], None] | None = None,
            ) -> tuple[dict[str, Content], int]:
    markdown_cache = loaded.site.config.root / CACHE_DIR / MARKDOWN_CACHE
    markdown = MarkdownRenderer(MarkdownCache.load(markdown_cache, seal))
    files, pages = render_site(prepare(loaded, options, markdown, seal=seal), print_pdfs, cache,
                               markdown.cache, checking, meanwhile)
    # the descriptions of the profiles taken from the render cache were not rendered
    markdown.cache.keep(text_key(text, top) for text, top in profile_texts(loaded.site))
    markdown.cache.save(markdown_cache, seal)
    return files, pages


def _caches(root: Path, seal: CacheSeal) -> tuple[ObjectStore, render_cache.RenderCache]:
    """The object store of what builds wrote, and the render cache that reads from it."""
    cache_dir = root.resolve() / CACHE_DIR
    store = ObjectStore(cache_dir / ObjectStore.FOLDER)
    return store, render_cache.RenderCache(cache_dir / render_cache.FILE, seal, store)


def render_one(loaded: Loaded, options: BuildOptions, dest_rel: str) -> bytes:
    """One output of the site, as the build makes it (`circlemade newsletter`). Raises
    BuildFailed; KeyError if the site has no such output."""
    seal = CacheSeal.of(options.cache_key)
    markdown_cache = loaded.site.config.root / CACHE_DIR / MARKDOWN_CACHE
    markdown = MarkdownRenderer(MarkdownCache.load(markdown_cache, seal))
    prepared = prepare(loaded, options, markdown, seal=seal)
    return content_bytes(make(prepared, prepared.makers[dest_rel]))


def io_failure(exc: OSError, out: Path) -> Message:
    """The one line that says which file could not be read or written, and why."""
    reason = exc.strerror or str(exc) or os.strerror(errno.EIO)
    if exc.filename is None:
        return msg("the build stopped ({reason}); the previous site is untouched",
                   reason=escape_controls(reason))
    path = write.shown_path(os.fsdecode(exc.filename), out)
    return msg("{path}: {reason}; the build stopped and the previous site is untouched",
               path=escape_controls(path), reason=escape_controls(reason))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One build at a time uses the caches of a project (a build and the preview's
    background build): an exclusive lock on `path`, released when the process ends."""
    import fcntl
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


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
            listed.split("\n", 1)[0], msg("the build cache is committed to the repository"),
            hint=msg("remove it from git with `git rm -r --cached {cache}` ({cache}/ is in "
                     ".gitignore)", cache=CACHE_DIR))])


def missing_string(config: SiteConfig, exc: i18n.MissingString) -> Diagnostic:
    """A UI string the generator itself needs (menus, calendar names...) is missing."""
    catalog = config.theme_dir / "i18n" / f"{exc.lang}.yaml"
    return Diagnostic(sources.rel(config, catalog), msg("the UI string {key!r} is missing",
                                                        key=exc.key), field=exc.key,
                      hint=msg("every theme defines it"))


def _raise_errors(diagnostics: list[Diagnostic]) -> None:
    if any(d.severity == "error" for d in diagnostics):
        raise BuildFailed(diagnostics)     # which sorts them, once
