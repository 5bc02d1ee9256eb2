"""The render cache: a page whose template receives exactly what it received in a
previous build is not rendered again, its bytes are taken from the object store.

What a page shows is a function of three things: its context (what the plan gives its
template, Markdown already made into HTML included), the templates and UI strings of the
theme, and the helpers the templates call (URLs of sections and pages, fingerprinted
static files, the printed directory's size). The key of a page is a SHA-256 of its
template name, its context as pickled by `context_bytes`, and a digest of everything else
that can change its bytes, once per build (`site_digest`): the generator's own code, the
versions of Jinja and MarkupSafe, every file of the theme and of the site's overrides,
the settings, the routes of the pages, the printed directory's sizes and the build's
options. A context that cannot be pickled (a function in it) is not cached, its page is
rendered; one that pickles differently from one process to the next (a set of strings)
costs a rendering, never a wrong page.

The index (output path -> key and SHA-256 of its bytes) is sealed with the cache key
(files.CacheSeal): without CIRCLEMADE_CACHE_KEY nothing is reused. The bytes come from
`files.ObjectStore`, which returns them only when they hash to the sealed digest."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import json
import operator
import os
import pickle
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from circlemade_site import i18n
from circlemade_site.files import CacheSeal, FileSlice, ObjectStore, code_digest
from circlemade_site.models import Flow, Member, Need, Offer
from circlemade_site.plan.views import Card, Shared, SiteInputs

VERSION = "5"
FILE = "render.json"


class _Reducers(dict[type, Callable[[Any], Any]]):
    """The dispatch table of `_Pickler`: a reducer per type, made the first time the type is
    met, so the pickler calls Python code once per object of a class only, never for the
    strings, numbers, lists and dicts that make most of a context.

    - A card (plan.views.Card, listed by many pages), a member, an offer, a need or a
      flow (models.Member, Offer, Need, Flow: in the contexts and the inputs of the pages
      that show them), the site as a member's pages read it (plan.views.SiteInputs) and a
      value many outputs read (plan.views.Shared: a listing's facet counts) stand for the
      SHA-256 of their own pickle, made once per build (`digests`, by identity: each entry holds its object, so its id is not reused
      while the entry lives).
    - A dataclass with slots (the models, the views' Text) is its class and its fields'
      values in order: what its own `__getstate__` gives, without walking
      `dataclasses.fields` again for each of the hundreds of thousands of them.
    - Any other class is reduced as pickle reduces it (`__reduce_ex__`)."""

    def __init__(self, digests: dict[int, tuple[object, bytes]]) -> None:
        super().__init__()
        self.digests = digests
        self[Card] = functools.partial(self._digested, Card, dict)
        for model in (Member, Offer, Need, Flow):
            fields = operator.attrgetter(*(f.name for f in dataclasses.fields(model)))
            self[model] = functools.partial(self._digested, model, fields)
        self[SiteInputs] = functools.partial(self._digested, SiteInputs, _site_as_read)
        self[Shared] = functools.partial(self._digested, Shared, operator.attrgetter("value"))

    def _digested(self, cls: type, payload: Callable[[Any], Any], value: Any) -> Any:
        found = self.digests.get(id(value))
        if found is None or found[0] is not value:
            buffer = io.BytesIO()
            _Pickler(buffer, self).dump(payload(value))
            found = self.digests[id(value)] = (value, hashlib.sha256(buffer.getvalue()).digest())
        return (cls, (found[1],))      # stands for the value, never unpickled

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        reducer: Callable[[Any], Any] = operator.methodcaller("__reduce_ex__", 5)
        if dataclasses.is_dataclass(cls) and "__dict__" not in dir(cls):
            names = [f.name for f in dataclasses.fields(cls)]
            if len(names) > 1:
                values = operator.attrgetter(*names)
                reducer = lambda obj: (cls, values(obj))            # noqa: E731
            elif names:
                value = operator.attrgetter(names[0])
                reducer = lambda obj: (cls, (value(obj),))          # noqa: E731
        self[cls] = reducer
        return reducer


def _site_as_read(inputs: SiteInputs) -> tuple[Any, ...]:
    """What a SiteInputs stands for: every field of the site but its members, and every
    field of each member but those in `own`."""
    site = inputs.site
    kept = [f.name for f in dataclasses.fields(Member) if f.name not in inputs.own]
    member = operator.attrgetter(*kept) if kept else None
    return (sorted(inputs.own),
            [getattr(site, f.name) for f in dataclasses.fields(site) if f.name != "members"],
            [] if member is None else [member(m) for m in site.members])


class _Pickler(pickle.Pickler):
    """Pickles a context, by the reducers of `_Reducers`."""

    def __init__(self, file: io.BytesIO, reducers: _Reducers) -> None:
        super().__init__(file, protocol=5)
        # no memo: with it, the bytes would depend on which equal values are one object
        # (a string from the Markdown cache or made again), not only on the values
        self.fast = True
        self.dispatch_table = reducers


def context_bytes(context: Mapping[str, Any], reducers: _Reducers | None = None) -> bytes | None:
    """The context as bytes to hash, or None when it cannot be pickled. A UI catalogue
    given to the template (`t`) stands for its language: its strings are in the site
    digest (they are the theme's files). `reducers` are this build's (the cards, members... hashed
    so far); new ones by default."""
    items = [(name, ("catalog", value.lang, value.locale) if isinstance(value, i18n.Catalog)
              else value) for name, value in sorted(context.items(), key=lambda item: item[0])]
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, _Reducers({}) if reducers is None else reducers).dump(items)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
        return None
    return buffer.getvalue()


def _files_digest(h: Any, folders: Iterable[Path]) -> None:
    for folder in folders:
        if not folder.is_dir():
            h.update(b"missing\0" + str(folder).encode() + b"\0")
            continue
        for parent, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                path = Path(parent, name)
                h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())


def site_digest(theme_folders: Iterable[Path], settings: bytes, extra: Mapping[str, Any]) -> bytes:
    """What, besides its context, can change a page's bytes (see the module's docstring).
    `settings` are the pickled settings; `extra`, everything of this build the helpers read
    (routes, sizes, options), as JSON-able values."""
    h = hashlib.sha256(f"render-cache {VERSION}\0".encode())
    for dist in ("jinja2", "markupsafe"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    h.update(code_digest())
    _files_digest(h, theme_folders)
    h.update(hashlib.sha256(settings).digest())
    h.update(json.dumps(extra, sort_keys=True, default=str).encode("utf-8"))
    return h.digest()


class RenderCache:
    """Rendered pages of the previous build, by output path (see the module's docstring)."""

    def __init__(self, path: Path, seal: CacheSeal, store: ObjectStore) -> None:
        self.path = path
        self.seal = seal
        self.store = store
        self.site = b""
        self.previous: dict[str, list[Any]] = {}
        self.current: dict[str, list[Any]] = {}
        self.hits = self.misses = 0
        self.reducers = _Reducers({})      # context_bytes's, for this build (its digests)
        # a digest of what another stage reads of a page (search.indexed_page), kept with
        # its entry, so that a page taken from the cache need not be read for it again
        self.summarise: Callable[[str, bytes], bytes | None] | None = None
        self._stored: Any = None
        with contextlib.suppress(ValueError):
            self._stored = json.loads(seal.read(path, self.name) or b"{}")

    def start(self, site: bytes) -> None:
        """Set this build's site digest: only pages of a build with the same one are reused."""
        self.site = site
        data = self._stored
        if isinstance(data, dict) and data.get("site") == site.hex() \
                and isinstance(data.get("pages"), dict):
            self.previous = data["pages"]

    @property
    def name(self) -> str:
        return self.path.name

    def key(self, template: str, context: Mapping[str, Any],
            inputs: tuple[Any, ...] | None = None) -> str | None:
        """The key of a page, or None when its context cannot be pickled. With `inputs`
        (plan.views.Output.inputs), `context` is the part made with the plan, and the key
        stands for the rest made from the inputs, which need not be made."""
        data = context_bytes(context if inputs is None else {**context, "\0inputs": inputs},
                             self.reducers)
        if data is None:
            return None
        h = hashlib.sha256(self.site)
        h.update(b"inputs\0" if inputs is not None else b"context\0")
        h.update(template.encode("utf-8") + b"\0")
        h.update(data)
        return h.hexdigest()

    def _matching(self, dest_rel: str, key: str | None,
                  answers: Callable[[str, list[Any]], Any]) -> list[Any] | None:
        """The previous build's entry of `dest_rel` if it has the same key and the late
        helpers it called (LATE) answer as they did then: `answers(name, args)`."""
        entry = self.previous.get(dest_rel)
        if key is None or not isinstance(entry, list) or len(entry) != 5 or entry[0] != key \
                or not isinstance(entry[3], list):
            return None
        try:
            same = all(json.loads(json.dumps(answers(name, args))) == answer
                       for name, args, answer in entry[3])
        except (TypeError, ValueError, KeyError, LookupError):
            same = False
        return entry if same else None

    def get(self, dest_rel: str, key: str | None,
            answers: Callable[[str, list[Any]], Any]) -> FileSlice | None:
        """What the previous build rendered for `dest_rel` under the same key (see
        `_matching`): its object in the store, checked, left on disk (files.FileSlice)."""
        entry = self._matching(dest_rel, key, answers)
        data = None
        if entry is not None:
            try:
                data = self.store.slice(bytes.fromhex(entry[1]), int(entry[2]))
            except (ValueError, TypeError):
                data = None
        if entry is None or data is None:
            self.misses += 1
            return None
        self.hits += 1
        self.current[dest_rel] = entry
        return data

    def known(self, dest_rel: str, key: str | None,
              answers: Callable[[str, list[Any]], Any]) -> bool:
        """True if a previous build rendered `dest_rel` under the same key (see
        `_matching`): `check`, which keeps no page, needs to know only that its template
        rendered this context without a problem, not the bytes."""
        found = self._matching(dest_rel, key, answers) is not None
        if found:
            self.hits += 1
        else:
            self.misses += 1
        return found

    def put(self, dest_rel: str, key: str | None, data: bytes,
            calls: list[tuple[str, list[Any], Any]]) -> None:
        """Record what a page rendered to, and the late helpers' answers it used."""
        if key is not None:
            # null when not computed (a build without the search index): `summaries` leaves
            # it out, so a later build computes it rather than reading "not indexed"
            summary = None if self.summarise is None else (
                digest.hex() if (digest := self.summarise(dest_rel, data)) else "")
            self.current[dest_rel] = [key, hashlib.sha256(data).hexdigest(), len(data),
                                      [[name, args, json.loads(json.dumps(answer))]
                                       for name, args, answer in calls],
                                      summary]

    def summaries(self) -> dict[str, bytes | None]:
        """The `summarise` digest of every page this build rendered or took from the cache
        (None: the page has none), by output path: known without reading the page again."""
        return {dest: bytes.fromhex(entry[4]) if entry[4] else None
                for dest, entry in self.current.items() if isinstance(entry[4], str)}


    def keep(self, data: bytes) -> None:
        """Keep in the store bytes that no file of the site holds (a printed directory's
        HTML), so that `get` finds them in the next build."""
        self.store.add(hashlib.sha256(data).digest(), data)

    def learnt(self) -> tuple[dict[str, list[Any]], int, int, dict[bytes, str], set[bytes]]:
        """What this build recorded (in a worker process: for the parent's `merge`), with
        the objects of the store the worker read and checked or made (the parent links
        them into the site without reading them again)."""
        return self.current, self.hits, self.misses, self.store.verified(), self.store.added

    def merge(self, learnt: tuple[dict[str, list[Any]], int, int, dict[bytes, str],
                                  set[bytes]]) -> None:
        current, hits, misses, verified, added = learnt
        self.current.update(current)
        self.hits += hits
        self.misses += misses
        self.store.merge(verified, added)

    def save(self) -> None:
        """Seal the index of this build's pages (once the site is written: their bytes
        are in the store then)."""
        self.seal.write(self.path, self.name, json.dumps(
            {"site": self.site.hex(), "pages": self.current}, sort_keys=True).encode("utf-8"))


# Helpers whose answer is known only once the plan is made (the printed directory's size,
# after its PDF): not in the site digest, each page records its calls and their answers,
# and is reused only if they answer the same.
LATE = ("printed_directory",)


def recording(helpers: Mapping[str, Any],
              calls: list[tuple[str, list[Any], Any]]) -> dict[str, Any]:
    """`helpers` with the LATE ones recording each call (name, arguments, answer) in `calls`."""
    def wrap(name: str, helper: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            answer = helper(*args)
            calls.append((name, list(args), answer))
            return answer
        return call
    return {**helpers, **{name: wrap(name, helpers[name]) for name in LATE if name in helpers}}
