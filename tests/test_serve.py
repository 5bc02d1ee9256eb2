"""The preview server, run as a user runs it: rebuilds on save, shows errors, keeps going."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import re
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
from conftest import FIXTURE_SITE, REPO, fill_in_member

from circlemade_site import scaffold

BANNER = 'id="circlemade-preview-problems"'


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


@contextlib.contextmanager
def running(root: Path, log_path: Path, ready: Callable[[str], bool] | None = None,
            ) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`circlemade serve` in `root`, as a user runs it, its output in `log_path`; yields
    once `ready(base)` (by default: /fr/ is served with 200)."""
    port = free_port()
    log = log_path.open("w+", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "circlemade_site", "serve", "--port", str(port)],
                               cwd=root, stdout=log, stderr=subprocess.STDOUT, text=True,
                               env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: ready(base) if ready else fetch(base + "/fr/")[0] == 200)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def server(make_project, tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    root = make_project()
    with running(root, tmp_path / "serve.log") as (base, process):
        yield root, base, process


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
    wait_for(lambda: BANNER in fetch(base + "/nl/contact/")[1])
    status, html = fetch(base + "/fr/a-propos/")          # the last good page, and the problem
    assert status == 200
    assert "content/pages/contact.nl.md:2:" in html and "YAML non valide" in html
    assert process.poll() is None

    page.write_text(original, encoding="utf-8")
    wait_for(lambda: BANNER not in fetch(base + "/nl/contact/")[1])
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
    wait_for(lambda: fetch(base + "/pagefind/pagefind.js")[0] == 200, timeout=180)
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
    wait_for(lambda: "(1 files read, " in output(tmp_path))
    assert "(0 files read" not in output(tmp_path)
    # from the watcher's second call on, it names what changed: only that is looked at
    path = root / "members" / "recable" / "fr.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEncore une phrase.\n", encoding="utf-8")
    wait_for(lambda: "Encore une phrase." in fetch(base + "/fr/membres/recable/")[1])
    wait_for(lambda: output(tmp_path).count("(1 files read, ") == 2)
    looked = [int(n) for n in re.findall(r"\(1 files read, (\d+) looked at\)", output(tmp_path))]
    assert looked[-1] <= 5 < looked[0], looked

    folder = fill_in_member(scaffold.new_member(root, "atelier-nouveau",       # a member joins
                                                dt.date(2026, 11, 29)))
    wait_for(lambda: fetch(base + "/nl/leden/atelier-nouveau/")[0] == 200)
    assert "/nl/leden/atelier-nouveau/" in fetch(base + "/nl/leden/")[1]
    shutil.rmtree(folder)                                        # and leaves
    wait_for(lambda: fetch(base + "/nl/leden/atelier-nouveau/")[0] == 404)
    assert "/nl/leden/atelier-nouveau/" not in fetch(base + "/nl/leden/")[1]

    shutil.rmtree(root / "members" / "recable")          # events still name it: shown on every page
    wait_for(lambda: BANNER in fetch(base + "/nl/leden/")[1])
    assert "/nl/leden/recable/" in fetch(base + "/nl/leden/")[1]     # the last good directory
    assert "il n&#x27;y a pas de membre &#x27;recable&#x27;" in fetch(base + "/fr/")[1]


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


def test_serve_builds_the_search_index_in_the_background(server, tmp_path: Path) -> None:
    _, base, _ = server
    wait_for(lambda: fetch(base + "/pagefind/pagefind.js")[0] == 200, timeout=400)   # niced: slow beside busy test workers
    assert fetch(base + "/fr/membres")[0] == 200                  # redirected to the folder
    # what the first minute is spent on, in order: loading, the URL, the search index
    wait_for(lambda: "Search index ready in" in output(tmp_path))
    said = output(tmp_path)
    steps = ["Loading content/ and members/", "Ready in", f"Serving the site on {base}/",
             "Building the search index in the background (a full build: without a cache "
             "the first one takes about 10 s)", "Search index ready in"]
    assert [said.index(step) for step in steps] == sorted(said.index(step) for step in steps)


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
    serve.background.watch([tmp_path], lambda news: changes.append(news), threading.Event())
    assert calls == [None, True] and changes == [None]


