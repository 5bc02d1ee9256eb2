"""`circlemade serve`: build into .cache/serve/, serve it on 127.0.0.1 with live reload,
and rebuild when content/, members/ or themes/ change.

A build that fails keeps the previous site on disk; while the content has errors, every
page the browser asks for shows them (and the terminal lists them), and the page reloads
by itself once they are fixed. The server never stops on a content error.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import mimetypes
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed, Diagnostic, SiteError

logger = logging.getLogger(__name__)
WATCHED = ("content", "members", "themes")


@dataclasses.dataclass(slots=True)
class ServeState:
    """What the last build left: the problems to show, if it failed."""

    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    message: str = ""


def rebuild(root: Path, out: Path, options: pipeline.BuildOptions, state: ServeState) -> None:
    try:
        report = pipeline.build(root, out, options)
    except BuildFailed as exc:
        state.diagnostics, state.message = exc.diagnostics, str(exc)
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        print(f"Build failed: {exc}; still serving the last good build.", file=sys.stderr)
        return
    except SiteError as exc:
        state.diagnostics, state.message = [], str(exc)
        print(f"Build failed: {exc}", file=sys.stderr)
        return
    state.diagnostics, state.message = [], ""
    for diagnostic in report.warnings:
        print(diagnostic, file=sys.stderr)
    print(f"Rebuilt {report.pages} pages ({report.written} files changed) in {report.seconds:.2f} s",
          flush=True)


def make_app(out: Path, state: ServeState) -> Callable[..., Iterable[bytes]]:
    """A WSGI app serving the built site like Netlify does (index.html, per-language 404),
    or the current build errors in place of any page."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        file = _resolve(out, path)
        wants_page = file is None or file.suffix == ".html"
        if (state.diagnostics or state.message) and wants_page:
            body = error_page(state).encode("utf-8")
            start_response("500 Build failed", [("Content-Type", "text/html; charset=utf-8"),
                                                ("Cache-Control", "no-store")])
            return [body]
        status = "200 OK"
        if file is None:
            status = "404 Not Found"
            first = path.strip("/").split("/", 1)[0]
            candidates = [out / first / "404.html"] if first.isalpha() else []
            file = next((f for f in (*candidates, out / "404.html") if f.is_file()), None)
            if file is None:
                start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
                return [b"Not found"]
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/xml", "image/svg+xml"):
            content_type += "; charset=utf-8"
        start_response(status, [("Content-Type", content_type), ("Cache-Control", "no-store")])
        return [file.read_bytes()]

    return app


def _resolve(out: Path, url_path: str) -> Path | None:
    """The file serving `url_path`, never outside `out`."""
    relative = url_path.lstrip("/")
    candidate = (out / relative).resolve()
    base = out.resolve()
    if candidate != base and base not in candidate.parents:
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def error_page(state: ServeState) -> str:
    items = "\n".join(f"<li><code>{html.escape(str(d))}</code></li>" for d in state.diagnostics)
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed</title></head>
<body>
<main>
<h1>The site could not be rebuilt</h1>
<p>{html.escape(state.message)}. Fix the problems below and save: this page reloads by itself.</p>
<ul>
{items}
</ul>
</main>
</body>
</html>
"""


def serve(root: Path, port: int, options: pipeline.BuildOptions) -> int:
    import livereload   # the web server is needed only here

    root = root.resolve()
    out = root / ".cache" / "serve"
    options = dataclasses.replace(options, dev=True)
    state = ServeState()
    rebuild(root, out, options, state)
    server = livereload.Server(app=make_app(out, state))
    for folder in WATCHED:
        if (root / folder).is_dir():
            server.watch(str(root / folder), lambda: rebuild(root, out, options, state), delay=0.1)
    print(f"Serving the site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    server.serve(port=port, host="127.0.0.1", debug=False, restart_delay=0)
    return 0
