"""The preview's HTTP side: pages from the Preview, the search index from the background
build, Server-Sent Events that tell open pages to reload, and, while the content has
problems, the last good pages with a banner that lists them (problems.py).

Every response carries the headers netlify.toml gives every page of the published site
(its Content-Security-Policy...), when the project has that file: what the preview shows
is what the host allows."""

from __future__ import annotations

import http.server
import json
import mimetypes
import re
import threading
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from circlemade_site import cms, urls
from circlemade_site.errors import Diagnostic
from circlemade_site.serve import problems
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
    header_rules = site_header_rules(preview.root)

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
            if found is not None and found[0].endswith("/index.html") and not path.endswith("/"):
                return self._redirect(path + "/")       # as Netlify does: /fr/membres -> /fr/membres/
            if found is None and preview.snapshot is None:
                # nothing loaded without errors yet: the theme's files, and for anything
                # else the page that lists the problems
                wanted = candidates(path)
                for rel in wanted:
                    if (data := preview.theme().assets.get(rel)) is not None:
                        return self._send(200, content_type(rel), data)
                return self._problem(wanted[0] if wanted else "", preview.diagnostics)
            status = 200
            if found is None:
                status = 404
                first = path.strip("/").split("/", 1)[0]
                for page in ([f"{first}/404.html"] if first.isalpha() else []) + ["404.html"]:
                    if (served := preview.serve(page)) is not None:
                        found = (page, *served)
                        break
                if found is None:
                    return self._send(404, "text/plain; charset=utf-8", b"Not found")
            rel, data, shown = found
            if data is None:                          # never made without errors
                return self._problem(rel, shown)
            if (shown or preview.message) and self._is_page(rel):
                data = problems.with_banner(data, self._banner(rel, shown))
            self._send(status, content_type(rel), data)

        def _find(self, path: str) -> tuple[str, bytes | None, list[Diagnostic]] | None:
            for rel in candidates(path):
                served = preview.serve(rel)
                if served is None and rel.startswith("pagefind/") and search_built is not None \
                        and search_built.is_set():
                    file = search_dir / rel
                    served = (file.read_bytes(), []) if file.is_file() else None
                if served is not None:
                    return rel, *served
            return None

        def _is_page(self, rel: str) -> bool:
            """Pages get the banner; the HTML that is not a page (the CMS) does not."""
            snapshot = preview.snapshot
            config = snapshot.prepared.site.config if snapshot is not None else None
            return urls.is_page_html(rel, urls.non_page_html(config) if config else ())

        def _banner(self, rel: str, shown: list[Diagnostic]) -> bytes:
            lang = preview.language_of(rel)
            return problems.banner(shown, problems.message_language(lang, preview.lang),
                                   problems.catalog_for(preview.catalogs(), lang),
                                   failure=preview.message)

        def _problem(self, rel: str, shown: list[Diagnostic]) -> None:
            """The page that lists the problems, where no good version exists (500: it is
            not the page asked for)."""
            lang = preview.language_of(rel)
            page = problems.error_page(shown, problems.message_language(lang, preview.lang),
                                       problems.catalog_for(preview.catalogs(), lang),
                                       preview.stylesheet(), failure=preview.message)
            self._send(500, "text/html; charset=utf-8", page)

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, kind: str, data: bytes) -> None:
            if kind.startswith("text/html") and not self.path.startswith(f"/{cms.ADMIN}/"):
                data = inject_reload(data)     # not the CMS: a save would reload the form
            self.send_response(status)
            path = urllib.parse.urlsplit(self.path).path
            for name, value in headers_for(header_rules, path).items():
                if name.lower() != "cache-control":     # the preview's own: no-store
                    self.send_header(name, value)
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


def site_header_rules(root: Path) -> Sequence[tuple[str, Mapping[str, str]]]:
    """The header rules of netlify.toml (`for` and its values, in the file's order), if the
    project has that file and it can be read; none otherwise."""
    try:
        config = tomllib.loads((root / "netlify.toml").read_text(encoding="utf-8"))
        return [(str(rule["for"]), {str(k): str(v) for k, v in rule.get("values", {}).items()})
                for rule in config.get("headers", [])]
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return []


def headers_for(rules: Sequence[tuple[str, Mapping[str, str]]], path: str) -> dict[str, str]:
    """The headers Netlify sends with `path`: every rule whose `for` matches (`*` matches
    anything), in the file's order, a later rule's header replacing an earlier one of the
    same name (so the CMS's Content-Security-Policy replaces the site's under /admin/)."""
    headers: dict[str, str] = {}
    for pattern, values in rules:
        if re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), path):
            headers.update(values)
    return headers


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
