"""The preview's state: the site as last loaded without errors, prepared for rendering,
and the outputs made for the browser since.

On a change only the files that changed are read and validated again (load.memo.Memo),
and the site is planned again without rendering anything (pipeline.prepare). An output is
made when the browser asks for it, by the same `pipeline.make` a build runs for every
output, and kept until the next change.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import jinja2

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed, Diagnostic, SiteError
from circlemade_site.files import CacheSeal, content_bytes
from circlemade_site.load.memo import Memo
from circlemade_site.render import templates
from circlemade_site.render.markup import MarkdownRenderer


@dataclasses.dataclass(slots=True)
class Snapshot:
    """The site as last loaded without errors, and the outputs made from it since."""

    prepared: pipeline.Prepared
    made: dict[str, bytes] = dataclasses.field(default_factory=dict)


class Preview:
    """Loads the site again when files change; makes outputs on request."""

    def __init__(self, root: Path, options: pipeline.BuildOptions, lang: str = "en") -> None:
        self.root = root.resolve()
        self.lang = lang                        # the language of the messages
        self.options = dataclasses.replace(options, dev=True)
        self.memo = Memo()
        self.lock = threading.RLock()
        self.snapshot: Snapshot | None = None
        self.diagnostics: list[Diagnostic] = []   # why the last load failed
        self.message = ""
        self.version = 0
        self.changed = threading.Condition()
        self._env: tuple[tuple[str, ...], jinja2.Environment] | None = None
        self.markdown = MarkdownRenderer()      # its cache lives as long as the server
        self.seal = CacheSeal.of(options.cache_key)   # the image cache's (files.CacheSeal)

    def refresh(self) -> bool:
        """Load the site again (only the changed files are read). True if it loaded."""
        started = time.perf_counter()
        with self.lock, _no_collection():
            try:
                loaded = pipeline.load_site(self.root, self.options, self.memo)
                if self.snapshot is None:
                    gc.freeze()   # what the first load made lives long: skip it in collections
                self.snapshot = Snapshot(pipeline.prepare(loaded, self.options, self.markdown,
                                                          self._environment(loaded), self.seal))
            except BuildFailed as exc:
                self.diagnostics, self.message = exc.diagnostics, str(exc)
                for diagnostic in exc.diagnostics:
                    print(diagnostic.render(self.lang), file=sys.stderr)
                print(f"Build failed: {exc}; fix it and save.", file=sys.stderr, flush=True)
            except SiteError as exc:
                self.diagnostics, self.message = [], str(exc)
                print(f"Build failed: {exc}", file=sys.stderr, flush=True)
            except Exception as exc:       # a bug must not stop the watcher
                traceback.print_exc()
                self.diagnostics, self.message = [], f"internal error ({exc!r}), please report it"
            else:
                self.diagnostics, self.message = [], ""
                for diagnostic in loaded.warnings:
                    print(diagnostic.render(self.lang), file=sys.stderr)
                print(f"Loaded {len(loaded.site.members)} members ({self.memo.misses} files "
                      f"read) in {time.perf_counter() - started:.2f} s", flush=True)
        with self.changed:
            self.version += 1
            self.changed.notify_all()
        return not self.message

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
        with self.lock:
            snap = self.snapshot
            if snap is None:
                return None
            if dest_rel in snap.made:
                return snap.made[dest_rel]
            maker = snap.prepared.makers.get(dest_rel)
            if maker is None:
                return None
            data = content_bytes(pipeline.make(snap.prepared, maker))
            snap.made[dest_rel] = data
            return data

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
