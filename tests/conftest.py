"""Shared fixtures: the test site (tests/fixtures/site/), copies of it to break, and builds.

The tests never read the repository's live content/ and members/: a member's pull request
must not change a test's outcome. tests/fixtures/site/ is a frozen copy of the sample
content; the theme (code, not content) comes from the repository's themes/. Every build
happens in a temporary folder, so the suite never writes the repository's .cache/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from circlemade_site import pipeline

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "tests" / "fixtures" / "site"
NOW = "2026-11-29"


def copy_fixture_site(root: Path) -> Path:
    """The test site in `root`: its content/ and members/, the repository's themes/, and
    its cms/ (Decap CMS's npm package, which the site's `cms:` copies to /admin/), linked."""
    for part in ("content", "members"):
        shutil.copytree(FIXTURE_SITE / part, root / part)
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "cms").symlink_to(REPO / "cms", target_is_directory=True)
    return root


def page_files(site: Path, project: Path) -> list[Path]:
    """The HTML files of a built site that are pages: not those urls.non_page_html
    declares (the CMS at /admin/, newsletters), which have rules of their own."""
    from circlemade_site import urls
    from circlemade_site.load.settings import load_config
    non_pages = urls.non_page_html(load_config(project))
    return sorted(path for path in site.rglob("*.html")
                  if urls.is_page_html(path.relative_to(site).as_posix(), non_pages))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current build instead of comparing")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium is marked `browser`: `pytest -m "not browser"` is
    the fast loop."""
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository, for its code and configuration (build.py, netlify.toml, schemas/),
    never for its content."""
    return REPO


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the test site shared by the session: read it, do not change it."""
    return copy_fixture_site(tmp_path_factory.mktemp("sample") / "project")


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the test site in a temporary folder, with `files` written over it
    (a value of None deletes the file)."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "project"
        if not root.exists():
            copy_fixture_site(root)
        for rel, text in (files or {}).items():
            path = root / rel
            if text is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def built_site(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site, built once for the session."""
    out = tmp_path_factory.mktemp("site") / "public"
    pipeline.build(sample, out, pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW)))
    return out


def fill_in_member(folder: Path) -> Path:
    """What a member does after `circlemade new member`: the example texts (those starting
    with "À compléter" / "In te vullen") and the placeholder logo replaced."""
    import io

    import PIL.Image
    replacements = {"member.yaml": [
        ("À compléter : ce que fait", "Réparation et réemploi :"),
        ("In te vullen: wat", "Herstelling en hergebruik:"),
        ("À compléter : rue et numéro", "Rue Haute 12")],
        "fr.md": [("À compléter : présentez", "Nous présentons")],
        "nl.md": [("In te vullen: stel", "Wij stellen")]}
    for name, pairs in replacements.items():
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    logo = io.BytesIO()
    PIL.Image.new("RGB", (400, 400), "#0b5a45").save(logo, "PNG")
    (folder / "logo.png").write_bytes(logo.getvalue())
    return folder


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m circlemade_site ARGS` in `cwd`, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "circlemade_site", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                               "LANG": "C.UTF-8"})


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright, for the whole session."""
    from browser import CHROMIUM_FLAGS, chromium_path
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site_url(built_site: Path):  # type: ignore[no-untyped-def]
    """The sample site served with netlify.toml's headers (its Content-Security-Policy)."""
    from browser import serve_folder
    with serve_folder(built_site) as url:
        yield url
