"""What the preview runs in the background: the file watcher, and a full build in a niced
process a moment after the last change, which makes the search index (and lists every
problem of pages not yet visited)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from circlemade_site import pipeline
from circlemade_site.load.memo import Changes
from circlemade_site.serve.problems import Reporter

SEARCH_DELAY = 2.0                  # seconds of quiet before the search index is rebuilt
# how long the watcher waits for more events after one before it reports them: an editor's
# save (write, or a temporary file renamed) makes its events within a millisecond or two;
# a save split in two batches loads twice, the second time only what changed since
STEP_MS = 5


class SearchBuilder:
    """A full build in a background process, a moment after the last change: it makes the
    search index the preview serves under /pagefind/, and lists every problem of pages not
    yet visited."""

    def __init__(self, root: Path, options: pipeline.BuildOptions, out: Path,
                 stopping: threading.Event, lang: str = "en",
                 reporter: Reporter | None = None) -> None:
        self.root, self.options, self.out, self.stopping = root, options, out, stopping
        self.lang = lang
        self.reporter = reporter or Reporter(lang)   # the preview's: each problem once a save
        self.due: float | None = None
        self.wake = threading.Event()
        self.process: subprocess.Popen[str] | None = None
        # set once a build of this server has written `out`: only then is its search index
        # served (what was in .cache/serve/ before may come from anyone, see files.CacheSeal)
        self.built = threading.Event()

    def stop(self) -> None:
        self.wake.set()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def schedule(self) -> None:
        self.due = time.monotonic() + SEARCH_DELAY
        self.wake.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait()
            self.wake.clear()
            while self.due is not None and time.monotonic() < self.due and not self.stopping.is_set():
                time.sleep(min(0.2, max(0.0, self.due - time.monotonic())))
            if self.stopping.is_set() or self.due is None:
                continue
            self.due = None
            started = time.perf_counter()
            generation = self.reporter.generation       # the save this build is made from
            command = [sys.executable, "-m", "circlemade_site", "-C", str(self.root), "build",
                       "--out", str(self.out), "--now", self.options.now.isoformat(),
                       "--preview", "--lang", self.lang]
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True, preexec_fn=lambda: os.nice(10))
            _, errors = self.process.communicate()
            if self.stopping.is_set():
                return
            if self.process.returncode == 0:
                first = not self.built.is_set()
                self.built.set()
                print(f"Search index {'ready' if first else 'updated'} in "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
            else:
                self.reporter.lines(errors.strip().splitlines(), failing=False,
                                    generation=generation)
                print("The full build found problems (listed above); pages show them when "
                      "visited.", file=sys.stderr, flush=True)


def watch(paths: list[Path], on_change: Callable[[Changes | None], None],
          stopping: threading.Event) -> None:
    """Call on_change after every change under `paths`: inotify events, or polling every
    0.3 s where inotify is missing or its watch limit is reached (a watch per folder:
    thousands of members may exceed the kernel's fs.inotify.max_user_watches).

    on_change gets what changed (load.memo.Changes): every path reported since the last
    call, those of ignored files too (an editor's swap file, a `.git` folder), although
    these alone call nothing. The first call of each watch gets None (nothing is known of
    what changed before it started)."""
    import watchfiles  # the file watcher is needed only here

    ignored = watchfiles.DefaultFilter()
    watched = tuple(os.fspath(path) for path in paths)
    polling = False
    while not stopping.is_set():
        seen: set[str] = set()
        moved, known = False, False
        try:
            for batch in watchfiles.watch(*paths, stop_event=stopping, step=STEP_MS, debounce=400,
                                          watch_filter=None, raise_interrupt=False,
                                          force_polling=polling or None):
                seen.update(path for _, path in batch)
                moved = moved or any(change != watchfiles.Change.modified
                                     for change, _ in batch)
                if not any(ignored(change, path) for change, path in batch):
                    continue
                on_change(Changes(watched, frozenset(seen), moved) if known else None)
                seen, moved, known = set(), False, True
            return
        except (OSError, RuntimeError) as exc:
            if polling:
                raise
            print(f"Watching files by polling ({exc})", file=sys.stderr, flush=True)
            polling = True
