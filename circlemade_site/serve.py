"""`circlemade serve`: preview the site on 127.0.0.1 while editing it.

Fast at thousands of members, because the preview does no more than the browser needs:
- content/, members/ and themes/ are watched (watchfiles: inotify, no polling). On a
  change, only the files that changed are read and validated again (memo.Memo), and the
  site is planned again without rendering anything: about 0.1 s at 1,000 members.
- A page is rendered when the browser asks for it, and kept until the next change.
- Open pages reload by themselves: each holds a Server-Sent Events connection
  (/_circlemade/events) that announces every change.
- The search index needs every page: a full build makes it in a background process,
  a moment after the last change, into .cache/serve/ (`--no-search` turns this off).

While the content has errors, every page shows them (and the terminal lists them), and
the page reloads by itself once they are fixed. The server never stops on a content error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import html
import http.server
import mimetypes
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from circlemade_site import assets, i18n, images, pipeline, templates, urls, write
from circlemade_site.cards import Card
from circlemade_site.errors import BuildFailed, Diagnostic, SiteError, sort_diagnostics
from circlemade_site.images import Variant
from circlemade_site.markup import MarkdownRenderer
from circlemade_site.memo import Memo
from circlemade_site.plan import Plan, plan
from circlemade_site.views import Output

WATCHED = ("content", "members", "themes")
SERVE_DIR = ".cache/serve"          # the background full build (search index)
EVENTS_PATH = "/_circlemade/events"
RELOAD_PATH = "/_circlemade/reload.js"
SEARCH_DELAY = 2.0                  # seconds of quiet before the search index is rebuilt
RELOAD_SCRIPT = b"""// circlemade serve: reload this page when the site changes
(() => {
  let seen = null;
  const events = new EventSource("/_circlemade/events");
  events.onmessage = (event) => {
    if (seen !== null && event.data !== seen) location.reload();
    seen = event.data;
  };
})();
"""


@dataclasses.dataclass(slots=True)
class Snapshot:
    """The site as last loaded without errors: what makes each output path, and the
    pages rendered since."""

    site: Any
    env: jinja2.Environment
    planned: Plan
    makers: dict[str, Any]
    diagnostics: list[Diagnostic]          # filled while contexts are made (Markdown links)
    rendered: dict[str, bytes] = dataclasses.field(default_factory=dict)
    complete: bool = False                 # every context made: share cards are all known


class PageProblem(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


class Preview:
    """Loads the site again when files change; renders pages on request."""

    def __init__(self, root: Path, options: pipeline.BuildOptions) -> None:
        self.root = root.resolve()
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

    # -- loading ---------------------------------------------------------------------

    def refresh(self) -> bool:
        """Load the site again (only the changed files are read). True if it loaded."""
        started = time.perf_counter()
        with self.lock, _no_collection():
            try:
                loaded = pipeline.load_site(self.root, self.options, self.memo)
                if self.snapshot is None:
                    gc.freeze()   # what the first load made lives long: skip it in collections
                self.snapshot = self._plan(loaded)
            except BuildFailed as exc:
                self.diagnostics, self.message = exc.diagnostics, str(exc)
                for diagnostic in exc.diagnostics:
                    print(diagnostic, file=sys.stderr)
                print(f"Build failed: {exc}; fix it and save.", file=sys.stderr, flush=True)
            except SiteError as exc:
                self.diagnostics, self.message = [], str(exc)
                print(f"Build failed: {exc}", file=sys.stderr, flush=True)
            except Exception as exc:       # noqa: BLE001 - a bug must not stop the watcher
                traceback.print_exc()
                self.diagnostics, self.message = [], f"internal error ({exc!r}), please report it"
            else:
                self.diagnostics, self.message = [], ""
                for diagnostic in loaded.warnings:
                    print(diagnostic, file=sys.stderr)
                print(f"Loaded {len(loaded.site.members)} members ({self.memo.misses} files "
                      f"read) in {time.perf_counter() - started:.2f} s", flush=True)
        with self.changed:
            self.version += 1
            self.changed.notify_all()
        return not self.message

    def _plan(self, loaded: pipeline.Loaded) -> Snapshot:
        site = loaded.site
        config = site.config
        router = urls.Router(site)
        static = assets.collect(config)
        env = self._environment(config)
        env.globals.update(url_for=router.url_for, absolute=router.absolute,
                           asset_url=lambda logical: assets.asset_url(static, logical),
                           reuse=templates.fragments())
        diagnostics: list[Diagnostic] = []
        try:
            planned = plan(site, router, loaded.catalogs, dev=True, diagnostics=diagnostics,
                           markdown=self.markdown)
        except i18n.MissingString as exc:
            raise BuildFailed([pipeline.missing_string(config, exc)]) from exc
        if any(d.severity == "error" for d in diagnostics):
            raise BuildFailed(sort_diagnostics(diagnostics))
        makers: dict[str, Any] = {a.dest_rel: a.data for a in static.values()}
        makers.update(planned.by_path())
        return Snapshot(site, env, planned, makers, diagnostics)

    def _environment(self, config: Any) -> jinja2.Environment:
        """One Jinja environment while the template folders stay the same: templates are
        compiled once, and again only when their file changes (Jinja checks)."""
        key = tuple(str(d) for d in templates.template_dirs(config))
        if self._env is None or self._env[0] != key:
            self._env = (key, templates.make_env(config, lambda *a: "", lambda u: u, lambda u: u))
        return self._env[1]

    # -- serving ---------------------------------------------------------------------

    def get(self, dest_rel: str) -> bytes | None:
        """The bytes of an output path, made now if needed; None if the site has no such
        file. Raises PageProblem when the page cannot be made."""
        with self.lock:
            snap = self.snapshot
            if snap is None:
                return None
            if dest_rel in snap.rendered:
                return snap.rendered[dest_rel]
            maker = snap.makers.get(dest_rel)
            if maker is None and not snap.complete and dest_rel.endswith((".jpg", ".webp", ".png")):
                self._complete(snap)             # a share card: known once its page is made
                maker = snap.makers.get(dest_rel)
            if maker is None:
                return None
            data = self._make(snap, maker)
            snap.rendered[dest_rel] = data
            return data

    def _make(self, snap: Snapshot, maker: Any) -> bytes:
        config = snap.site.config
        before = len(snap.diagnostics)
        problems: list[Diagnostic] = []
        if isinstance(maker, bytes):
            return maker
        if isinstance(maker, Output):
            try:
                data = templates.render(snap.env, maker.template, maker.full_context(),
                                        config).encode("utf-8")
            except i18n.MissingString as exc:
                raise PageProblem([pipeline.missing_string(config, exc)]) from exc
            except templates.TemplateProblem as exc:
                raise PageProblem([exc.diagnostic]) from exc
            problems = [d for d in snap.diagnostics[before:] if d.severity == "error"]
        elif isinstance(maker, Variant | Card):
            made = images.render_all([maker], self.root / pipeline.CACHE_DIR / "images", problems)
            data = write.content_bytes(made.get(maker.dest_rel, b""))
        else:
            data = maker()
        if problems:
            raise PageProblem(problems)
        return data

    def _complete(self, snap: Snapshot) -> None:
        for output in snap.planned.outputs:
            try:
                output.full_context()
            except Exception:      # noqa: BLE001 - reported when that page is requested
                continue
        snap.makers.update((job.dest_rel, job) for job in snap.planned.images())
        snap.complete = True

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


def error_page(diagnostics: list[Diagnostic], message: str) -> str:
    items = "\n".join(f"<li><code>{html.escape(str(d))}</code></li>" for d in diagnostics)
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed</title></head>
<body>
<main>
<h1>The site could not be rebuilt</h1>
<p>{html.escape(message)}. Fix the problems below and save: this page reloads by itself.</p>
<ul>
{items}
</ul>
</main>
<script src="{RELOAD_PATH}"></script>
</body>
</html>
"""


