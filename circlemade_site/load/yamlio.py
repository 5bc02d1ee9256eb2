"""YAML text -> (data, positions), safely.

Only the YAML that people write by hand is accepted: plain mappings, lists and scalars.
Anchors and aliases, custom tags and duplicate keys are refused with the line they are on,
so that a file cannot expand into gigabytes or silently lose a value. Every value keeps the
line and column it came from, for error messages.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import yaml

from circlemade_site.errors import N_, ContentError, Diagnostic, Message, example, msg

try:  # the C loader is ten times faster; the pure-Python one behaves the same
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_DEPTH = 32
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

FieldPath = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Positions:
    """Where each key and value of a document starts: (line, column), both 1-based."""

    keys: Mapping[FieldPath, tuple[int, int]]
    values: Mapping[FieldPath, tuple[int, int]]

    def of_value(self, path: FieldPath) -> tuple[int, int]:
        """The value at `path`, else its nearest ancestor that has a position."""
        for i in range(len(path), -1, -1):
            if (pos := self.values.get(path[:i])) is not None:
                return pos
        return (1, 1)

    def of_key(self, path: FieldPath) -> tuple[int, int]:
        """The key that introduces `path`, else the position of its value."""
        return self.keys.get(path) or self.of_value(path)


def decode(raw: bytes, rel_path: str) -> str:
    """Bytes -> text: UTF-8 (a byte order mark is allowed), newlines normalised to LF."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError(Diagnostic(
            rel_path, msg("the file is not valid UTF-8 text"), line, column,
            hint=msg("save it as UTF-8 in your editor"), root_cause=True)) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str, rel_path: str, first_line: int = 1) -> tuple[Any, Positions]:
    """Parse one YAML document (see `_parse`); what stops it is listed first in its file."""
    try:
        return _parse(text, rel_path, first_line)
    except ContentError as exc:
        raise ContentError(dataclasses.replace(exc.diagnostic, root_cause=True)) from exc


def _parse(text: str, rel_path: str, first_line: int = 1) -> tuple[Any, Positions]:
    """Parse one YAML document. `first_line` is the file line where `text` starts
    (front matter starts on line 2). Raises ContentError for a document that cannot be read;
    problems inside it that leave it readable raise the first of them too: a YAML file
    is fixed top to bottom, and everything after a broken line is unreliable anyway."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _marked_error(exc, text, rel_path, offset) from exc
        except yaml.YAMLError as exc:
            raise ContentError(Diagnostic(rel_path, msg("cannot read YAML: {reason}",
                                                        reason=str(exc)), first_line)) from exc
        if node is None:
            return None, Positions({}, {})
        keys: dict[FieldPath, tuple[int, int]] = {}
        values: dict[FieldPath, tuple[int, int]] = {}
        _walk(node, (), keys, values, set(), loader, rel_path, offset)
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            raise _marked_error(exc, text, rel_path, offset) from exc
        return data, Positions(keys, values)
    finally:
        loader.dispose()


def _pos(node: yaml.Node, offset: int) -> tuple[int, int]:
    return node.start_mark.line + 1 + offset, node.start_mark.column + 1


def _walk(node: yaml.Node, path: FieldPath, keys: dict, values: dict, seen: set[int],
          loader: Any, rel_path: str, offset: int) -> None:
    line, column = _pos(node, offset)
    field = _dotted(path)
    if id(node) in seen:
        # the alias itself has no node of its own: point at the key or list that uses it
        line, column = keys.get(path) or values.get(path[:-1]) or (line, column)
        raise ContentError(Diagnostic(
            rel_path, msg("anchors and aliases (&name, *name) are not allowed"), line, column,
            field, hint=msg("write the value out in full")))
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise ContentError(Diagnostic(rel_path, msg("the document is nested too deeply"), line,
                                      column, field))
    values[path] = (line, column)
    if isinstance(node, yaml.MappingNode):
        found: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key_pos = _pos(key_node, offset)
            if not isinstance(key_node, yaml.ScalarNode):
                raise ContentError(Diagnostic(
                    rel_path, msg("a key must be a plain word"), *key_pos, field,
                    hint=msg("for example {example}", example="`name: Atelier Exemple`")))
            key = key_node.value
            if key == "<<":
                raise ContentError(Diagnostic(
                    rel_path, msg("merge keys (<<) are not allowed"), *key_pos, field,
                    hint=msg("write the keys out in full")))
            if key in found:
                first = found[key][0]
                raise ContentError(Diagnostic(
                    rel_path, msg("duplicate key {key!r} (first on line {first})", key=key,
                                  first=first), *key_pos, _dotted((*path, key)),
                    hint=msg("keep one of them; YAML would silently drop the first")))
            found[key] = key_pos
            keys[(*path, key)] = key_pos
            _walk(value_node, (*path, key), keys, values, seen, loader, rel_path, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), keys, values, seen, loader, rel_path, offset)
    elif node.tag == TIMESTAMP_TAG:
        try:
            loader.construct_object(node)
        except (ValueError, OverflowError) as exc:
            raise ContentError(Diagnostic(
                rel_path, msg("{value!r} is not a valid date", value=node.value), line, column,
                field, hint=msg("write dates as YYYY-MM-DD, for example 2018-05-24"))) from exc


def _marked_error(exc: yaml.MarkedYAMLError, text: str, rel_path: str,
                  offset: int) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    opened = unclosed_quote(text)
    if opened is not None and (mark is None or opened[0] <= mark.line):
        # a quote left open runs on to the next quote of the file and the parser gives up
        # somewhere below: the cause is the line where it opens
        return ContentError(Diagnostic(
            rel_path, msg("invalid YAML: this quote is never closed"), opened[0] + 1 + offset,
            opened[1] + 1, hint=msg("end the text with the same quote on its line, for example "
                                    "`{example}`", example=example('tagline: "Réparer, réemployer"')),
            root_cause=True))
    return _parser_error(exc, text, rel_path, offset)


# a value that opens with a quote: `key: "...`, `- '...`, `key: - "...`
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)*(?:[^\s#'"\[{][^#]*?:\s+)?(?:-\s+)*(["'])""")


