"""`circlemade new event|campaign|news|page NAME`: the team's files in every language, as
drafts whose example texts must be replaced before they are published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import NOW, run_cli

KINDS = {"event": "events", "campaign": "campaigns", "news": "news", "page": "pages"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_writes_a_draft_in_every_language_that_fails_once_published(make_project,
                                                                       kind: str) -> None:
    root = make_project()
    result = run_cli("new", kind, "atelier-portes-ouvertes", "--now", NOW, cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "content" / KINDS[kind]
    files = sorted(folder.glob("atelier-portes-ouvertes.*.md"))
    assert [p.name for p in files] == ["atelier-portes-ouvertes.fr.md",
                                       "atelier-portes-ouvertes.nl.md"]
    assert "À compléter" in files[0].read_text(encoding="utf-8")
    assert "In te vullen" in files[1].read_text(encoding="utf-8")
    # a draft: the preview shows it while it is written, `check` passes, nothing published
    assert run_cli("check", "--now", NOW, cwd=root).returncode == 0
    published = run_cli("build", "--now", NOW, "--drafts", "--out", str(root.parent / "out"),
                        cwd=root)
    assert published.returncode == 1
    rel = f"content/{KINDS[kind]}/atelier-portes-ouvertes.fr.md"
    assert f"{rel}:2:8: error: title: replace the example text with your own (`circlemade " \
           "new` wrote it as an example; check passes once it is replaced)" \
        in published.stderr.splitlines(), published.stderr
    for path in files:          # the team writes the texts and publishes it
        text = path.read_text(encoding="utf-8").replace("draft: true      # remove this line "
                                                        "to publish\n", "")
        text = re.sub(r"(À compléter|In te vullen) ?: ", "", text)
        path.write_text(text, encoding="utf-8")
    done = run_cli("check", "--now", NOW, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr


def test_new_refuses_an_existing_name_or_a_bad_one(make_project) -> None:
    root = make_project()
    existing = next((root / "content" / "events").glob("*.fr.md")).name.split(".")[0]
    taken = run_cli("new", "event", existing, cwd=root)
    assert taken.returncode == 2
    assert taken.stderr == (f"circlemade: error: content/events/{existing}.fr.md already "
                            "exists; choose another name or edit it\n")
    bad = run_cli("new", "page", "Portes ouvertes", cwd=root)
    assert bad.returncode == 2
    assert bad.stderr == ("circlemade: error: 'Portes ouvertes' is not a valid name; use "
                          "lowercase letters, digits and hyphens, for example "
                          "'portes-ouvertes'\n")
    assert not list(Path(root / "content" / "pages").glob("Portes*"))
