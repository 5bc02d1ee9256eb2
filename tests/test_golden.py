"""Golden pages: the home page, the directory, one profile and one event in both languages,
compared with tests/golden/ as normalised HTML, so that a template regression shows as a
diff. After an intended change: `pytest tests/test_golden.py --update-golden`, then read
the diff of tests/golden/ before committing it."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import NOW

from circlemade_site import pipeline, urls

GOLDEN = Path(__file__).resolve().parent / "golden"
FINGERPRINT = re.compile(r"(/static/[\w/.-]+?)\.[0-9a-f]{10}(\.\w+)")


def normalise(html: str) -> str:
    """The page re-indented one element per line; fingerprinted theme files named without
    their hash (a CSS edit is not a template regression)."""
    text = BeautifulSoup(html, "html.parser").prettify()
    lines = [line.rstrip() for line in FINGERPRINT.sub(r"\1\2", text).splitlines()]
    return "\n".join(line for line in lines if line.strip()) + "\n"


def golden_pages(root: Path) -> dict[str, str]:
    """Golden file name -> output path of the page, in every language of the site."""
    site = pipeline.load_site(root, pipeline.BuildOptions(
        now=pipeline.dt.date.fromisoformat(NOW))).site
    router = urls.Router(site)
    member = next(m for m in site.members if m.slug == "recable")
    event = next(e for e in site.events if e.name == "formation-achats-publics")
    pages = {}
    for lang in site.config.languages:
        for name, target in (("home", urls.HOME), ("directory", urls.MEMBERS),
                             ("profile", member), ("event", event)):
            pages[f"{name}.{lang}.html"] = router.dest_for(target, lang).as_posix()
    return pages


def test_golden_pages(built_site: Path, sample: Path, request: pytest.FixtureRequest) -> None:
    update = request.config.getoption("--update-golden")
    problems = []
    for name, dest in golden_pages(sample).items():
        page = normalise((built_site / dest).read_text(encoding="utf-8"))
        golden = GOLDEN / name
        if update:
            GOLDEN.mkdir(exist_ok=True)
            golden.write_text(page, encoding="utf-8")
            continue
        expected = golden.read_text(encoding="utf-8") if golden.is_file() else ""
        if page != expected:
            diff = difflib.unified_diff(expected.splitlines(), page.splitlines(),
                                        f"tests/golden/{name}", dest, lineterm="", n=2)
            problems.append("\n".join(list(diff)[:60]))
    assert not problems, ("pages differ from tests/golden/ (run pytest --update-golden if "
                          "intended):\n" + "\n\n".join(problems))


def test_normalise_keeps_what_a_reader_sees_and_drops_fingerprints() -> None:
    page = ('<html><head><link href="/static/css/site.0123456789.css"></head>'
            '<body><p>Réparer <a href="/fr/">ici</a></p></body></html>')
    text = normalise(page)
    assert '/static/css/site.css' in text and "0123456789" not in text
    assert "Réparer" in text and 'href="/fr/"' in text
    assert normalise(page.replace("ici", "là")) != text