def test_the_watcher_says_what_changed_since_its_last_call(monkeypatch, tmp_path: Path) -> None:
    """Every path reported reaches the preview, those of ignored files too (an editor's
    swap file, which alone reloads nothing, may sit in a member's folder); the first call
    knows nothing of what changed before the watcher started."""
    import watchfiles
    from watchfiles import Change

    from circlemade_site import serve
    from circlemade_site.load.memo import Changes
    member = tmp_path / "members" / "recable"
    batches = [{(Change.modified, str(member / "fr.md"))},
               {(Change.added, str(member / ".fr.md.swp"))},
               {(Change.modified, str(member / "nl.md"))},
               {(Change.modified, str(member / "member.yaml"))},
               {(Change.deleted, str(tmp_path / "members" / "maille-reprise"))}]
    monkeypatch.setattr(watchfiles, "watch", lambda *paths, **options: iter(batches))
    calls: list[Changes | None] = []
    serve.background.watch([tmp_path / "members"], calls.append, threading.Event())
    watched = (str(tmp_path / "members"),)
    assert calls == [None,
                     Changes(watched, frozenset({str(member / ".fr.md.swp"),
                                                 str(member / "nl.md")}), moved=True),
                     Changes(watched, frozenset({str(member / "member.yaml")}), moved=False),
                     Changes(watched, frozenset({str(tmp_path / "members" / "maille-reprise")}),
                             moved=True)]


def test_a_save_the_watcher_names_is_all_the_preview_looks_at(make_project, monkeypatch) -> None:
    """With the watcher's news (load.memo.Changes) a save looks at the named files only:
    the other files' signatures and the folders' listings are kept from the last load.
    Without news, or with too much at once, every file is looked at again."""
    from circlemade_site import pipeline, serve
    from circlemade_site.load import members
    from circlemade_site.load.memo import Changes
    root = make_project()
    watched = tuple(str(root / folder) for folder in serve.WATCHED)
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    everything = preview.memo.looked_at
    listed: list[int] = []
    discover = members.discover
    monkeypatch.setattr(members, "discover", lambda *args: (listed.append(1), discover(*args))[1])

    def profile(slug: str) -> bytes:
        return preview.get(f"fr/membres/{slug}/index.html") or b""

    named, unnamed = (root / "members" / slug / "fr.md" for slug in ("recable", "plume-boucle"))
    for path, sentence in ((named, "Une phrase nommée."), (unnamed, "Une phrase tue.")):
        path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    assert preview.refresh(Changes(watched, frozenset({str(named)}), moved=False))
    assert b"Une phrase nomm\xc3\xa9e." in profile("recable")
    assert b"Une phrase tue." not in profile("plume-boucle")      # nothing said it changed
    assert preview.memo.looked_at <= 3 < everything and listed == []

    folder = fill_in_member(scaffold.new_member(root, "atelier-nouveau",  # a member joins:
                                                dt.date(2026, 11, 29)))   # listed again
    assert preview.refresh(Changes(watched, frozenset({str(folder)}), moved=True))
    assert listed == [1] and b"Nous pr" in profile("atelier-nouveau")

    many = frozenset(str(root / "members" / f"f{n}") for n in range(Changes.MAX_PATHS + 1))
    assert preview.refresh(Changes(watched, many, moved=False))   # the watcher may have lost some
    assert b"Une phrase tue." in profile("plume-boucle")
    assert preview.memo.looked_at >= everything - 2 and listed == [1, 1]


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


