"""Errors and diagnostics.

A Diagnostic is one problem a person can fix: the file, the line and column, the field
(a dotted path such as ``contact.email``), what is wrong and a hint with an example.
Stages collect every Diagnostic they find; the pipeline fails once with all of them.

Messages are written in English as `msg("{value!r} is not a valid phone number",
value=...)`: a `Message` is the English text (it is a `str`, so code and tests read it as
before) that keeps its template and parameters, and `Diagnostic.render(lang)` translates
it when it is printed, from the gettext catalogues in `circlemade_site/locale/` (managed
with Babel: `make messages` extracts, updates and compiles them; see CONTRIBUTING.md). An
`example(...)` inside a message is shown in the language of the file the problem is in
(`fr.md`, `about.nl.md`), else in the reader's language. Field names are never translated.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import gettext
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Self

Severity = Literal["error", "warning"]
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "circlemade"
MESSAGE_LANGUAGES = ("en", "fr", "nl")      # English is the source; fr and nl are catalogues
ANNOTATION_LANGUAGES = ("fr", "nl")         # --format github prints both, one per line


class Message(str):
    """An English message that can be shown in another language.

    `template` is the gettext id (a `str.format` template with named fields, `{{` for a
    brace); `params` fill it. A parameter that is itself a Message is translated too; an `Example` is
    translated into the example language of the diagnostic.
    """

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Self:
        self = super().__new__(cls, _fill(template, template, params))
        self.template = template
        self.params = params
        return self

    @classmethod
    def plain(cls, text: str) -> Self:
        """Text that is not a template (a library's own words, a list of names)."""
        return cls(text.replace("{", "{{").replace("}", "}}"))

    def render(self, lang: str = "en", example_lang: str | None = None) -> str:
        shown = example_lang or lang if isinstance(self, Example) else lang
        values = {name: value.render(lang, example_lang) if isinstance(value, Message) else value
                  for name, value in self.params.items()}
        return _fill(_translate(shown, self.template), self.template, values)


class Example(Message):
    """An example in a message (a line of YAML, a title): shown in the file's language."""


class Named(Message):
    """A name that has its own form in each language (a commune: Saint-Gilles, Sint-Gillis);
    English shows `default`."""

    names: Mapping[str, str]

    def __new__(cls, names: Mapping[str, str], default: str) -> Self:
        self = super().__new__(cls, default.replace("{", "{{").replace("}", "}}"))
        self.names = dict(names)
        return self

    def render(self, lang: str = "en", example_lang: str | None = None) -> str:
        return self.names.get(lang, str(self))


def msg(template: str, /, **params: Any) -> Message:
    """A translatable message; `pybabel extract -k msg` finds the template."""
    return Message(template, **params)


def example(text: str, /, **params: Any) -> Example:
    """An example, translated into the language of the file (or of the reader)."""
    return Example(text, **params)


def N_(template: str) -> str:
    """Marks a template kept in a table for extraction; `msg()` translates it when used."""
    return template


def _fill(template: str, fallback: str, params: Mapping[str, Any]) -> str:
    """The template filled in (`{{` is a brace); the English one if a translation breaks."""
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):   # a translation gone wrong
        return fallback.format(**params)


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def translate(lang: str, template: str) -> str:
    """A template in `lang` (itself where the catalogue has no translation)."""
    return _catalog(lang).gettext(template)


_translate = translate


def tr(lang: str, text: str | Message) -> str:
    """`text` in `lang` (a Message translated; a plain string as it is)."""
    return text.render(lang) if isinstance(text, Message) else text


