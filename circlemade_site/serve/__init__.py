"""`circlemade serve`: preview the site on 127.0.0.1 while editing it.

Fast at thousands of members, because the preview does no more than the browser needs:
- content/, members/ and themes/ are watched (watchfiles: inotify, polling where inotify
  is missing). On a change, only the files that changed are read and validated again,
  and the site is planned again without rendering anything (preview.py).
- A page is made when the browser asks for it, by the function a build uses for every
  output (pipeline.make), and kept until the next change.
- Open pages reload by themselves: each holds a Server-Sent Events connection
  (/_circlemade/events) that announces every change (handler.py).
- The search index needs every page: a full build makes it in a background process,
  a moment after the last change, into .cache/serve/ (background.py; `--no-search`
  turns this off).

While the content has errors, the last good version of the site stays served, every page
with a banner that lists the problems in its language (problems.py); the terminal prints
each problem once per save, and says when they are all fixed. Open pages reload when the
content changes, so the banner comes and goes by itself. The server never stops on a
content error.
"""

from __future__ import annotations

import http.server
import signal
import threading
import time
from pathlib import Path

from circlemade_site import pipeline
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


def serve(root: Path, port: int, options: pipeline.BuildOptions, search: bool = True,
          lang: str = "en") -> int:
    root = root.resolve()
    stopping = threading.Event()          # this server's: set when it stops
    preview = Preview(root, options, lang)
    started = time.perf_counter()
    print("Loading content/ and members/: every file is read and checked now, then only "
          "the files that change...", flush=True)
    preview.refresh()
    print(f"Ready in {time.perf_counter() - started:.2f} s", flush=True)
    searcher = (SearchBuilder(root, preview.options, root / SERVE_DIR, stopping, lang,
                              preview.reporter) if search else None)

    def on_change() -> None:
        if preview.refresh() and searcher is not None:
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
                                                          searcher.built if searcher else None))
    server.daemon_threads = True
    print(f"Serving the site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
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
    return 0
