"""Who may change what in a pull request: the ownership of member folders.

Read from the **base** commit of the pull request, never from its own files: the team in
content/site.yaml (`team`) and each member folder's `maintainers` (member.yaml). The
changes are `git diff --name-status BASE...HEAD` (renames count at both paths). Logins
compare case-insensitively. The rules:

- a member of the communications team may change anything;
- anyone else may change a member folder only if listed among its maintainers at base;
- may add a new member folder (absent at base) only by listing themselves among its
  maintainers;
- and may change nothing outside a member folder (content, themes, code, workflows,
  netlify.toml, package files...).

The pull request runs its own copy of this checker and of the workflow, so this check is
the members' guide, not the lock: outside members/, branch protection requiring a review
by the code owners (`circlemade owners` writes .github/CODEOWNERS) is what enforces it.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from circlemade_site.config import SITE_FILE
from circlemade_site.errors import ContentError, Diagnostic, Message, UsageError, msg
from circlemade_site.load import yamlio
from circlemade_site.load.members import MEMBER_FILE
from circlemade_site.load.schema import LOGIN_PATTERN

MEMBERS = "members"
LOGIN_RE = re.compile(LOGIN_PATTERN)
REF_RE = re.compile(r"^[A-Za-z0-9_.@/^~{}-]{1,200}$")
GIT_TIMEOUT = 60


@dataclasses.dataclass(frozen=True, slots=True)
class Base:
    """What the base commit says about who may change what."""

    team: frozenset[str]                          # lowercased logins
    maintainers: Mapping[str, frozenset[str]]     # changed member folder at base -> logins
    folders: frozenset[str]                       # every member folder at base


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    path: str              # POSIX, project-relative
    status: str            # A, M, D, R, C, T...


def check_login(login: str) -> str:
    if len(login) > 39 or not LOGIN_RE.match(login):
        raise UsageError(f"{login!r} is not a GitHub login")
    return login


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run git: {exc}") from exc


def resolve_base(root: Path, ref: str) -> str:
    """The commit `ref` names, or UsageError (a ref that looks like an option is refused)."""
    if not REF_RE.match(ref) or ref.startswith("-"):
        raise UsageError(f"{ref!r} is not a git reference")
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(f"git does not know the base {ref!r}; fetch it first "
                         "(actions/checkout with fetch-depth: 0)")
    return found.stdout.decode().strip()


def changes(root: Path, base: str) -> list[Change]:
    """What the pull request changes since it left `base`, both paths of a rename."""
    found = _git(root, "diff", "--name-status", "-z", "--no-renames", f"{base}...HEAD", "--")
    if found.returncode != 0:
        raise UsageError(f"git diff failed: {found.stderr.decode(errors='replace').strip()}")
    fields = found.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    result = []
    for status, path in zip(fields[0::2], fields[1::2]):
        if status:
            result.append(Change(path, status[0]))
    return result


def _show(root: Path, base: str, path: str) -> str | None:
    found = _git(root, "show", f"{base}:{path}")
    if found.returncode != 0:
        return None
    return found.stdout.decode("utf-8", errors="replace")


def _logins(text: str | None, rel_path: str, key: str) -> frozenset[str]:
    """The logins listed under `key` in a YAML file of the base commit (empty when the file
    or the key is missing or unreadable: then only the team may change it)."""
    if text is None:
        return frozenset()
    try:
        data, _ = yamlio.parse(text, rel_path)
    except ContentError:
        return frozenset()
    values = data.get(key) if isinstance(data, dict) else None
    if not isinstance(values, list):
        return frozenset()
    return frozenset(v.casefold() for v in values if isinstance(v, str) and LOGIN_RE.match(v))


def read_base(root: Path, base: str, folders: Iterable[str]) -> Base:
    """The team and the maintainers of `folders` as the base commit has them."""
    team = _logins(_show(root, base, SITE_FILE), SITE_FILE, "team")
    listed = _git(root, "ls-tree", "-d", "--name-only", "-z", f"{base}:{MEMBERS}")
    at_base = set(listed.stdout.decode(errors="replace").split("\0")) if listed.returncode == 0 else set()
    maintainers = {}
    for folder in folders:
        if folder in at_base:
            rel = f"{MEMBERS}/{folder}/{MEMBER_FILE}"
            maintainers[folder] = _logins(_show(root, base, rel), rel, "maintainers")
    return Base(team, maintainers, frozenset(at_base - {""}))


def new_maintainers(root: Path, folders: Iterable[str]) -> dict[str, frozenset[str]]:
    """The maintainers the pull request gives its new member folders (its own files)."""
    found = {}
    for folder in folders:
        path = root / MEMBERS / folder / MEMBER_FILE
        try:
            text = path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError):
            text = None
        found[folder] = _logins(text, f"{MEMBERS}/{folder}/{MEMBER_FILE}", "maintainers")
    return found


def review(root: Path, author: str, ref: str) -> tuple[list[Diagnostic], frozenset[str]]:
    """The ownership problems of the pull request that `author` made from `ref`, and the
    member folders that exist at base (they keep their names against newcomers)."""
    check_login(author)
    base_commit = resolve_base(root, ref)
    changed = changes(root, base_commit)
    folders = {f for change in changed if (f := folder_of(change.path)) is not None}
    base = read_base(root, base_commit, folders)
    added = new_maintainers(root, folders - base.maintainers.keys())
    return problems(author, changed, base, added), base.folders


def codeowners(team: Sequence[str]) -> str:
    """.github/CODEOWNERS: the team owns everything; member folders have no code owner (the
    members' check says who may change them, and the team reviews)."""
    lines = ["# Generated by `circlemade owners` from `team` in content/site.yaml: do not edit.",
             "# With branch protection requiring a code owner's review, nothing outside members/",
             "# changes without the communications team. Member folders have no code owner: the",
             "# members' check (`circlemade check --author --base`) says who may change each one."]
    if team:
        lines.append("* " + " ".join(f"@{login}" for login in team))
    lines.append(f"/{MEMBERS}/")
    return "\n".join(lines) + "\n"


def folder_of(path: str) -> str | None:
    """The member folder a path is in (members/<slug>/...), or None."""
    parts = PurePosixPath(path).parts
    return parts[1] if len(parts) >= 3 and parts[0] == MEMBERS else None


def problems(author: str, changed: Sequence[Change], base: Base,
             new_maintainers: Mapping[str, frozenset[str]]) -> list[Diagnostic]:
    """The ownership errors of a pull request by `author`. `new_maintainers` holds the
    maintainers the pull request gives its new member folders. Pure."""
    login = author.casefold()
    if login in base.team:
        return []
    team = Message.plain(", ".join(sorted(base.team))) if base.team else \
        msg("nobody is listed in `team` in content/site.yaml")
    found = []
    for change in changed:
        folder = folder_of(change.path)
        if folder is None:
            found.append(Diagnostic(
                change.path, msg("only the communications team may change this file ({team})",
                                 team=team),
                hint=msg("a member's pull request changes its own folder members/<slug>/ only")))
        elif folder in base.maintainers:
            owners = base.maintainers[folder]
            if login not in owners:
                who = Message.plain(", ".join(sorted(owners))) if owners else \
                    msg("no maintainer is listed")
                found.append(Diagnostic(
                    change.path, msg("only the maintainers of {folder} may change it ({who}; or "
                                     "the communications team)", folder=f"{MEMBERS}/{folder}",
                                     who=who),
                    hint=msg("ask a maintainer or the team; a pull request cannot add its "
                             "author to the maintainers of another member")))
        elif login not in new_maintainers.get(folder, frozenset()):
            found.append(Diagnostic(
                f"{MEMBERS}/{folder}/{MEMBER_FILE}", msg(
                    "a new member folder lists its author ({author}) among its maintainers",
                    author=author), field="maintainers",
                hint=msg("add `maintainers: [{author}]` to {file}", author=author,
                         file=f"{MEMBERS}/{folder}/{MEMBER_FILE}")))
    return sorted(set(found), key=Diagnostic.sort_key)
