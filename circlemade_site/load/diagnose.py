"""pydantic's validation errors -> Diagnostics a member can act on: the file, the line and
column of the value (from yamlio.Positions), the dotted field, a message in plain words,
and a hint with an example taken from the schema."""

from __future__ import annotations

import datetime
import difflib
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

from circlemade_site.errors import N_, Diagnostic, Example, Message, did_you_mean, msg
from circlemade_site.load.schema import LANG_PATTERN, PATTERN_NAMES
from circlemade_site.load.yamlio import FieldPath, Positions, dotted
from circlemade_site.slugs import SLUG_PATTERN

M = TypeVar("M", bound=BaseModel)
# what the loader of a format knows better than pydantic about a text value it refused
# (a label where a vocabulary key goes): (message, hint), or None for pydantic's words
Explain = Callable[[FieldPath, str], tuple[Message, Message | None] | None]


def validate(model: type[M], data: Any, positions: Positions, rel_path: str,
             diagnostics: list[Diagnostic], explain: Explain | None = None) -> M | None:
    """`data` as an instance of `model`, or None with the problems appended. `explain`
    may replace the message of a text value that was refused."""
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(
            rel_path, msg("expected a mapping of fields, found {got}", got=type_name(data)),
            *positions.of_value(()), hint=msg("start with a line such as `{key}: ...`",
                                              key=next(iter(model.model_fields)))))
        return None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False)
        meant = _meant_fields(model, errors)
        for error in errors:
            if error["type"] == "missing" and _plain_loc(error["loc"]) in meant:
                continue      # its misspelling is reported, with the right name as its hint
            diagnostics.append(_diagnostic(model, error, positions, rel_path, explain))
        return None


