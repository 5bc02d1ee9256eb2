"""Errors and diagnostics.

A Diagnostic is one problem a person can fix: the file, the line and column, the field
(a dotted path such as ``contact.email``), what is wrong and a hint with an example.
Stages collect every Diagnostic they find; the pipeline fails once with all of them.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Sequence
from typing import Literal

Severity = Literal["error", "warning"]


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one file. `path` is POSIX and relative to the project root."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.message)

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p)
        text = f"{where}: {self.severity}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def github(self) -> str:
        """The problem as a GitHub Actions workflow command (an annotation on the PR line)."""
        props = [f"file={_gh_property(self.path)}"]
        if self.line:
            props.append(f"line={self.line}")
        if self.column:
            props.append(f"col={self.column}")
        if self.field:
            props.append(f"title={_gh_property(self.field)}")
        message = self.message + (f" ({self.hint})" if self.hint else "")
        return f"::{self.severity} {','.join(props)}::{_gh_data(message)}"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def did_you_mean(word: str, choices: Iterable[str], otherwise: str | None = None) -> str | None:
    """The hint for a misspelt key or name: "did you mean 'repair'?" when one of `choices`
    is close enough (difflib's ratio of at least 0.6), else `otherwise`."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


class SiteError(Exception):
    """A problem the user must fix; the CLI prints it without a traceback and exits 1."""


class UsageError(SiteError):
    """The command line asks for something impossible (exit code 2)."""


class BuildFailed(SiteError):
    """Content has errors: nothing was written."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(diagnostics)
        self.diagnostics = sort_diagnostics(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def __str__(self) -> str:
        count = len(self.errors)
        return f"{count} error{'s' if count != 1 else ''} in the content"


class ContentError(SiteError):
    """A single content problem raised where collecting is not possible (a file that
    cannot even be parsed). It carries its Diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)
        self.diagnostic = diagnostic

    def __str__(self) -> str:
        return str(self.diagnostic)
