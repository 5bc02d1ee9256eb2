"""Decap CMS at /admin/, driven in Chromium: decap-server (its local backend) writes into a
temporary copy of the project, the built site serves /admin/ with netlify.toml's headers,
an editor creates an event in French and Dutch through the form, and the files written
pass `circlemade check` and appear in the rebuilt agenda."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import serve_folder
from conftest import NOW, REPO, run_cli
from playwright.sync_api import expect

from circlemade_site import cms, pipeline


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def decap_server(make_project, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """decap-server on a free port, writing into a copy of the test project."""
    root = make_project()
    server = REPO / cms.SERVER
    if not server.exists():
        raise RuntimeError(f"run `{cms.INSTALL}` (make test does it)")
    port = free_port()
    log = (tmp_path / "decap-server.log").open("w+", encoding="utf-8")
    process = subprocess.Popen([str(server)], cwd=root, stdout=log, stderr=subprocess.STDOUT,
                               env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MODE": "fs",
                                    "GIT_REPO_DIRECTORY": str(root), "PORT": str(port)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(url + "/api/v1", data=b'{"action":"info"}',
                                                 headers={"Content-Type": "application/json"})
                urllib.request.urlopen(request, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"decap-server did not start: {log.read()}") from None
                time.sleep(0.3)
        yield root, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def build(root: Path, out: Path, local: str | None) -> None:
    pipeline.build(root, out, pipeline.BuildOptions(now=dt.date.fromisoformat(NOW), search=False,
                                                    cms_local=local))


def open_cms(browser, url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Brussels", locale="fr-BE")
    page = context.new_page()
    problems: list[str] = []
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    page.on("console", lambda m: problems.append(m.text) if "CSP violation" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"{e}: {e.stack}"))
    page.goto(url + "/admin/")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Agenda").first.wait_for()
    return page, problems


def cms_said(page) -> str:  # type: ignore[no-untyped-def]
    """What the CMS shows of a save that did not happen: its notifications and the fields it
    marks as wrong."""
    notes = page.locator('[class*="toast"], [role="alert"], [class*="ControlErrors"] li')
    return " | ".join(notes.all_inner_texts())


def decap_log(tmp_path: Path) -> str:
    return (tmp_path / "decap-server.log").read_text(encoding="utf-8")[-2000:]


def choose(field, label: str) -> None:  # type: ignore[no-untyped-def]
    """Picks an option of a Decap select (a react-select combobox) by typing its label and
    pressing Enter, then reads the choice back. A click on the option can miss on a busy
    machine (the menu scrolls itself into view as it opens), so the choice is tried again."""
    shown = field.locator("xpath=../..")
    for attempt in range(3):
        field.click()
        field.press_sequentially(label)
        field.press("Enter")
        try:
            expect(shown).to_contain_text(label, timeout=5000)
            return
        except AssertionError:
            if attempt == 2:
                raise
            field.press("Escape")


def test_an_event_written_in_the_cms_passes_check_and_is_in_the_agenda(
        browser, decap_server, tmp_path: Path) -> None:
    root, api = decap_server
    out = tmp_path / "public"
    out.mkdir()
    with serve_folder(out, proxy={cms.LOCAL_API: api}) as url:
        build(root, out, url)
        page, problems = open_cms(browser, url)
        page.goto(url + "/admin/#/collections/events/new")
        # Decap numbers its fields' ids in the order of the form: French pane, then Dutch
        first, second = page.locator('[id^="title-field-"]').nth(0), page.locator(
            '[id^="title-field-"]').nth(1)
        first.wait_for()
        # the new entry's draft is made once the backend has answered (its media files): a
        # field filled before that would be emptied again
        page.wait_for_load_state("networkidle")
        first.fill("Atelier : réparer les chaises de bureau")
        page.locator('[id^="summary-field-"]').nth(0).fill(
            "Un atelier pratique pour apprendre à réparer le mobilier.")
        second.fill("Workshop: bureaustoelen herstellen")
        page.locator('[id^="summary-field-"]').nth(1).fill(
            "Een praktische workshop om meubilair te herstellen.")
        choose(page.locator('[id^="type-field-"]').first, "Formation / Opleiding")
        page.locator('[id^="start-field-"]').first.fill("2027-03-11T09:30")
        page.locator('[id^="end-field-"]').first.fill("2027-03-11T12:30")
        # the venue's name and municipality: a text per language (the first pane's French)
        french = page.locator('input[id^="fr-field-"]:visible')
        french.first.fill("Recyclerie de l'Ouest")
        page.locator('[id^="postal_code-field-"]').first.fill("1080")
        french.last.fill("Molenbeek-Saint-Jean")
        # each body is typed into its own editor, focused first, and read back: on a busy
        # machine, keys typed before the editor has the focus would go nowhere
        editors = page.locator("[data-slate-editor]")
        for editor, text in ((editors.nth(0), "Apportez une chaise à réparer : nos artisans "
                                               "vous montrent comment."),
                             (editors.nth(1), "Breng een stoel mee: onze vakmensen tonen u hoe.")):
            editor.press_sequentially(text)
            expect(editor).to_contain_text(text)
        # and every required field is read back before publishing (Decap refuses, with a
        # rejected promise and a toast, an entry whose required field is empty)
        for field, value in ((first, "Atelier : réparer les chaises de bureau"),
                             (second, "Workshop: bureaustoelen herstellen"),
                             (page.locator('[id^="start-field-"]').first, "2027-03-11T09:30"),
                             (page.locator('[id^="end-field-"]').first, "2027-03-11T12:30"),
                             (french.first, "Recyclerie de l'Ouest"),
                             (page.locator('[id^="postal_code-field-"]').first, "1080"),
                             (french.last, "Molenbeek-Saint-Jean")):
            expect(field).to_have_value(value)
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "cms-event.png"))
        page.get_by_role("button", name="Publier").first.click()
        page.get_by_text("Publier maintenant").click()
        written = root / "content" / "events"
        deadline = time.monotonic() + 60
        while not list(written.glob("atelier-*.nl.md")) and time.monotonic() < deadline:
            time.sleep(0.3)
        files = sorted(p.name for p in written.glob("atelier-*"))
        if not files:
            page.screenshot(path=str(tmp_path / "cms-event-published.png"), full_page=True)
        assert files, (problems, cms_said(page), decap_log(tmp_path))
        assert problems == []
    checked = run_cli("check", "--now", NOW, cwd=root)
    assert checked.returncode == 0, checked.stderr
    build(root, out, None)
    agenda = (out / "fr" / "agenda" / "index.html").read_text(encoding="utf-8")
    assert "Atelier : réparer les chaises de bureau" in agenda
    assert "Workshop: bureaustoelen herstellen" in (out / "nl" / "agenda" / "index.html").read_text(
        encoding="utf-8")


def test_a_member_edited_in_the_cms_stays_valid(browser, decap_server, tmp_path: Path) -> None:
    """Decap rewrites member.yaml without its comments (the editor's schema line) and in its
    own style; check accepts it, and the change is published."""
    root, api = decap_server
    out = tmp_path / "public"
    out.mkdir()
    member = root / "members" / "recable" / "member.yaml"
    with serve_folder(out, proxy={cms.LOCAL_API: api}) as url:
        build(root, out, url)
        page, problems = open_cms(browser, url)
        page.goto(url + "/admin/#/collections/members/entries/recable/member")
        tagline = page.locator("#fr-field-6")
        tagline.wait_for()
        page.screenshot(path=str(tmp_path / "cms-member.png"))
        # the preview pane is styled by the site's own style sheet (preview.js)
        styles = page.frame_locator("iframe").first.locator("link[rel=stylesheet]")
        styles.first.wait_for(state="attached")
        assert "/static/css/site." in styles.first.get_attribute("href")
        tagline.fill("Ordinateurs et smartphones reconditionnés, garantis deux ans.")
        page.get_by_role("button", name="Publier").first.click()
        page.get_by_text("Publier maintenant").click()
        deadline = time.monotonic() + 60
        while "garantis deux ans." not in member.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, (problems, cms_said(page), decap_log(tmp_path))
            time.sleep(0.3)
        assert problems == []
    text = member.read_text(encoding="utf-8")
    assert "yaml-language-server" not in text       # Decap drops comments
    checked = run_cli("check", "--now", NOW, cwd=root)
    assert checked.returncode == 0, checked.stderr + text
    build(root, out, None)
    assert "garantis deux ans." in (out / "fr" / "membres" / "recable" / "index.html").read_text(
        encoding="utf-8")