def _plain_loc(loc: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(part for part in loc if not _is_union_tag(part))


def _meant_fields(model: type[BaseModel], errors: Sequence[Any]) -> set[tuple[Any, ...]]:
    """The required fields a misspelt key stood for (`nmae:` for `name`): a member who
    typed the field is told it is unknown, not also that the field it meant is missing."""
    meant = set()
    for error in errors:
        if error["type"] != "extra_forbidden" or not error["loc"]:
            continue
        *parent, key = _plain_loc(error["loc"][:-1]) + (error["loc"][-1],)
        known = _known_fields(model, parent)
        close = difflib.get_close_matches(str(key), known, n=1)
        if close:
            meant.add((*parent, close[0]))
    return meant


_TYPE_NAMES = {dict: N_("a mapping"), list: N_("a list"), str: N_("text"),
               bool: N_("true/false"), int: N_("a number"), float: N_("a number"),
               type(None): N_("nothing"), datetime.date: N_("a date")}


def type_name(value: Any) -> Message:
    """What a value is, in words ("a list"), translatable."""
    name = _TYPE_NAMES.get(type(value))
    return msg(name) if name else Message.plain(type(value).__name__)


def _diagnostic(model: type[BaseModel], error: Any, positions: Positions,
                rel_path: str, explain: Explain | None = None) -> Diagnostic:
    kind = error["type"]
    raw_loc = tuple(error["loc"])
    # the last element of an unknown-field error is the member's own key, whatever it says
    keep_last = kind == "extra_forbidden" and raw_loc
    loc: FieldPath = tuple(part for part in (raw_loc[:-1] if keep_last else raw_loc)
                           if not _is_union_tag(part)) + ((raw_loc[-1],) if keep_last else ())
    field = dotted(loc)
    hint = _example_hint(model, loc)
    if kind == "missing":
        message = msg(REQUIRED)
        line, column = positions.of_value(loc[:-1])
        field = dotted(loc)
    elif kind == "extra_forbidden":
        line, column = positions.of_key(loc)
        known = _known_fields(model, loc[:-1])
        message = msg("unknown field {key!r}", key=loc[-1])
        hint = did_you_mean(str(loc[-1]), known, msg("expected one of: {choices}",
                            choices=", ".join(sorted(known))) if known else hint)
    elif kind == "circlemade":
        line, column = positions.of_value(loc)
        message, hint = error["ctx"]["message"], error["ctx"]["hint"] or hint
    else:
        line, column = positions.of_value(loc)
        message = _message(kind, error)
        value = error.get("input")
        if explain is not None and isinstance(value, str) and \
                (explained := explain(loc, value)) is not None:
            message, hint = explained[0], explained[1] or hint
    return Diagnostic(rel_path, message, line, column, field, hint,
                      root_cause=kind == "extra_forbidden")


def _is_union_tag(part: object) -> bool:
    # pydantic names the branch of a union in `loc` (for example 'str' or 'function-after');
    # these are not field names.
    return isinstance(part, str) and (part in {"str", "int", "bool", "list", "dict", "none"} or "[" in part or part.startswith(("function-", "constrained-")))


REQUIRED = N_("this field is required")
NOT_A_SLUG = N_("{value!r} is not a valid slug: use lowercase letters a-z, digits and single "
                "hyphens")
MISSING_LANGUAGE = N_("missing the default language {lang!r}")
MISSING_LANGUAGE_HINT = N_("for example `{field}: {{{lang}: ...}}`")
IS_NOT = N_("{value!r} is not {expected}")
EXAMPLE_HINT = N_("for example `{key}: {value}`")
NOT_IN_FORM = N_("{value!r} is not in the expected form")
_MESSAGES = {
    "string_type": N_("expected text, found {got}"),
    "bool_parsing": N_("expected true or false, found {input!r}"),
    "bool_type": N_("expected true or false, found {got}"),
    "list_type": N_("expected a list, found {got}"),
    "dict_type": N_("expected a mapping (key: value lines), found {got}"),
    "model_type": N_("expected a mapping (key: value lines), found {got}"),
    "model_attributes_type": N_("expected a mapping (key: value lines), found {got}"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long ({length} characters, at most {max_length})"),
    "too_short": N_("needs at least {min_length} item(s)"),
    "too_long": N_("has too many items (at most {max_length})"),
    "date_type": N_("expected a date (YYYY-MM-DD), found {got}"),
    "date_from_datetime_parsing": N_("expected a date (YYYY-MM-DD), found {input!r}"),
    "date_parsing": N_("expected a date (YYYY-MM-DD), found {input!r}"),
    "int_type": N_("expected a whole number, found {got}"),
    "int_parsing": N_("expected a whole number, found {input!r}"),
    "float_type": N_("expected a number, found {got}"),
    "float_parsing": N_("expected a number, found {input!r}"),
    "int_from_float": N_("expected a whole number, found {input!r}"),
    "greater_than": N_("must be more than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "literal_error": N_("{input!r} is not one of: {expected}"),
}


def _message(kind: str, error: Any) -> Message:
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == SLUG_PATTERN:
            return msg(NOT_A_SLUG, value=value)
        if pattern == LANG_PATTERN:
            return msg("{value!r} is not a language code: use two lowercase letters such as "
                       "'fr'", value=value)
        expected = PATTERN_NAMES.get(pattern)
        return msg(IS_NOT, value=value, expected=msg(expected)) if expected else \
            msg(NOT_IN_FORM, value=value)
    template = _MESSAGES.get(kind)
    if template is None:   # a rule of pydantic's we have no words for: its own English
        return Message.plain(str(error.get("msg", "invalid value")).removeprefix("Value error, "))
    length = len(value) if isinstance(value, (str, list, dict)) else 0
    return msg(template, got=type_name(value), input=value, length=length, **ctx)


def _annotation_at(model: type[BaseModel], loc: Sequence[str | int]) -> Any:
    """The type annotation that describes the value at `loc`, following nested models,
    lists (by index) and mappings (by key)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    return current


def _step(annotation: Any, part: str | int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(str(part))
        return info.annotation if info else None
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is typing.Annotated and args:
        return _step(args[0], part)
    for arg in args:  # a union: the first branch that knows `part`
        if (found := _step(arg, part)) is not None:
            return found
    return None


def _sub_model(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    annotation = _annotation_at(model, loc)
    while annotation is not None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if args and typing.get_origin(annotation) in (
            typing.Union, types.UnionType, typing.Annotated) else None
    return None


def _known_fields(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    sub = _sub_model(model, loc)
    return list(sub.model_fields) if sub else []


def _example_hint(model: type[BaseModel], loc: Sequence[str | int]) -> Message | None:
    if not loc or isinstance(loc[-1], int):
        return None
    parent = _sub_model(model, loc[:-1])
    info = parent.model_fields.get(str(loc[-1])) if parent else None
    if info is None:
        return None
    examples = info.examples or []
    for meta in info.metadata:
        examples = examples or getattr(meta, "examples", None) or []
    if not examples:
        return None
    example = examples[0]
    shown = yaml_inline(example)
    # an example in words (a title, a street) is translated where the schema marks it (N_)
    return msg(EXAMPLE_HINT, key=loc[-1], value=Example.plain(shown))


def yaml_inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_inline(v) for v in value) + "]"
    return str(value)


def builder_messages() -> dict[str, Any]:
    """The messages of `check` that the profile builder can give in the browser, as
    templates ({value!r} is Python's repr of what was typed; {name} a placeholder), with
    the pattern names: one text for the build and the browser."""
    return {"required": REQUIRED, "not_a_slug": NOT_A_SLUG,
            "empty": _MESSAGES["string_too_short"], "too_long": _MESSAGES["string_too_long"],
            "too_short": _MESSAGES["too_short"],
            "pattern": IS_NOT, "not_in_form": NOT_IN_FORM, "example_hint": EXAMPLE_HINT, "pattern_names": dict(PATTERN_NAMES),
            "slug_pattern": SLUG_PATTERN}