def test_a_save_validates_and_publishes_again_only_what_it_changed(make_project,
                                                                  monkeypatch) -> None:
    """On a save the preview validates again only the edited event's file, and decides
    again only what is published of the edited member: the rest is kept from the last
    load (each result keyed by its files' signatures)."""
    from circlemade_site import models, pipeline, serve
    from circlemade_site.load import publications
    root = make_project()
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    validated: list[str] = []
    published: list[str] = []
    validate, publish = publications.validate, models.published
    monkeypatch.setattr(publications, "validate", lambda doc, *rest: (
        validated.append(doc.source.rel_path), validate(doc, *rest))[1])
    monkeypatch.setattr(pipeline, "published", lambda member, *rest: (
        published.append(member.slug), publish(member, *rest))[1])
    event = root / EVENT
    event.write_text(event.read_text(encoding="utf-8") + "\nUne phrase de plus.\n",
                     encoding="utf-8")
    member = root / "members" / "recable" / "fr.md"
    member.write_text(member.read_text(encoding="utf-8") + "\nUne autre phrase.\n",
                      encoding="utf-8")
    assert preview.refresh()
    assert validated == [EVENT]
    assert published == ["recable"]
    assert b"Une autre phrase." in (preview.get("fr/membres/recable/index.html") or b"")
    assert preview.refresh()                    # nothing changed: nothing made again
    assert validated == [EVENT] and published == ["recable"]


def test_a_saved_profile_is_served_while_the_rest_of_the_site_is_planned(make_project,
                                                                       monkeypatch) -> None:
    """A save that changed one member: its profiles are served as soon as it is loaded,
    open pages are told to reload then, and every other page waits for the whole plan
    (never one of the plan before the save). The page served early is the whole plan's."""
    from circlemade_site import pipeline, serve
    from circlemade_site.load.memo import Changes
    root = make_project()
    watched = tuple(str(root / folder) for folder in serve.WATCHED)
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    assert preview.get("fr/membres/index.html")
    go, planning = threading.Event(), threading.Event()
    prepare = pipeline.prepare

    def held(*args: object, **kwargs: object) -> object:
        planning.set()
        assert go.wait(30)
        return prepare(*args, **kwargs)      # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "prepare", held)
    path = root / "members" / "recable" / "fr.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase servie tôt.\n",
                    encoding="utf-8")
    version = preview.version
    saving = threading.Thread(target=preview.refresh,
                              args=(Changes(watched, frozenset({str(path)}), moved=False),))
    saving.start()
    try:
        assert planning.wait(30)
        assert preview.version == version + 1               # open pages reload now
        profile = preview.get("fr/membres/recable/index.html") or b""
        assert "Une phrase servie tôt.".encode() in profile
        assert preview.get("nl/leden/recable/index.html")
        others: list[bytes | None] = []
        waiting = threading.Thread(target=lambda: others.append(
            preview.get("fr/membres/plume-boucle/index.html")))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and others == []          # it waits for the whole plan
    finally:
        go.set()
        saving.join(30)
    waiting.join(30)
    assert others and others[0] and b"plume-boucle" in others[0]
    assert preview.version == version + 1 and preview.corrections == 0
    assert preview.snapshot is not None
    assert preview.snapshot.made["fr/membres/recable/index.html"] == profile


def test_an_early_page_that_differs_from_the_whole_plan_is_replaced_and_reloaded(
        make_project, monkeypatch, capsys) -> None:
    """Should a page served early ever differ from the whole plan's (a bug of
    plan_profiles), the whole plan's replaces it, open pages reload once more and the
    terminal says so."""
    from circlemade_site import pipeline, serve
    from circlemade_site.load.memo import Changes
    root = make_project()
    watched = tuple(str(root / folder) for folder in serve.WATCHED)
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    prepare, dest = pipeline.prepare, "fr/membres/recable/index.html"

    def tampered(*args: object, **kwargs: object) -> object:
        assert preview.early is not None and preview.get(dest)
        preview.early.made[dest] = b"<p>not the site's page</p>"
        return prepare(*args, **kwargs)      # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "prepare", tampered)
    path = root / "members" / "recable" / "fr.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase.\n", encoding="utf-8")
    version = preview.version
    assert preview.refresh(Changes(watched, frozenset({str(path)}), moved=False))
    assert preview.corrections == 1 and preview.version == version + 2
    assert b"Une phrase." in (preview.get(dest) or b"")
    assert "early version of fr/membres/recable/index.html" in capsys.readouterr().err


