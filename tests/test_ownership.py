"""Who may change what in a pull request, read from its base commit: every rule failing
and passing, in a real git repository; the members' workflow as GitHub runs it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli

from circlemade_site.load import ownership

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


def edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.fixture
def repo_site(make_project) -> Path:
    """The test site as a git repository: `main` is the base, where Recâblé is maintained
    by recable-dev and the team is circlemade-equipe; the pull request is a branch."""
    root = make_project()
    edit(root, "members/recable/member.yaml", lambda t: t + "maintainers: [recable-dev]\n")
    (root / ".gitignore").write_text("/.cache/\n/public/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pull-request")
    return root


def pull_request(root: Path, author: str) -> tuple[int, list[str]]:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "change")
    result = run_cli("check", "--author", author, "--base", "main", cwd=root)
    return result.returncode, [line for line in result.stderr.splitlines() if ": error: " in line]


def new_member(root: Path, slug: str, name: str, maintainers: str = "") -> None:
    folder = root / "members" / slug
    folder.mkdir()
    (folder / "member.yaml").write_text(
        f"name: {name}\nkind: company\nmember_since: 2026-11-01\n"
        'tagline: {fr: "Réparation", nl: "Herstelling"}\nactivities: [repair]\n'
        'address: {street: "Rue Haute 1", postal_code: "1000", municipality: Bruxelles}\n'
        + (f"maintainers: [{maintainers}]\n" if maintainers else ""), encoding="utf-8")


def test_a_maintainer_changes_their_folder_in_any_case(repo_site: Path) -> None:
    edit(repo_site, "members/recable/nl.md", lambda t: t + "\nNog een zin.\n")
    assert pull_request(repo_site, "Recable-Dev") == (0, [])        # logins ignore case


def test_someone_else_may_not_change_a_folder(repo_site: Path) -> None:
    edit(repo_site, "members/recable/nl.md", lambda t: t + "\nNog een zin.\n")
    assert pull_request(repo_site, "intrus") == (1, [
        "members/recable/nl.md: error: only the maintainers of members/recable may change it "
        "(recable-dev; or the communications team) (ask a maintainer or the team; a pull "
        "request cannot add its author to the maintainers of another member)"])


def test_a_pull_request_cannot_make_its_author_a_maintainer(repo_site: Path) -> None:
    edit(repo_site, "members/recable/member.yaml",
         lambda t: t.replace("maintainers: [recable-dev]", "maintainers: [recable-dev, intrus]"))
    code, errors = pull_request(repo_site, "intrus")
    assert code == 1 and errors[0].startswith(
        "members/recable/member.yaml: error: only the maintainers of members/recable")


def test_a_folder_without_maintainers_is_the_teams(repo_site: Path) -> None:
    edit(repo_site, "members/maille-reprise/fr.md", lambda t: t + "\nUne phrase.\n")
    assert pull_request(repo_site, "recable-dev")[1] == [
        "members/maille-reprise/fr.md: error: only the maintainers of members/maille-reprise may "
        "change it (no maintainer is listed; or the communications team) (ask a maintainer or "
        "the team; a pull request cannot add its author to the maintainers of another member)"]


def test_a_new_member_lists_its_author(repo_site: Path) -> None:
    new_member(repo_site, "atelier-neuf", "Atelier Neuf", maintainers="quelquun")
    assert pull_request(repo_site, "nouvelle")[1] == [
        "members/atelier-neuf/member.yaml: error: maintainers: a new member folder lists its "
        "author (nouvelle) among its maintainers (add `maintainers: [nouvelle]` to "
        "members/atelier-neuf/member.yaml)"]
    edit(repo_site, "members/atelier-neuf/member.yaml",
         lambda t: t.replace("[quelquun]", "[quelquun, Nouvelle]"))
    assert pull_request(repo_site, "nouvelle") == (0, [])


def test_only_the_team_changes_anything_outside_members(repo_site: Path) -> None:
    edit(repo_site, "content/pages/about.fr.md", lambda t: t + "\nUne phrase.\n")
    (repo_site / "netlify.toml").write_text("[build]\n", encoding="utf-8")
    assert pull_request(repo_site, "recable-dev")[1] == [
        "content/pages/about.fr.md: error: only the communications team may change this file "
        "(circlemade-equipe) (a member's pull request changes its own folder members/<slug>/ only)",
        "netlify.toml: error: only the communications team may change this file "
        "(circlemade-equipe) (a member's pull request changes its own folder members/<slug>/ only)"]
    assert pull_request(repo_site, "Circlemade-Equipe") == (0, [])


def test_the_team_is_read_from_the_base_not_from_the_pull_request(repo_site: Path) -> None:
    edit(repo_site, "content/site.yaml", lambda t: t.replace("team: [circlemade-equipe]",
                                                            "team: [circlemade-equipe, intrus]"))
    edit(repo_site, "members/recable/fr.md", lambda t: t + "\nUne phrase.\n")
    code, errors = pull_request(repo_site, "intrus")
    assert code == 1
    assert [e.split(":")[0] for e in errors] == ["content/site.yaml", "members/recable/fr.md"]


def test_a_name_taken_at_base_stays_with_its_folder(repo_site: Path) -> None:
    """The newcomer claiming an earlier member_since does not take the name."""
    new_member(repo_site, "aaa-recable", "Recâblé", maintainers="nouvelle")
    edit(repo_site, "members/aaa-recable/member.yaml",
         lambda t: t.replace("member_since: 2026-11-01", "member_since: 2001-01-01"))
    code, errors = pull_request(repo_site, "nouvelle")
    assert code == 1 and errors == [
        "members/aaa-recable/member.yaml:1:7: error: name: the name 'Recâblé' is already used by "
        "members/recable (each member has its own name; if this is your organisation, edit "
        "that folder)"]


@pytest.mark.parametrize(("args", "message"), [
    (["--author", "x", "--base=--output=/tmp/x"], "is not a git reference"),
    (["--author", "x", "--base", "no-such-branch"], "git does not know the base"),
    (["--author", "not a login", "--base", "main"], "is not a GitHub login"),
    (["--author", "x"], "--author and --base go together"),
])
def test_bad_ownership_arguments_are_usage_errors(repo_site: Path, args: list[str], message: str) -> None:
    result = run_cli("check", *args, cwd=repo_site)
    assert result.returncode == 2 and message in result.stderr


def test_maintainers_are_never_published(repo_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run_cli("build", "--out", str(out), "--now", "2026-11-29", cwd=repo_site).returncode == 0
    for path in out.rglob("*"):
        if path.is_file() and not path.is_relative_to(out / "pagefind"):
            assert b"recable-dev" not in path.read_bytes(), path


def test_the_rules_are_a_pure_function() -> None:
    base = ownership.Base(frozenset({"team"}), {"a": frozenset({"ann"})}, frozenset({"a", "b"}))
    changed = [ownership.Change("members/a/member.yaml", "M"), ownership.Change("members/c/fr.md", "A")]
    assert ownership.problems("ann", changed, base, {"c": frozenset({"ann"})}) == []
    assert [d.path for d in ownership.problems("bob", changed, base, {"c": frozenset()})] == [
        "members/a/member.yaml", "members/c/member.yaml"]
    assert ownership.problems("TEAM", changed, base, {}) == []


def test_codeowners_gives_everything_but_member_folders_to_the_team(make_project) -> None:
    root = make_project()
    assert run_cli("owners", "--check", cwd=root).returncode == 1
    assert run_cli("owners", cwd=root).returncode == 0
    lines = (root / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["* @circlemade-equipe", "/members/"]
    assert run_cli("owners", "--check", cwd=root).returncode == 0


def test_the_members_workflow_is_pinned_and_never_interpolates_the_event() -> None:
    text = (REPO / ".github" / "workflows" / "members.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert list(workflow[True]) == ["pull_request", "push"]           # every pull request
    assert workflow[True]["pull_request"] is None                     # whatever paths it touches
    steps = workflow["jobs"]["check"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False and checkout["with"]["fetch-depth"] == 0
    for step in steps:
        assert "${{" not in step.get("run", ""), step["run"]
    check = next(s for s in steps if "--author" in s.get("run", ""))
    assert check["env"] == {"AUTHOR": "${{ github.event.pull_request.user.login }}",
                            "BASE": "${{ github.event.pull_request.base.sha }}"}
