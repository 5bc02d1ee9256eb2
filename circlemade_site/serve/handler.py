"""The preview's HTTP side: pages from the Preview, the search index from the background
build, Server-Sent Events that tell open pages to reload, and the error page shown while
the content is broken."""

from __future__ import annotations

import html
import http.server
import json
import mimetypes
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from circlemade_site import cms
from circlemade_site.errors import BuildFailed, Diagnostic
from circlemade_site.serve.preview import Preview

EVENTS_PATH = "/_circlemade/events"
RELOAD_PATH = "/_circlemade/reload.js"
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


def error_page(diagnostics: list[Diagnostic], message: str, lang: str = "en") -> str:
    items = "\n".join(f"<li><code>{html.escape(d.render(lang))}</code></li>" for d in diagnostics)
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


def make_handler(preview: Preview, search_dir: Path, stopping: threading.Event,
                 search_built: threading.Event | None = None, cms_api: str | None = None,
                 ) -> type[http.server.BaseHTTPRequestHandler]:
    """The request handler of one server: outputs from `preview`, the search index from
    `search_dir` once `search_built` is set (a build of this server wrote it), change
    events until `stopping` is set; with `cms_api` (serve --cms), Decap's local backend
    (decap-server at that address) forwarded under /api/v1, on the preview's own origin."""
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "circlemade"

        def do_POST(self) -> None:   # the name http.server calls
            if cms_api is None or not self.path.startswith(cms.LOCAL_API):
                return self._send(405, "text/plain; charset=utf-8", b"Method not allowed")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = urllib.request.Request(cms_api + self.path, data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    status, data = answer.status, answer.read()
            except urllib.error.HTTPError as exc:
                status, data = exc.code, exc.read()
            except OSError as exc:
                status, data = 502, json.dumps({"error": str(exc)}).encode()
            self._send(status, "application/json", data)

        def do_GET(self) -> None:   # the name http.server calls
            path = self.path.split("?", 1)[0]
            if path == EVENTS_PATH:
                return self._events()
            if path == RELOAD_PATH:
                return self._send(200, "text/javascript; charset=utf-8", RELOAD_SCRIPT)
            found = self._find(path)
            if isinstance(found, BuildFailed):
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
                    except BuildFailed:
                        data = None
                    if data is not None:
                        found = (page, data)
                        break
                if found is None:
                    return self._send(404, "text/plain; charset=utf-8", b"Not found")
            self._send(status, content_type(found[0]), found[1])

        def _find(self, path: str) -> tuple[str, bytes] | BuildFailed | None:
            for rel in candidates(path):
                try:
                    data = preview.get(rel)
                except BuildFailed as exc:
                    return exc
                if data is None and rel.startswith("pagefind/") and search_built is not None \
                        and search_built.is_set():
                    file = search_dir / rel
                    data = file.read_bytes() if file.is_file() else None
                if data is not None:
                    return rel, data
            return None

        def _problem(self, diagnostics: list[Diagnostic], message: str) -> None:
            for diagnostic in diagnostics:
                print(diagnostic.render(preview.lang), file=sys.stderr)
            self._send(500, "text/html; charset=utf-8", error_page(diagnostics, message, preview.lang).encode())

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, kind: str, data: bytes) -> None:
            if kind.startswith("text/html") and not self.path.startswith(f"/{cms.ADMIN}/"):
                data = inject_reload(data)     # not the CMS: a save would reload the form
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

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler



def content_type(dest_rel: str) -> str:
    kind = ("text/yaml" if dest_rel.endswith(".yml") else
            mimetypes.guess_type(dest_rel)[0] or "application/octet-stream")
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