def candidates(url_path: str) -> list[str]:
    """Output paths that may serve a URL path, in order: the file, or the folder's
    index.html. None of them can leave the site ('..' is refused)."""
    path = urllib.parse.unquote(url_path.split("?", 1)[0])
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
        return []
    rel = "/".join(parts)
    if not rel:
        return ["index.html"]
    if path.endswith("/"):
        return [f"{rel}/index.html"]
    return [rel, f"{rel}/index.html"]


def make_handler(preview: Preview, search_dir: Path) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "circlemade"

        def do_GET(self) -> None:   # noqa: N802 - the name http.server calls
            path = self.path.split("?", 1)[0]
            if path == EVENTS_PATH:
                return self._events()
            if path == RELOAD_PATH:
                return self._send(200, "text/javascript; charset=utf-8", RELOAD_SCRIPT)
            found = self._find(path)
            if isinstance(found, PageProblem):
                return self._problem(found.diagnostics, "This page could not be made")
            if found is not None and found[0].endswith("/index.html") and not path.endswith("/"):
                return self._redirect(path + "/")       # as Netlify does: /fr/membres -> /fr/membres/
            wants_page = found is None or found[0].endswith(".html")
            if preview.message and wants_page:
                return self._problem(preview.diagnostics, preview.message)
            status = 200
            if found is None:
                status = 404
                first = path.strip("/").split("/", 1)[0]
                for page in ([f"{first}/404.html"] if first.isalpha() else []) + ["404.html"]:
                    try:
                        data = preview.get(page)
                    except PageProblem:
                        data = None
                    if data is not None:
                        found = (page, data)
                        break
                if found is None:
                    return self._send(404, "text/plain; charset=utf-8", b"Not found")
            self._send(status, content_type(found[0]), found[1])

        def _find(self, path: str) -> tuple[str, bytes] | PageProblem | None:
            for rel in candidates(path):
                try:
                    data = preview.get(rel)
                except PageProblem as exc:
                    return exc
                if data is None and rel.startswith("pagefind/"):
                    file = search_dir / rel
                    data = file.read_bytes() if file.is_file() else None
                if data is not None:
                    return rel, data
            return None

        def _problem(self, diagnostics: list[Diagnostic], message: str) -> None:
            for diagnostic in diagnostics:
                print(diagnostic, file=sys.stderr)
            self._send(500, "text/html; charset=utf-8", error_page(diagnostics, message).encode())

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, kind: str, data: bytes) -> None:
            if kind.startswith("text/html"):
                data = inject_reload(data)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            version = preview.version
            try:
                self.wfile.write(f"data: {version}\n\n".encode())
                self.wfile.flush()
                while not stopping.is_set():
                    new = preview.wait_for_change(version, timeout=15)
                    self.wfile.write(f"data: {new}\n\n".encode() if new != version else b": ping\n\n")
                    self.wfile.flush()
                    version = new
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:   # noqa: A002
            pass

    return Handler


