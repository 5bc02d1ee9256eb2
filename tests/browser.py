"""Helpers for browser tests: the built site served on localhost, driven by Playwright in
Debian's Chromium (/usr/bin/chromium, or $CHROMIUM). Playwright's own browser download is
never used."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
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


def netlify_headers() -> dict[str, str]:
    """The headers netlify.toml sends with every page (the Content-Security-Policy...)."""
    import tomllib
    config = tomllib.loads((Path(__file__).resolve().parent.parent / "netlify.toml").read_text())
    return next(rule["values"] for rule in config["headers"] if rule["for"] == "/*")


class _Netlifyish(http.server.SimpleHTTPRequestHandler):
    """Serves like the production host: netlify.toml's headers on every response, and the
    404 page of the language for a missing path."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream",
                      ".ics": "text/calendar", ".xml": "application/xml"}

    def end_headers(self) -> None:
        for name, value in netlify_headers().items():
            self.send_header(name, value)
        super().end_headers()

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


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` like the production host does; yields the base URL."""
    handler = functools.partial(_Netlifyish, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
