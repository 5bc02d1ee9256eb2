"""Helpers for browser tests: the built site served on localhost, driven by Playwright in
Debian's Chromium (/usr/bin/chromium, or $CHROMIUM). Playwright's own browser download is
never used."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("browser tests need Debian's chromium: apt-get install chromium "
                           "(`make test` and .ci/run install it)")
    return path


def netlify_headers(path: str = "/") -> dict[str, str]:
    """The headers netlify.toml sends with `path`, as Netlify sends them: every rule whose
    `for` matches, in the order of the file, a later rule's header replacing an earlier
    one of the same name (the /admin/ rule's Content-Security-Policy replaces the one of
    `/*`). The preview applies the same rules (serve.handler.headers_for)."""
    from circlemade_site.serve.handler import headers_for, site_header_rules
    return headers_for(site_header_rules(Path(__file__).resolve().parent.parent), path)


class _Netlifyish(http.server.SimpleHTTPRequestHandler):
    """Serves like the production host: netlify.toml's headers on every response, and the
    404 page of the language for a missing path."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream",
                      ".ics": "text/calendar", ".xml": "application/xml",
                      ".yml": "text/yaml"}

    proxy: dict[str, str] = {}      # URL prefix -> the server that answers it (decap-server)

    def end_headers(self) -> None:
        for name, value in netlify_headers(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def do_POST(self) -> None:
        """Forwarded to the server of `proxy` (Decap's local backend), as the preview does."""
        target = next((url for prefix, url in self.proxy.items()
                       if self.path.startswith(prefix)), None)
        if target is None:
            self.send_error(405)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        request = urllib.request.Request(target + self.path, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, data = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, data = exc.code, exc.read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            lang = self.path.strip("/").split("/", 1)[0]
            page = Path(self.directory) / lang / "404.html"
            if not (lang.isalpha() and page.is_file()):
                page = Path(self.directory) / "404.html"
            if page.is_file():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().send_error(code, message, explain)

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    """A browser that closes a connection before its response is sent (a page left while
    its images load) is not a fault of the site: that is not printed as a traceback."""

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve_folder(folder: Path, proxy: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `folder` like the production host does; yields the base URL. `proxy` forwards
    POST requests under a prefix to another server (Decap's local backend at /api/v1)."""
    handler = functools.partial(type("Handler", (_Netlifyish,), {"proxy": proxy or {}}),
                                directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
