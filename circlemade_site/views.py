"""What templates receive: outputs to render and texts that know their language."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from circlemade_site.i18n import Localized


@dataclasses.dataclass(frozen=True, slots=True)
class Output:
    """A file to render from a template. The expensive part of its context (Markdown,
    cards, JSON-LD) can be deferred in `more`: a full build asks every output for it,
    the preview server only the pages the browser requests."""

    dest_rel: str                 # output-relative POSIX path
    template: str
    context: Mapping[str, Any]
    more: Callable[[], Mapping[str, Any]] | None = None

    def full_context(self) -> Mapping[str, Any]:
        return self.context if self.more is None else {**self.context, **self.more()}


@dataclasses.dataclass(frozen=True, slots=True)
class Text:
    """A text as shown in one language: `lang` is the language it is actually written
    in; templates wrap it in an element with that `lang` when it differs from the page's."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def text(value: Localized, lang: str, order: tuple[str, ...]) -> Text:
    found, used = value.get(lang, order)
    return Text(found, used)
