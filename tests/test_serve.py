"""The preview server, run as a user runs it: rebuilds on save, shows errors, keeps going."""

from __future__ import annotations

import datetime as dt
import http.client
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, fill_in_member

from circlemade_site import scaffold


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(make_project, tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    root = make_project()
    port = free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "circlemade_site", "serve", "--port", str(port)],
                               cwd=root, stdout=log, stderr=subprocess.STDOUT, text=True,
                               env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/fr/")[0] == 200)
        yield root, base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_serve_rebuilds_on_save_and_shows_errors_without_stopping(server) -> None:
    root, base, process = server
    status, html = fetch(base + "/nl/contact/")
    assert status == 200 and 'lang="nl"' in html
    assert '<script src="/_circlemade/reload.js">' in html   # the browser reloads by itself
    assert fetch(base + "/nl/bestaat-niet/")[0] == 404
    assert "Pagina niet gevonden" in fetch(base + "/nl/bestaat-niet/")[1]

    page = root / "content" / "pages" / "contact.nl.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\nNieuwe zin voor de test.\n", encoding="utf-8")
    wait_for(lambda: "Nieuwe zin voor de test." in fetch(base + "/nl/contact/")[1])

    page.write_text("---\ntitle: [kapot\n---\n", encoding="utf-8")
    wait_for(lambda: fetch(base + "/nl/contact/")[0] == 500)
    status, html = fetch(base + "/fr/a-propos/")
    assert status == 500
    assert "content/pages/contact.nl.md:2:" in html and "invalid YAML" in html
    assert process.poll() is None

    page.write_text(original, encoding="utf-8")
    wait_for(lambda: fetch(base + "/nl/contact/")[0] == 200)
    assert "Nieuwe zin" not in fetch(base + "/nl/contact/")[1]
    assert process.poll() is None


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: no client-side normalisation of dots or escapes."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_never_serves_files_outside_the_site(server) -> None:
    """/pagefind/ is served from a folder on disk (the background build's index): a path
    that climbs out of it, plainly or %-encoded, is refused. Without the check in
    serve.handler.candidates these requests would return the secret files."""
    root, base, _ = server
    wait_for(lambda: fetch(base + "/pagefind/pagefind.js")[0] == 200, timeout=60)
    (root / ".cache" / "secret.txt").write_text("do not serve: cache")     # .cache/serve/pagefind/../../
    (root / "secret.txt").write_text("do not serve: project")              # one folder higher
    for path in ("/pagefind/../../secret.txt", "/pagefind/%2e%2e/%2e%2e/secret.txt",
                 "/pagefind/%2E%2E/%2E%2E/%2E%2E/secret.txt", "/pagefind/..%2f..%2fsecret.txt",
                 "/pagefind/..%2F..%2F..%2Fsecret.txt", "/pagefind/..\\..\\secret.txt"):
        status, body = raw_get(base, path)
        assert b"do not serve" not in body, path
        assert status == 404, path
    assert raw_get(base, "/pagefind/pagefind.js")[0] == 200


def output(tmp_path: Path) -> str:
    return (tmp_path / "serve.log").read_text(encoding="utf-8")


def test_serve_reads_again_only_the_files_that_changed(server, tmp_path: Path) -> None:
    root, base, _ = server
    assert "Nog een zin" not in fetch(base + "/nl/leden/recable/")[1]
    path = root / "members" / "recable" / "nl.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    wait_for(lambda: "Nog een zin." in fetch(base + "/nl/leden/recable/")[1])
    wait_for(lambda: "(1 files read)" in output(tmp_path))
    assert "(0 files read)" not in output(tmp_path)

    folder = fill_in_member(scaffold.new_member(root, "atelier-nouveau",       # a member joins
                                                dt.date(2026, 11, 29)))
    wait_for(lambda: fetch(base + "/nl/leden/atelier-nouveau/")[0] == 200)
    assert "/nl/leden/atelier-nouveau/" in fetch(base + "/nl/leden/")[1]
    shutil.rmtree(folder)                                        # and leaves
    wait_for(lambda: fetch(base + "/nl/leden/atelier-nouveau/")[0] == 404)
    assert "/nl/leden/atelier-nouveau/" not in fetch(base + "/nl/leden/")[1]

    shutil.rmtree(root / "members" / "recable")          # events still name it: shown on every page
    wait_for(lambda: fetch(base + "/nl/leden/")[0] == 500)
    assert "there is no member &#x27;recable&#x27;" in fetch(base + "/fr/")[1]


