"""The preview's state: the site as last loaded without errors, prepared for rendering,
and the outputs made for the browser since.

On a change only the files that changed are read and validated again (load.memo.Memo),
and the site is planned again without rendering anything (pipeline.prepare). An output is
made when the browser asks for it, by the same `pipeline.make` a build runs for every
output, and kept until the next change.

While the content has problems the last good version stays: the site as last loaded
without errors, and for each page the bytes last made without errors (`serve`). The
problems are printed once per save (problems.Reporter), and once they are all fixed the
terminal says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path

import jinja2

from circlemade_site import i18n, pipeline
from circlemade_site.assets import static
from circlemade_site.errors import (
    MESSAGE_LANGUAGES,
    BuildFailed,
    Diagnostic,
    SiteError,
    msg,
    tr,
)
from circlemade_site.files import CacheSeal, content_bytes
from circlemade_site.load import theme
from circlemade_site.load.memo import Changes, Memo
from circlemade_site.load.settings import load_config
from circlemade_site.plan.views import Output
from circlemade_site.render import templates
from circlemade_site.render.markup import MarkdownRenderer
from circlemade_site.serve.problems import Reporter


@dataclasses.dataclass(slots=True)
class Snapshot:
    """The site as last loaded without errors, and the outputs made from it since."""

    prepared: pipeline.Prepared
    catalogs: Mapping[str, i18n.Catalog]
    font_key: str
    made: dict[str, bytes] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class Theme:
    """What the page shown before any good load is styled with: the theme's UI strings
    and static files, read on their own (they load even when content does not)."""

    catalogs: Mapping[str, i18n.Catalog]
    assets: Mapping[str, bytes]              # output path -> bytes
    stylesheet: str | None                   # the URL of the site's CSS
    languages: tuple[str, ...] = ()


class Preview:
    """Loads the site again when files change; makes outputs on request."""

    def __init__(self, root: Path, options: pipeline.BuildOptions, lang: str = "en") -> None:
        self.root = root.resolve()
        self.lang = lang                        # the language of the messages
        self.options = dataclasses.replace(options, dev=True)
        self.memo = Memo()
        self.lock = threading.RLock()
        self.snapshot: Snapshot | None = None
        # after a save that changed one member: its profiles, served while the whole site
        # is planned (`planned` is clear meanwhile, and other outputs wait for it)
        self.early: Snapshot | None = None
        self.planned = threading.Event()
        self.planned.set()
        self.corrections = 0                    # pages served early that differed (a bug)
        self.diagnostics: list[Diagnostic] = []   # why the last load failed
        self.message = ""
        self.version = 0
        self.changed = threading.Condition()
        self._env: tuple[tuple[str, ...], jinja2.Environment] | None = None
        self.markdown = MarkdownRenderer()      # its cache lives as long as the server
        self.seal = CacheSeal.of(options.cache_key)   # the image cache's (files.CacheSeal)
        self.reporter = Reporter(lang)
        self.good: dict[str, bytes] = {}        # page path -> bytes last made without errors
        self.failed: dict[str, list[Diagnostic]] = {}   # pages of this snapshot that failed
        self._theme: tuple[int, Theme] | None = None

    def refresh(self, changes: Changes | None = None) -> bool:
        """Load the site again (only the changed files are read). True if it loaded.
        `changes`: what the file watcher saw change since the last call, if it knows;
        without it every file's signature is taken again.

        When the save changed one member and nothing else of the site (`_early`), that
        member's profiles are served as soon as it is loaded, planned on their own, while
        the whole site is planned; every other output waits for the whole plan. Once it is
        made, the pages served early are made again from it and compared: should one
        differ, open pages are told to reload (it would be a bug of plan_profiles)."""
        started = time.perf_counter()
        report = self.reporter
        report.changed()
        early: Snapshot | None = None
        announced = False
        self.lock.acquire()
        locked = True
        with _no_collection():
            try:
                loaded = pipeline.load_site(self.root, self.options, self.memo, changes)
                if self.snapshot is None:
                    gc.freeze()   # what the first load made lives long: skip it in collections
                env = self._environment(loaded)
                early = self._early(loaded, env)
                if early is not None:
                    self.early, locked = early, False
                    self.planned.clear()
                    self.lock.release()
                    self._announce()
                    announced = True
                    early_ready = time.perf_counter() - started
                try:
                    prepared = pipeline.prepare(loaded, self.options, self.markdown, env,
                                                self.seal)
                finally:
                    if not locked:
                        self.lock.acquire()
                        locked = True
                snapshot = Snapshot(prepared, loaded.catalogs, loaded.font_key)
                if early is not None and not self._same_as_early(snapshot, early):
                    announced = False           # a page served early differs: reload
                self.snapshot = snapshot
            except BuildFailed as exc:
                self.diagnostics, self.message = exc.diagnostics, str(exc)
                report.problems(exc.diagnostics)
                report.lines([self._failed_line(exc.summary(self.lang))])
                announced = False
            except SiteError as exc:
                self.diagnostics, self.message = [], str(exc)
                report.lines([self._failed_line(str(exc))])
                announced = False
            except Exception as exc:       # a bug must not stop the watcher
                traceback.print_exc()
                self.diagnostics, self.message = [], f"internal error ({exc!r}), please report it"
                report.failing = True
                announced = False
            else:
                self.diagnostics, self.message = [], ""
                for diagnostic in loaded.warnings:
                    print(diagnostic.render(self.lang), file=sys.stderr)
                print(f"Loaded {len(loaded.site.members)} members ({self.memo.misses} files "
                      f"read, {self.memo.looked_at} looked at) in "
                      f"{time.perf_counter() - started:.2f} s"
                      + (f" (the saved profile in {early_ready:.2f} s)" if early else ""),
                      flush=True)
            finally:
                self.early = None
                self.planned.set()
                self.lock.release()
            if not self.message:
                self._retry_failed()
        if not announced:
            self._announce()
        return not self.message

    def _announce(self) -> None:
        """A new version of the site: open pages reload."""
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def _early(self, loaded: pipeline.Loaded, env: jinja2.Environment) -> Snapshot | None:
        """The profiles of the one member a save changed, planned on their own, when
        nothing else of the site changed since the last good load (its other members the
        same objects, kept by the memo; its pages, events, news, settings, UI strings
        equal); else None, and the save waits for the whole plan. What the load saw
        decides, not what the watcher said: a member added or removed changes the count."""
        last = self.snapshot
        if last is None or self.message:
            return None
        old, new = last.prepared.site, loaded.site
        if len(old.members) != len(new.members) or loaded.font_key != last.font_key:
            return None
        changed = []
        for before, now in zip(old.members, new.members, strict=True):
            if before is not now:
                if before.slug != now.slug:      # renamed, or moved in the order
                    return None
                changed.append(now.slug)
        if len(changed) != 1 or not (loaded.catalogs is last.catalogs
                                     or loaded.catalogs == last.catalogs):
            return None
        if any(getattr(old, field.name) != getattr(new, field.name)
               for field in dataclasses.fields(new) if field.name != "members"):
            return None
        return Snapshot(pipeline.prepare_profiles(loaded, self.options, self.markdown, env,
                                                  self.seal, set(changed)),
                        loaded.catalogs, loaded.font_key)

    def _same_as_early(self, snapshot: Snapshot, early: Snapshot) -> bool:
        """Whether the outputs served from `early` are those `snapshot` makes (the pages
        are made again and compared; the pictures, named by their content, are taken
        over as they are)."""
        same = True
        for dest_rel, data in early.made.items():
            maker = snapshot.prepared.makers.get(dest_rel)
            if maker is None:
                same = False
                continue
            if isinstance(maker, Output):
                try:
                    again = content_bytes(pipeline.make(snapshot.prepared, maker))
                except BuildFailed:
                    same = False
                    continue
                if again != data:
                    same = False
                    self.corrections += 1
                    print(tr(self.lang, msg("The preview showed an early version of {path} "
                                            "that differs from the site's; open pages reload "
                                            "now. Please report it.", path=dest_rel)),
                          file=sys.stderr, flush=True)
                    self.good[dest_rel] = again
                    data = again
            snapshot.made[dest_rel] = data
        return same

    def _failed_line(self, summary: str) -> str:
        if self.snapshot is None:
            return tr(self.lang, msg("{summary}: the preview shows these problems until they "
                                     "are fixed; fix them and save.", summary=summary))
        return tr(self.lang, msg("{summary}: the preview shows the last version without "
                                 "errors, with these problems on every page; fix them and "
                                 "save.", summary=summary))

    def _retry_failed(self) -> None:
        """After a good load: make again the pages that failed before (a handful), and say
        so when every problem is fixed."""
        failed, self.failed = self.failed, {}
        for dest_rel in sorted(failed):
            try:
                self.get(dest_rel)
            except BuildFailed as exc:
                self.failed[dest_rel] = exc.diagnostics
                self.reporter.problems(exc.diagnostics)
        if self.reporter.failing and not self.failed:
            self.reporter.failing = False
            print(tr(self.lang, msg("All problems are fixed: the preview shows the site as it "
                                    "is now.")), file=sys.stderr, flush=True)

    def _environment(self, loaded: pipeline.Loaded) -> jinja2.Environment:
        """One Jinja environment while the template folders stay the same: templates are
        compiled once, and again only when their file changes (Jinja checks)."""
        config = loaded.site.config
        key = tuple(str(d) for d in templates.template_dirs(config))
        if self._env is None or self._env[0] != key:
            self._env = (key, templates.make_env(config))
        return self._env[1]

    def get(self, dest_rel: str) -> bytes | None:
        """The bytes of an output path, made now if needed; None if the site has no such
        file. Raises BuildFailed with the problems of that output."""
        while True:
            with self.lock:
                early = self.early
                if early is not None and dest_rel in early.prepared.makers:
                    return self._made(early, dest_rel)
                if self.planned.is_set():
                    return self._made(self.snapshot, dest_rel)
            self.planned.wait()    # the site is being planned after a save

    def _made(self, snap: Snapshot | None, dest_rel: str) -> bytes | None:
        with self.lock:
            if snap is None:
                return None
            if dest_rel in snap.made:
                return snap.made[dest_rel]
            maker = snap.prepared.makers.get(dest_rel)
            if maker is None:
                return None
            data = content_bytes(pipeline.make(snap.prepared, maker))
            snap.made[dest_rel] = data
            if dest_rel.endswith(".html"):      # what may be shown again with the banner
                self.good[dest_rel] = data
            self.failed.pop(dest_rel, None)
            return data

    def serve(self, dest_rel: str) -> tuple[bytes | None, list[Diagnostic]] | None:
        """What to serve for an output path: None if the site has no such file, else its
        bytes (made now, or the last made without errors; None if there are none) and the
        problems to show with them (the site's, and this output's own)."""
        try:
            data = self.get(dest_rel)
        except BuildFailed as exc:
            with self.lock:
                self.failed[dest_rel] = exc.diagnostics
            self.reporter.problems(exc.diagnostics)
            return self.good.get(dest_rel), [*self.diagnostics, *exc.diagnostics]
        if data is None:
            return None
        return data, list(self.diagnostics)

    def language_of(self, dest_rel: str) -> str:
        """The language of the page at an output path: its first folder if that is a
        language of the site, else the site's default language."""
        snap = self.snapshot
        if snap is not None:
            config = snap.prepared.site.config
            languages, default = tuple(config.languages), config.default_language
        else:       # site.yaml may be what is broken: then the URL's language, if any
            languages, default = self.theme().languages or MESSAGE_LANGUAGES, self.lang
        first = dest_rel.split("/", 1)[0]
        return first if first in languages else default

    def stylesheet(self) -> str | None:
        """The URL of the site's CSS, if there is one."""
        snap = self.snapshot
        if snap is None:
            return self.theme().stylesheet
        try:
            return str(snap.prepared.helpers["asset_url"]("css/site.css"))
        except LookupError:
            return None

    def catalogs(self) -> Mapping[str, i18n.Catalog]:
        snap = self.snapshot
        return snap.catalogs if snap is not None else self.theme().catalogs

    def theme(self) -> Theme:
        """The theme read on its own, for the page shown while no load has succeeded
        (read again after each change)."""
        with self.lock:
            if self._theme is not None and self._theme[0] == self.version:
                return self._theme[1]
            try:
                config = load_config(self.root)
                assets = static.collect(config)
                catalogs = theme.load_catalogs(config, [])
                found = Theme(catalogs, {a.dest_rel: a.data for a in assets.values()},
                              static.asset_url(assets, "css/site.css")
                              if "css/site.css" in assets else None, tuple(config.languages))
            except (SiteError, OSError):
                found = Theme({}, {}, None)
            self._theme = (self.version, found)
            return found

    def wait_for_change(self, version: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != version, timeout=timeout)
            return self.version


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection while the site is loaded again: with thousands of
    members each pass walks every object and doubles the time to a reloaded page.
    Garbage is collected as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