RECABLE_EDITS = {
    "description": ("fr.md", "\n\nUne phrase de plus.\n", None),
    "tagline": ("member.yaml", "matériel réseau, garanti", "matériel réseau, réparé"),
    "activities": ("member.yaml", "activities: [repair, reuse, recycling]",
                   "activities: [repair, reuse]"),
    "flow": ("member.yaml", "amount: 500", "amount: 800"),
    "name": ("member.yaml", "name: Recâblé", "name: Recâblé Bruxelles"),
}


@pytest.mark.parametrize("edit", sorted(RECABLE_EDITS))
def test_a_profile_planned_on_its_own_is_the_one_of_the_whole_plan(make_project, edit: str) -> None:
    """What the preview serves first after a save (pipeline.prepare_profiles) is, byte for
    byte, what the whole plan makes of the same site: the profiles in both languages, and
    their pictures and share card are among the site's files."""
    from circlemade_site import pipeline, serve
    from circlemade_site.files import content_bytes
    from circlemade_site.load.memo import Changes
    from circlemade_site.plan.views import Output
    root = make_project()
    watched = tuple(str(root / folder) for folder in serve.WATCHED)
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    name, old, new = RECABLE_EDITS[edit]
    path = root / "members" / "recable" / name
    text = path.read_text(encoding="utf-8")
    assert new is None or old in text
    path.write_text(text + old if new is None else text.replace(old, new), encoding="utf-8")
    changes = Changes(watched, frozenset({str(path)}), moved=False)
    loaded = pipeline.load_site(root, preview.options, preview.memo, changes)
    env = preview._environment(loaded)
    early = preview._early(loaded, env)
    assert early is not None
    whole = pipeline.prepare(loaded, preview.options, preview.markdown, env, preview.seal)
    pages = [dest for dest, maker in early.prepared.makers.items() if isinstance(maker, Output)]
    assert sorted(pages) == ["fr/membres/recable/index.html", "nl/leden/recable/index.html"]
    for dest in pages:
        assert content_bytes(pipeline.make(early.prepared, early.prepared.makers[dest])) == \
            content_bytes(pipeline.make(whole, whole.makers[dest])), dest
    assert set(early.prepared.makers) <= set(whole.makers)
    assert any("media/members/recable-logo-" in dest for dest in early.prepared.makers)


def test_a_save_that_changed_more_than_one_member_waits_for_the_whole_plan(make_project) -> None:
    """No early profile when the save changed anything else: another member, an event,
    a member added. A UI strings file saved unchanged in meaning (a comment) still
    gives one: what was loaded is compared, not which files were saved."""
    from circlemade_site import pipeline, serve
    from circlemade_site.load.memo import Changes
    root = make_project()
    watched = tuple(str(root / folder) for folder in serve.WATCHED)
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()

    def early_after(*edits: tuple[str, str], moved: bool = False) -> object:
        for rel, addition in edits:
            target = root / rel
            target.write_text(target.read_text(encoding="utf-8") + addition, encoding="utf-8")
        changes = Changes(watched, frozenset(str(root / rel) for rel, _ in edits), moved=moved)
        loaded = pipeline.load_site(root, preview.options, preview.memo, changes)
        found = preview._early(loaded, preview._environment(loaded))
        assert preview.refresh(changes)
        return found

    assert early_after(("members/recable/fr.md", "\nUn.\n")) is not None
    assert early_after(("members/recable/fr.md", "\nDeux.\n"),
                       ("members/plume-boucle/fr.md", "\nDeux.\n")) is None
    assert early_after(("members/recable/fr.md", "\nTrois.\n"), (EVENT, "\nTrois.\n")) is None
    assert early_after(("members/recable/fr.md", "\nQuatre.\n"),
                       ("themes/circlemade/i18n/fr.yaml", "\n# quatre\n")) is not None
    fill_in_member(scaffold.new_member(root, "atelier-nouveau", dt.date(2026, 11, 29)))
    assert early_after(("members/recable/fr.md", "\nCinq.\n"),
                       ("members/atelier-nouveau/member.yaml", "\n"), moved=True) is None
    assert early_after(("members/recable/fr.md", "\nSix.\n")) is not None


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