def test_serve_tells_open_pages_to_reload(server) -> None:
    root, base, _ = server
    script = fetch(base + "/_circlemade/reload.js")[1]
    assert "EventSource" in script and "location.reload()" in script
    with urllib.request.urlopen(base + "/_circlemade/events", timeout=20) as events:
        first = events.readline().decode()
        assert first.startswith("data: ")
        events.readline()
        page = root / "content" / "pages" / "about.fr.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase.\n", encoding="utf-8")
        line = events.readline().decode()
        while line.startswith(":") or not line.strip():      # keep-alive comments
            line = events.readline().decode()
        assert line.startswith("data: ") and line != first


def test_serve_builds_the_search_index_in_the_background(server) -> None:
    _, base, _ = server
    wait_for(lambda: fetch(base + "/pagefind/pagefind.js")[0] == 200, timeout=60)
    assert fetch(base + "/fr/membres")[0] == 200                  # redirected to the folder


def test_the_watcher_falls_back_to_polling(monkeypatch, tmp_path: Path) -> None:
    """inotify may be missing, or its watch limit reached with thousands of member folders."""
    import watchfiles

    from circlemade_site import serve
    calls = []

    def fake_watch(*paths, force_polling=None, **options):
        calls.append(force_polling)
        if not force_polling:
            raise OSError("OS file watch limit reached")
        yield {("modified", str(tmp_path / "a"))}

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    changes = []
    serve.background.watch([tmp_path], lambda: changes.append(1), threading.Event())
    assert calls == [None, True] and changes == [1]


def test_an_open_page_reloads_by_itself_after_a_save(server, browser) -> None:
    """In Chromium: the page the editor looks at shows the saved text without any click."""
    root, base, _ = server
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/fr/membres/recable/")
    page.wait_for_timeout(300)                        # the event stream is connected
    path = root / "members" / "recable" / "fr.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase toute neuve.\n",
                    encoding="utf-8")
    page.get_by_text("Une phrase toute neuve.").wait_for(timeout=15000)
    assert errors == []
    context.close()


def test_an_internal_error_while_reloading_keeps_the_preview_alive(make_project, monkeypatch) -> None:
    from circlemade_site import pipeline, serve
    root = make_project()
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh() and preview.get("fr/index.html")
    def broken(*args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(pipeline, "load_site", broken)
    assert not preview.refresh()
    assert "internal error" in preview.message
    assert preview.get("fr/index.html")                  # the last good site is still there


def test_the_preview_serves_a_search_index_only_once_its_own_build_wrote_it(make_project) -> None:
    """.cache/serve/ may hold anything (a pull request's code ran on this machine): the
    search index found there is not served until the preview's own build replaced it."""
    from circlemade_site import pipeline, serve
    root = make_project()
    planted = root / serve.SERVE_DIR / "pagefind" / "pagefind.js"
    planted.parent.mkdir(parents=True)
    planted.write_text("alert('planted')")
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    built, stopping = threading.Event(), threading.Event()
    handler = serve.handler.make_handler(preview, root / serve.SERVE_DIR, stopping, built)
    server = serve.http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert raw_get(base, "/pagefind/pagefind.js")[0] == 404
        built.set()                                   # the background build has written it
        assert raw_get(base, "/pagefind/pagefind.js") == (200, b"alert('planted')")
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
