"""`circlemade serve`: preview the site on 127.0.0.1 while editing it.

Fast at thousands of members, because the preview does no more than the browser needs:
- content/, members/ and themes/ are watched (watchfiles: inotify, polling where inotify
  is missing). On a change, only the files that changed are read and validated again
  (the watcher names them: the others are not even looked at), and the site is planned
  again without rendering anything (preview.py).
- A page is made when the browser asks for it, by the function a build uses for every
  output (pipeline.make), and kept until the next change.
- Open pages reload by themselves: each holds a Server-Sent Events connection
  (/_circlemade/events) that announces every change (handler.py).
- The search index needs every page: a full build makes it in a background process,
  a moment after the last change, into .cache/serve/ (background.py; `--no-search`
  turns this off).

With `--cms` (`make cms`), the CMS at /admin/ saves into this folder: Decap's local
backend (decap-server, from cms/node_modules) runs beside the preview, which forwards it
under /api/v1 on its own origin and writes `local_backend` into the preview's
/admin/config.yml only (a build's never has it); a save is a change like any other.

While the content has errors, the last good version of the site stays served, every page
with a banner that lists the problems in its language (problems.py); the terminal prints
each problem once per save, and says when they are all fixed. Open pages reload when the
content changes, so the banner comes and goes by itself. The server never stops on a
content error.
"""

from __future__ import annotations

import dataclasses
import http.server
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from circlemade_site import cms as cms_files
from circlemade_site import pipeline
from circlemade_site.errors import SiteError
from circlemade_site.load.memo import Changes
from circlemade_site.serve.background import SearchBuilder, watch
from circlemade_site.serve.handler import make_handler
from circlemade_site.serve.preview import Preview

WATCHED = ("content", "members", "themes")
SERVE_DIR = ".cache/serve"          # the background full build (search index)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _first_build(preview: Preview) -> str:
    """', a full build: without a cache the first one takes about 15 s': an estimate from
    the number of members (docs/performance.md: 5 s at 100 members, 40 s at 1,000, cold,
    plus the search index), rounded to 5 s."""
    if preview.snapshot is None:
        return ""
    members = len(preview.snapshot.prepared.site.members)
    seconds = 5 * round((10 + 0.04 * members) / 5)
    return f" (a full build: without a cache the first one takes about {seconds} s)"


def start_decap_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """decap-server (cms/node_modules) writing into `root` (its file-system mode: saves are
    files, as the preview watches), on a free port of 127.0.0.1; its address once it
    answers."""
    server = root / cms_files.SERVER
    if not server.exists():
        raise SiteError(f"decap-server is not installed: run `{cms_files.INSTALL}`")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([str(server)], cwd=root, stdout=subprocess.DEVNULL,
                               env={**os.environ, "MODE": "fs", "GIT_REPO_DIRECTORY": str(root),
                                    "PORT": str(port), "BIND_HOST": "127.0.0.1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url + cms_files.LOCAL_API, data=b'{"action":"info"}',
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SiteError("decap-server did not start (see its messages above)")


def serve(root: Path, port: int, options: pipeline.BuildOptions, search: bool = True,
          lang: str = "en", cms: bool = False) -> int:
    root = root.resolve()
    stopping = threading.Event()          # this server's: set when it stops
    decap: subprocess.Popen[bytes] | None = None
    cms_api = None
    if cms:
        decap, cms_api = start_decap_server(root)
        options = dataclasses.replace(options, cms_local=f"http://127.0.0.1:{port}")
    preview = Preview(root, options, lang)
    started = time.perf_counter()
    print("Loading content/ and members/: every file is read and checked now, then only "
          "the files that change...", flush=True)
    preview.refresh()
    print(f"Ready in {time.perf_counter() - started:.2f} s", flush=True)
    searcher = (SearchBuilder(root, preview.options, root / SERVE_DIR, stopping, lang,
                              preview.reporter) if search else None)

    def on_change(changes: Changes | None) -> None:
        if preview.refresh(changes) and searcher is not None:
            searcher.schedule()

    threads = [threading.Thread(target=watch, args=(
        [root / f for f in WATCHED if (root / f).is_dir()], on_change, stopping), daemon=True)]
    if searcher is not None:
        searcher.schedule()
        searcher.due = time.monotonic()           # the first index right away
        threads.append(threading.Thread(target=searcher.run, daemon=True))
    for thread in threads:
        thread.start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             make_handler(preview, root / SERVE_DIR, stopping,
                                                          searcher.built if searcher else None,
                                                          cms_api))
    server.daemon_threads = True
    print(f"Serving the site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    if cms:
        print(f"The CMS: http://127.0.0.1:{port}/{cms_files.ADMIN}/ (it saves into {root})",
              flush=True)
    if searcher is not None:
        print(f"Building the search index in the background{_first_build(preview)}; "
              "the pages are served meanwhile, search works once it is done.", flush=True)
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
        if decap is not None:
            decap.terminate()
            decap.wait(timeout=10)
    return 0
