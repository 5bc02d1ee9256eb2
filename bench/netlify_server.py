"""Serve a built site on localhost as Netlify's CDN serves it, for Lighthouse.

    python bench/netlify_server.py PUBLIC [--port 8010]

What a page audit depends on, taken from the repository's netlify.toml:

- every `[[headers]]` rule whose `for` pattern matches the path (`/static/*`, `/media/*`:
  cached a year; `/*`: the Content-Security-Policy and the other security headers), the
  later rule winning for a header both set, as Netlify merges them;
- compression: text responses (HTML, CSS, JS, SVG, JSON, XML, calendars) gzipped when the
  client accepts it, as the CDN does (it may use Brotli, a little smaller);
- the 404 rules: a missing `/fr/...` path gets `/fr/404.html` with status 404.

HTTP/1.1 over plain TCP: Lighthouse's simulated throttling models the network itself (RTT,
bandwidth), from the sizes it observed, so the local transport does not change its scores.
Never used by the test suite (tests/browser.py has its own, smaller server).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import re
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPRESSED = ("text/", "application/javascript", "application/json", "application/xml",
              "image/svg+xml", "application/atom+xml", "application/manifest+json")


def header_rules(netlify_toml: Path) -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """netlify.toml's [[headers]]: (path pattern, headers), in file order."""
    config = tomllib.loads(netlify_toml.read_text(encoding="utf-8"))
    rules = []
    for rule in config.get("headers", []):
        pattern = "".join(".*" if part == "*" else re.escape(part)
                          for part in re.split(r"(\*)", rule["for"]))
        rules.append((re.compile(pattern + r"\Z"), dict(rule["values"])))
    return rules


def not_found_rules(netlify_toml: Path) -> list[tuple[str, str]]:
    """netlify.toml's 404 redirects: (path prefix, page)."""
    config = tomllib.loads(netlify_toml.read_text(encoding="utf-8"))
    return [(r["from"].rstrip("*"), r["to"]) for r in config.get("redirects", [])
            if r.get("status") == 404 and r["from"].endswith("*")]


class NetlifyHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"           # keep-alive, as browsers use the CDN
    rules: list[tuple[re.Pattern[str], dict[str, str]]] = []
    missing: list[tuple[str, str]] = []
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".wasm": "application/wasm",
                      ".pagefind": "application/octet-stream", ".ics": "text/calendar",
                      ".xml": "application/xml", ".webp": "image/webp", ".svg": "image/svg+xml"}

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        status = 200
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            file = file / "index.html"
        if not file.is_file():
            status = 404
            page = next((to for prefix, to in self.missing if path.startswith(prefix)), "/404.html")
            file = Path(self.translate_path(page))
            if not file.is_file():
                self.send_error(404)
                return
        body = file.read_bytes()
        ctype = self.guess_type(str(file))
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if ctype.startswith(COMPRESSED):
            self.send_header("Vary", "Accept-Encoding")
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        headers: dict[str, str] = {}
        for pattern, values in self.rules:
            if pattern.match(path):
                headers.update(values)
        headers.setdefault("Cache-Control", "public, max-age=0, must-revalidate")  # Netlify's default
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path, port: int = 0, netlify_toml: Path = ROOT / "netlify.toml") -> Iterator[str]:
    """Serve `folder` in a thread; yields the base URL."""
    handler = type("Handler", (NetlifyHandler,), {"rules": header_rules(netlify_toml),
                                                  "missing": not_found_rules(netlify_toml)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("public", type=Path)
    parser.add_argument("--port", type=int, default=8010)
    args = parser.parse_args()
    with serve(args.public, args.port) as url:
        print(f"serving {args.public} at {url}/ (Ctrl-C stops)", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