def unclosed_quote(text: str) -> tuple[int, int] | None:
    """The first line (0-based, with the column of the quote) where a value opens with a
    quote that is not closed on the same line. YAML lets a quoted text run over several
    lines, but nobody writes member.yaml that way on purpose: when the file does not
    parse, this is nearly always the cause."""
    for number, line in enumerate(text.split("\n")):
        match = _QUOTED_VALUE.match(line)
        if match is None:
            continue
        quote, rest = match[1], line[match.end():]
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else \
            re.search(r"'(?!')", rest.replace("''", ""))
        if closed is None:
            return number, match.start(1)
    return None


def _parser_error(exc: yaml.MarkedYAMLError, text: str, rel_path: str,
                  offset: int) -> ContentError:
    raw_problem = exc.problem or exc.context or "invalid YAML"
    problem: Message = msg(_PROBLEMS[raw_problem]) if raw_problem in _PROBLEMS \
        else Message.plain(raw_problem)          # PyYAML's own words, for the rarer ones
    mark = exc.problem_mark or exc.context_mark
    hint: Message | None = None
    content_lines = text.rstrip().split("\n")
    at_end = mark is not None and (mark.line >= len(content_lines) or (
        mark.line == len(content_lines) - 1 and mark.column >= len(content_lines[-1])))
    if exc.context and exc.context_mark and at_end:
        # the parser noticed at the end of the text: what matters is where it was opened
        mark = exc.context_mark
        opened = next((name for key, name in _UNCLOSED.items() if key in exc.context), None)
        if opened:
            problem, hint = msg(opened[0]), msg("close it on the same value")
    elif exc.context and exc.context_mark and exc.context_mark.line != (mark.line if mark else -1):
        opened = next((name for key, name in _UNCLOSED.items() if key in exc.context), None)
        if opened:
            hint = msg(opened[1], line=exc.context_mark.line + 1 + offset)
    line = mark.line + 1 + offset if mark else None
    column = mark.column + 1 if mark else None
    lines = text.split("\n")
    bad_line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in bad_line[:(mark.column + 1) if mark else 0]:
        hint = msg("indent with spaces, not tabs")
    if "another document" in raw_problem:
        problem = msg("only one YAML document is allowed here (a line --- starts a second one)")
    elif "could not determine a constructor" in raw_problem:
        problem = msg("custom YAML tags (!tag) are not allowed")
        hint = msg("remove the tag; plain text, numbers, dates, lists and mappings are enough")
    elif "mapping values are not allowed" in raw_problem:
        hint = msg("a value that contains ': ' must be quoted, for example {example}",
                   example=example('title: "Réparer : mode d\'emploi"'))
    return ContentError(Diagnostic(rel_path, msg("invalid YAML: {problem}", problem=problem),
                                   line, column, hint=hint))


# what was opened, in PyYAML's words -> (the problem, the hint)
_UNCLOSED = {
    "quoted scalar": (N_("a quoted text that is never closed"),
                      N_("check the quoted text opened on line {line}")),
    "flow sequence": (N_("a list [ ] that is never closed"),
                      N_("check the list [ ] opened on line {line}")),
    "flow mapping": (N_("a mapping {{ }} that is never closed"),
                     N_("check the mapping {{ }} opened on line {line}")),
}
# PyYAML's most frequent problems, in words a member can translate
_PROBLEMS = {
    "mapping values are not allowed here": N_("a colon followed by a space is not allowed here"),
    "could not find expected ':'": N_("a line without `key: value` where one was expected"),
    "found character '\\t' that cannot start any token": N_("a tab character"),
    "found unexpected end of stream": N_("the file ends in the middle of a value"),
    "found undefined alias": N_("anchors and aliases (&name, *name) are not allowed"),
}


def _dotted(path: FieldPath) -> str | None:
    if not path:
        return None
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


dotted = _dotted
