"""pydantic's validation errors -> Diagnostics a member can act on: the file, the line and
column of the value (from yamlio.Positions), the dotted field, a message in plain words,
and a hint with an example taken from the schema."""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Sequence
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

from circlemade_site.errors import Diagnostic, did_you_mean
from circlemade_site.load.schema import LANG_PATTERN, PATTERN_NAMES
from circlemade_site.load.yamlio import FieldPath, Positions, dotted
from circlemade_site.slugs import SLUG_PATTERN

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any, positions: Positions, rel_path: str,
             diagnostics: list[Diagnostic]) -> M | None:
    """`data` as an instance of `model`, or None with the problems appended."""
    if not isinstance(data, dict):
        kind = "nothing" if data is None else type_name(data)
        diagnostics.append(Diagnostic(
            rel_path, f"expected a mapping of fields, found {kind}", *positions.of_value(()),
            hint=f"start with a line such as `{next(iter(model.model_fields))}: ...`"))
        return None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        for error in exc.errors(include_url=False):
            diagnostics.append(_diagnostic(model, error, positions, rel_path))
        return None


def type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing",
            datetime.date: "a date"}.get(type(value), type(value).__name__)


def _diagnostic(model: type[BaseModel], error: Any, positions: Positions,
                rel_path: str) -> Diagnostic:
    kind = error["type"]
    raw_loc = tuple(error["loc"])
    # the last element of an unknown-field error is the member's own key, whatever it says
    keep_last = kind == "extra_forbidden" and raw_loc
    loc: FieldPath = tuple(part for part in (raw_loc[:-1] if keep_last else raw_loc)
                           if not _is_union_tag(part)) + ((raw_loc[-1],) if keep_last else ())
    field = dotted(loc)
    hint = _example_hint(model, loc)
    if kind == "missing":
        message = REQUIRED
        line, column = positions.of_value(loc[:-1])
        field = dotted(loc)
    elif kind == "extra_forbidden":
        line, column = positions.of_key(loc)
        known = _known_fields(model, loc[:-1])
        message = f"unknown field {loc[-1]!r}"
        hint = did_you_mean(str(loc[-1]), known,
                            "expected one of: " + ", ".join(sorted(known)) if known else hint)
    elif kind == "circlemade":
        line, column = positions.of_value(loc)
        message, hint = error["ctx"]["message"], error["ctx"]["hint"] or hint
    else:
        line, column = positions.of_value(loc)
        message = _message(kind, error)
    return Diagnostic(rel_path, message, line, column, field, hint)


def _is_union_tag(part: object) -> bool:
    # pydantic names the branch of a union in `loc` (for example 'str' or 'function-after');
    # these are not field names.
    return isinstance(part, str) and (part in {"str", "int", "bool", "list", "dict", "none"} or "[" in part or part.startswith(("function-", "constrained-")))


REQUIRED = "this field is required"
NOT_A_SLUG = "{value!r} is not a valid slug: use lowercase letters a-z, digits and single hyphens"
_MESSAGES = {
    "string_type": "expected text, found {got}",
    "bool_parsing": "expected true or false, found {input!r}",
    "bool_type": "expected true or false, found {got}",
    "list_type": "expected a list, found {got}",
    "dict_type": "expected a mapping (key: value lines), found {got}",
    "model_type": "expected a mapping (key: value lines), found {got}",
    "model_attributes_type": "expected a mapping (key: value lines), found {got}",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long ({length} characters, at most {max_length})",
    "too_short": "needs at least {min_length} item(s)",
    "too_long": "has too many items (at most {max_length})",
    "date_type": "expected a date (YYYY-MM-DD), found {got}",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD), found {input!r}",
    "date_parsing": "expected a date (YYYY-MM-DD), found {input!r}",
    "int_type": "expected a whole number, found {got}",
    "int_parsing": "expected a whole number, found {input!r}",
    "literal_error": "{input!r} is not one of {expected}",
}


def _message(kind: str, error: Any) -> str:
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == SLUG_PATTERN:
            return NOT_A_SLUG.format(value=value)
        if pattern == LANG_PATTERN:
            return f"{value!r} is not a language code: use two lowercase letters such as 'fr'"
        expected = PATTERN_NAMES.get(pattern)
        return f"{value!r} is not {expected}" if expected else f"{value!r} is not in the expected form"
    template = _MESSAGES.get(kind)
    if template is None:
        message = str(error.get("msg", "invalid value"))
        return message.removeprefix("Value error, ")
    length = len(value) if isinstance(value, (str, list, dict)) else 0
    return template.format(got=type_name(value), input=value, length=length, **ctx)


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


def _example_hint(model: type[BaseModel], loc: Sequence[str | int]) -> str | None:
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
    return f"for example `{loc[-1]}: {shown}`"


def yaml_inline(value: Any) -> str:
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
            "pattern": "{value!r} is not {expected}", "pattern_names": dict(PATTERN_NAMES),
            "slug_pattern": SLUG_PATTERN}