# -- While the content is broken: the last good site, with a banner ----------------------

EVENT = "content/events/accompagnement-collectif-modeles-2027.fr.md"
MEMBER = "members/recable/member.yaml"
# the line of the member's phone number, which the tests break
PHONE_LINE = next(n for n, text in enumerate(
    (FIXTURE_SITE / MEMBER).read_text(encoding="utf-8").splitlines(), 1) if '"+32 2 538 70 62"' in text)


def break_content(root: Path) -> None:
    """A YAML typo in an event and a bad value in a member."""
    event = root / EVENT
    event.write_text(event.read_text(encoding="utf-8").replace("type: coaching", "type: [coaching"),
                     encoding="utf-8")
    member = root / MEMBER
    member.write_text(member.read_text(encoding="utf-8").replace('"+32 2 538 70 62"', '"not a phone"'),
                      encoding="utf-8")


def broken_diagnostics(root: Path) -> list:
    """The problems of a broken project, as the loader reports them."""
    from circlemade_site import pipeline
    from circlemade_site.errors import BuildFailed
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    mine = [d for d in exc.value.diagnostics if d.path in (EVENT, MEMBER)]
    assert [(d.path, d.line) for d in mine] == [(EVENT, 6), (MEMBER, PHONE_LINE)]
    return mine


def test_a_broken_save_keeps_the_last_good_site_with_a_banner_in_the_page_language(
        server, tmp_path: Path) -> None:
    import html as markup
    root, base, process = server
    pristine = tmp_path / "pristine"
    shutil.copytree(root / "content", pristine / "content")
    shutil.copytree(root / "members", pristine / "members")
    assert BANNER not in fetch(base + "/nl/leden/recable/")[1]
    break_content(root)
    wait_for(lambda: BANNER in fetch(base + "/fr/")[1])
    problems = broken_diagnostics(root)
    for url, lang in (("/fr/", "fr"), ("/nl/", "nl"), ("/nl/leden/recable/", "nl"),
                      ("/fr/agenda/accompagnement-collectif-modeles-2027/", "fr")):
        status, page = fetch(base + url)
        assert status == 200, url
        banner = page[page.index(BANNER):page.index("</section>", page.index(BANNER))]
        assert f'lang="{lang}"' in banner
        for problem in problems:
            assert f"<code>{problem.prefix().rstrip()}</code> " in banner
            assert markup.escape(problem.text(lang)) in banner, (url, problem.text(lang))
    assert problems[1].text("fr") != problems[1].text("nl")      # in each page's language
    assert "+32 2 538 70 62" in fetch(base + "/nl/leden/recable/")[1]    # the last good profile
    assert "Accompagnement collectif" in fetch(
        base + "/fr/agenda/accompagnement-collectif-modeles-2027/")[1]
    assert process.poll() is None

    for rel in (EVENT, MEMBER):
        shutil.copy(pristine / rel, root / rel)
    wait_for(lambda: BANNER not in fetch(base + "/fr/")[1])
    for url in ("/fr/", "/nl/", "/nl/leden/recable/"):
        status, page = fetch(base + url)
        assert status == 200 and BANNER not in page