def reader_language(asked: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of the messages: `--lang`, else the first of LC_ALL, LC_MESSAGES, LANG
    that names one of ours (nl_BE.UTF-8 -> nl), else English."""
    if asked:
        return asked
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        lang = re.split(r"[_.@-]", env.get(name, ""), maxsplit=1)[0].lower()
        if lang in MESSAGE_LANGUAGES:
            return lang
    return "en"


_FILE_LANG = re.compile(r"(?:^|[/.])([a-z]{2,3})\.md$")


def file_language(path: str) -> str | None:
    """The language a file is written in, from its name: members/x/nl.md, about.fr.md."""
    match = _FILE_LANG.search(path)
    return match[1] if match and match[1] in MESSAGE_LANGUAGES else None


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
    # a problem that causes others in its file (it cannot be parsed, a key is unknown):
    # listed before them, whatever its line
    root_cause: bool = dataclasses.field(default=False, compare=False)

    def sort_key(self) -> tuple[str, bool, int, int, str]:
        """Files in path order; within a file, what causes other problems first (the
        file cannot be read, an unknown field), then by line and column."""
        return (self.path, not self.root_cause, self.line or 0, self.column or 0, self.message)

    def prefix(self) -> str:
        """`path:line:col: error: field: `, the same in every language (tools read it)."""
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p)
        text = f"{where}: {self.severity}: "
        return text + (f"{self.field}: " if self.field else "")

    def text(self, lang: str = "en") -> str:
        """The message and its hint in `lang`, without the prefix."""
        example_lang = file_language(self.path)
        text = _render(self.message, lang, example_lang)
        if self.hint:
            text += f" ({_render(self.hint, lang, example_lang)})"
        return text

    def render(self, lang: str = "en") -> str:
        """The line printed on a terminal: control and bidi characters of file names, keys
        or values are shown escaped (``\\x1b``, ``\\n``), never sent to the terminal."""
        return escape_controls(self.prefix() + self.text(lang))

    def __str__(self) -> str:
        return self.render("en")

    def github(self, languages: Sequence[str] = ANNOTATION_LANGUAGES) -> str:
        """The problem as a GitHub Actions workflow command (an annotation on the PR line),
        one line per language (FR: ..., NL: ...)."""
        props = [f"file={_gh_property(escape_controls(self.path))}"]
        if self.line:
            props.append(f"line={self.line}")
        if self.column:
            props.append(f"col={self.column}")
        if self.field:
            props.append(f"title={_gh_property(escape_controls(self.field))}")
        message = "\n".join(f"{lang.upper()}: {escape_controls(self.text(lang))}"
                            for lang in languages)
        return f"::{self.severity} {','.join(props)}::{_gh_data(message)}"


def escape_controls(text: str) -> str:
    """`text` with every control, format (bidi, zero-width) and line-separator character
    written as a Python escape, so that a hostile name cannot drive a terminal or a log."""
    return "".join(ch if unicodedata.category(ch) not in _UNPRINTABLE
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)


_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def _render(text: str, lang: str, example_lang: str | None) -> str:
    return text.render(lang, example_lang) if isinstance(text, Message) else text


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def did_you_mean(word: str, choices: Iterable[str],
                 otherwise: Message | None = None) -> Message | None:
    """The hint for a misspelt key or name: "did you mean 'repair'?" when one of `choices`
    is close enough (difflib's ratio of at least 0.6), else `otherwise`."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return msg("did you mean {close!r}?", close=close[0]) if close else otherwise


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


class SiteError(Exception):
    """A problem the user must fix; the CLI prints it without a traceback and exits 1."""


class UsageError(SiteError):
    """The command line asks for something impossible (exit code 2)."""


class OutputFailed(SiteError):
    """The build could not read or write a file (a full disk, a read-only or vanished
    folder, a permission): one line says what and why, and that the previous site is
    untouched (it is: nothing replaces it before the last step)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class BuildFailed(SiteError):
    """Content has errors: nothing was written."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(diagnostics)
        self.diagnostics = sort_diagnostics(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def summary(self, lang: str = "en") -> str:
        count = len(self.errors)
        return _catalog(lang).ngettext("{count} error in the content",
                                       "{count} errors in the content", count).format(count=count)

    def __str__(self) -> str:
        return self.summary("en")


class ContentError(SiteError):
    """A single content problem raised where collecting is not possible (a file that
    cannot even be parsed). It carries its Diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)
        self.diagnostic = diagnostic

    def __str__(self) -> str:
        return str(self.diagnostic)