stopping = threading.Event()


def content_type(dest_rel: str) -> str:
    kind = mimetypes.guess_type(dest_rel)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml",
                                            "application/javascript", "application/json"):
        kind += "; charset=utf-8"
    return kind


def inject_reload(page: bytes) -> bytes:
    tag = f'<script src="{RELOAD_PATH}"></script>'.encode()
    if tag in page:
        return page
    end = page.rfind(b"</body>")
    return page[:end] + tag + page[end:] if end >= 0 else page + tag


class SearchBuilder:
    """A full build in a background process, a moment after the last change: it makes the
    search index the preview serves under /pagefind/, and lists every problem of pages not
    yet visited."""

    def __init__(self, root: Path, options: pipeline.BuildOptions) -> None:
        self.root, self.options = root, options
        self.due: float | None = None
        self.wake = threading.Event()
        self.process: subprocess.Popen[str] | None = None

    def stop(self) -> None:
        self.wake.set()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def schedule(self) -> None:
        self.due = time.monotonic() + SEARCH_DELAY
        self.wake.set()

    def run(self) -> None:
        while not stopping.is_set():
            self.wake.wait()
            self.wake.clear()
            while self.due is not None and time.monotonic() < self.due and not stopping.is_set():
                time.sleep(min(0.2, max(0.0, self.due - time.monotonic())))
            if stopping.is_set() or self.due is None:
                continue
            self.due = None
            started = time.perf_counter()
            command = [sys.executable, "-m", "circlemade_site", "-C", str(self.root), "build",
                       "--out", str(self.root / SERVE_DIR), "--now", self.options.now.isoformat(),
                       "--preview"]
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True, preexec_fn=lambda: os.nice(10))
            _, errors = self.process.communicate()
            if stopping.is_set():
                return
            if self.process.returncode == 0:
                print(f"Search index updated in {time.perf_counter() - started:.1f} s", flush=True)
            else:
                print(errors.strip(), file=sys.stderr)
                print("The full build found problems (listed above); pages show them when "
                      "visited.", file=sys.stderr, flush=True)


def watch(root: Path, paths: list[Path], on_change: Callable[[], None]) -> None:
    """Call on_change after every change under `paths`: inotify events, or polling every
    0.3 s where inotify is missing or its watch limit is reached (a watch per folder:
    thousands of members may exceed the kernel's fs.inotify.max_user_watches)."""
    import watchfiles   # the file watcher is needed only here

    polling = False
    while not stopping.is_set():
        try:
            for _ in watchfiles.watch(*paths, stop_event=stopping, step=20, debounce=400,
                                      watch_filter=watchfiles.DefaultFilter(),
                                      raise_interrupt=False, force_polling=polling or None):
                on_change()
            return
        except (OSError, RuntimeError) as exc:
            if polling:
                raise
            print(f"Watching files by polling ({exc})", file=sys.stderr, flush=True)
            polling = True


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, port: int, options: pipeline.BuildOptions, search: bool = True) -> int:
    root = root.resolve()
    preview = Preview(root, options)
    started = time.perf_counter()
    preview.refresh()
    print(f"Ready in {time.perf_counter() - started:.2f} s", flush=True)
    searcher = SearchBuilder(root, preview.options) if search else None

    def on_change() -> None:
        if preview.refresh() and searcher is not None:
            searcher.schedule()

    threads = [threading.Thread(target=watch, args=(
        root, [root / f for f in WATCHED if (root / f).is_dir()], on_change), daemon=True)]
    if searcher is not None:
        searcher.schedule()
        searcher.due = time.monotonic()           # the first index right away
        threads.append(threading.Thread(target=searcher.run, daemon=True))
    for thread in threads:
        thread.start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             make_handler(preview, root / SERVE_DIR))
    server.daemon_threads = True
    print(f"Serving the site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)      # stop as on Ctrl+C: no orphan build
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()
        if searcher is not None:
            searcher.stop()
        server.server_close()
    return 0