def test_the_terminal_prints_each_problem_once_per_save_and_says_when_all_are_fixed(
        server, tmp_path: Path) -> None:
    root, base, _ = server
    original = {rel: (root / rel).read_text(encoding="utf-8") for rel in (EVENT, MEMBER)}
    break_content(root)
    wait_for(lambda: BANNER in fetch(base + "/fr/")[1])
    lines = [d.render("en") for d in broken_diagnostics(root)]
    for url in ("/fr/", "/nl/", "/fr/membres/", "/nl/leden/recable/", "/fr/"):
        assert fetch(base + url)[0] == 200
    assert [output(tmp_path).splitlines().count(line) for line in lines] == [1, 1]   # not per request

    member = root / MEMBER                                 # saved again, still broken
    member.write_text(member.read_text(encoding="utf-8") + "# encore\n", encoding="utf-8")
    wait_for(lambda: output(tmp_path).splitlines().count(lines[1]) == 2)
    assert output(tmp_path).splitlines().count(lines[0]) == 2
    assert "the preview shows the last version without errors" in output(tmp_path)
    assert "All problems are fixed" not in output(tmp_path)

    for rel, text in original.items():
        (root / rel).write_text(text, encoding="utf-8")
    wait_for(lambda: "All problems are fixed: the preview shows the site as it is now."
             in output(tmp_path))
    assert output(tmp_path).count("All problems are fixed") == 1
    assert [output(tmp_path).splitlines().count(line) for line in lines] == [2, 2]


def test_a_project_broken_since_the_start_gets_a_styled_page_of_its_problems(
        make_project, tmp_path: Path) -> None:
    """No good version to show: a page of its own, with the site's CSS, in the language of
    the URL, status 500 (it is not the page asked for); the site once it is fixed."""
    root = make_project()
    original = (root / EVENT).read_text(encoding="utf-8")
    break_content(root)
    problems = broken_diagnostics(root)
    with running(root, tmp_path / "serve.log", lambda b: fetch(b + "/fr/")[0] == 500) as (base, _):
        status, page = fetch(base + "/nl/leden/")
        assert status == 500 and '<html lang="nl">' in page and "Traceback" not in page
        assert '<h1 id="circlemade-preview-problems-heading">' in page
        assert "<title>Preview: problemen in de inhoud</title>" in page
        assert problems[0].text("nl").split(":")[0] in page
        stylesheet = page.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert stylesheet.startswith("/static/css/site.")
        with urllib.request.urlopen(base + stylesheet, timeout=5) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/css")
        assert 'lang="fr"' in fetch(base + "/fr/membres/")[1]

        (root / EVENT).write_text(original, encoding="utf-8")
        (root / MEMBER).write_text((root / MEMBER).read_text(encoding="utf-8")
                                   .replace('"not a phone"', '"+32 2 538 70 62"'), encoding="utf-8")
        wait_for(lambda: fetch(base + "/nl/leden/")[0] == 200)
        assert BANNER not in fetch(base + "/nl/leden/")[1]
        wait_for(lambda: "All problems are fixed" in output(tmp_path))


def test_a_page_that_cannot_be_made_keeps_its_last_good_version(make_project, capsys) -> None:
    """A problem found when a page is made (a `page:` link to no page): that page is served
    as last made without errors, with the problem; a page never made gets the problem page;
    what pipeline.make returns never holds the banner."""
    from circlemade_site import pipeline, serve
    root = make_project()
    preview = serve.preview.Preview(root, pipeline.BuildOptions(now=dt.date(2026, 11, 29)))
    assert preview.refresh()
    good, problems = preview.serve("fr/a-propos/index.html") or (None, None)
    assert good and problems == []
    for name in ("about", "contact"):
        page = root / "content" / "pages" / f"{name}.fr.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n[Voir](page:nexiste-pas)\n",
                        encoding="utf-8")
    assert preview.refresh()
    data, problems = preview.serve("fr/a-propos/index.html") or (None, None)
    assert data == good
    assert [d.path for d in problems or []] == ["content/pages/about.fr.md"]
    assert preview.serve("fr/contact/index.html") == (None, [preview.failed["fr/contact/index.html"][0]])
    assert preview.serve("nl/over-ons/index.html") is not None
    assert BANNER not in (preview.get("nl/over-ons/index.html") or b"").decode()
    assert "All problems are fixed" not in capsys.readouterr().err

    for name in ("about", "contact"):
        page = root / "content" / "pages" / f"{name}.fr.md"
        page.write_text(page.read_text(encoding="utf-8").replace("\n[Voir](page:nexiste-pas)\n", ""),
                        encoding="utf-8")
    assert preview.refresh()
    assert preview.failed == {}
    assert "All problems are fixed" in capsys.readouterr().err


def test_the_banner_is_never_in_a_build(built_site: Path) -> None:
    from circlemade_site.serve import problems
    texts = [BANNER, *problems.FALLBACK_STRINGS]
    for path in built_site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert not [text for text in texts if text in page], path


def test_the_banner_appears_and_goes_live_and_passes_axe(make_project, tmp_path: Path,
                                                         browser) -> None:
    """In Chromium, with netlify.toml's headers (the CSP) served by the preview: the page
    an editor looks at shows the banner after a broken save and loses it after the fix,
    without a click; the page with the banner has no axe violation and no CSP report."""
    from test_quality import DESKTOP, audit, open_page
    root = make_project()
    shutil.copy(REPO / "netlify.toml", root / "netlify.toml")
    original = (root / MEMBER).read_text(encoding="utf-8")
    with running(root, tmp_path / "serve.log") as (base, _):
        with urllib.request.urlopen(base + "/nl/leden/recable/", timeout=5) as response:
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        context, page, problems = open_page(browser, DESKTOP)
        page.goto(base + "/nl/leden/recable/")
        page.wait_for_timeout(300)                          # the event stream is connected
        banner = page.locator("#circlemade-preview-problems")
        assert banner.count() == 0
        (root / MEMBER).write_text(original.replace('"+32 2 538 70 62"', '"not a phone"'),
                                   encoding="utf-8")
        banner.wait_for(timeout=15000)
        heading = re.compile(r"^\d+ proble(em|men) in de inhoud$")      # in the page's language
        assert page.get_by_role("region", name=heading).is_visible()
        assert f"members/recable/member.yaml:{PHONE_LINE}:10" in banner.inner_text()
        assert audit(page) == []
        (root / MEMBER).write_text(original, encoding="utf-8")
        banner.wait_for(state="detached", timeout=15000)
        assert problems == []
        context.close()


def test_the_preview_sends_netlify_tomls_header_rules_path_by_path(tmp_path: Path) -> None:
    """As Netlify does: every rule whose `for` matches, in order, a later header replacing
    an earlier one; so the CMS under /admin/ gets its own Content-Security-Policy (Decap
    needs 'unsafe-eval') and the pages keep the strict one, and both get the rest of `/*`."""
    from circlemade_site.serve.handler import headers_for, site_header_rules
    shutil.copy(REPO / "netlify.toml", tmp_path / "netlify.toml")
    rules = site_header_rules(tmp_path)
    page, admin = headers_for(rules, "/fr/membres/"), headers_for(rules, "/admin/index.html")
    assert "'unsafe-eval'" not in page["Content-Security-Policy"]
    assert "'unsafe-eval'" in admin["Content-Security-Policy"]
    assert admin["X-Content-Type-Options"] == page["X-Content-Type-Options"] == "nosniff"
    assert headers_for(rules, "/media/members/x/logo.webp")["Cache-Control"].endswith("immutable")
    assert site_header_rules(tmp_path / "nowhere") == []


def test_problems_of_a_save_that_another_followed_are_not_printed_again() -> None:
    """The background build of an older save finishes after a newer save: its problems
    are not printed again (the newer save's own are printed for it)."""
    import io

    from circlemade_site.serve.problems import Reporter
    out = io.StringIO()
    reporter = Reporter("en", out)
    started = reporter.generation
    reporter.changed()                                  # a save while that build ran
    assert reporter.lines(["members/x/member.yaml:3:1: error"], generation=started) == 0
    assert reporter.lines(["members/x/member.yaml:3:1: error"],
                          generation=reporter.generation) == 1
    assert out.getvalue().count("member.yaml:3:1") == 1
