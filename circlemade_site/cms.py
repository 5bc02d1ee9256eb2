"""Decap CMS at /admin/: its config.yml, generated from the schemas of load/schema.py and the
vocabularies, so that the CMS offers exactly what `check` accepts.

The fields are derived from the same JSON Schemas as the editors' and the field reference
(`reference.json_schemas` for member.yaml, the pydantic models' own JSON Schema for the
front matter of pages, events, news and campaigns): one walk over a JSON Schema turns
each property into a Decap field (its widget, `required`, `pattern`, the description as a
`hint`) and into a sample value, the one `circlemade cms --check` writes as Decap would and
loads back with the loaders. A field added to a schema is in the CMS at the next build.

The bundle is the npm package `decap-cms`, pinned in cms/package.json and installed with
`npm ci --prefix cms`; `build` copies its dist/ under /admin/decap-cms-<version>/ (the
version in the path lets browsers cache it). This module reads those files (it belongs to
the load stage) and makes the bytes of every file of /admin/.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from circlemade_site import reference
from circlemade_site.config import SiteConfig
from circlemade_site.errors import Diagnostic, msg
from circlemade_site.load import schema
from circlemade_site.load.publications import REQUIRED_SHARED
from circlemade_site.models import Facet
from circlemade_site.slugs import SLUG_PATTERN

ADMIN = "admin"                                   # the CMS's folder in the site
PACKAGE_DIR = "cms"                               # cms/package.json, cms/node_modules/
BUNDLE = f"{PACKAGE_DIR}/node_modules/decap-cms"
SERVER = f"{PACKAGE_DIR}/node_modules/.bin/decap-server"
INSTALL = "npm ci --prefix cms --no-audit --no-fund --ignore-scripts"
LOCAL_API = "/api/v1"         # the local backend, proxied by the preview (serve --cms)
TIME_ZONE = "Europe/Brussels"
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DD HH:mm"

# what a schema's field is chosen from, by format: a vocabulary of content/vocabularies.yaml,
# the members (a relation to the members collection), or a picture
VOCABULARY_FIELDS: Mapping[str, Mapping[str, str]] = {
    "member": {"kind": "kind", "activities": "activities", "sectors": "sectors",
               "offers.audiences": "audiences", "offers.activities": "activities",
               "needs.type": "need_types", "needs.materials": "materials",
               "needs.activities": "activities", "flows.direction": "directions",
               "flows.material": "materials"},
    "event": {"type": "event_types"},
    "campaign": {"features.member_facets.kind": "kind",
                 "features.member_facets.activities": "activities",
                 "features.member_facets.sectors": "sectors",
                 "features.member_facets.communes": "communes",
                 "features.offer_facets.audiences": "audiences",
                 "features.offer_facets.activities": "activities"},
}
MEMBER_FIELDS: Mapping[str, frozenset[str]] = {
    "event": frozenset({"members"}), "campaign": frozenset({"features.members"})}
IMAGE_FIELDS: Mapping[str, Mapping[str, str]] = {
    "member": {"logo": "PNG, JPEG, WebP or SVG, at most 2 MB and 4000 × 4000 pixels; "
                       "a square logo of 400 pixels or more looks best"},
    "campaign": {"hero": "JPEG, PNG or WebP, at most 2 MB; a wide picture of 1600 pixels "
                         "or more, in content/campaigns/"},
}
PATTERN_NAMES = {SLUG_PATTERN: "lowercase letters, digits and single hyphens (a-propos)",
                 r"^[A-Z]{3}$": "three capital letters (EUR)"}
MARKDOWN_HINT = ("Markdown: headings start at ##; links to another page as "
                 "[its name](page:contact)")
HINTS = {"start": "Brussels time (Europe/Brussels)", "end": "Brussels time (Europe/Brussels)"}


class CmsProblem(Exception):
    """The CMS cannot be built (its bundle is not installed)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic.message))
        self.diagnostic = diagnostic


# ---------------------------------------------------------------------------------------
# the walk: a JSON Schema property -> (a Decap field, a sample value)


class _Walk:
    def __init__(self, kind: str, document: Mapping[str, Any], facets: Mapping[str, Facet],
                 languages: Sequence[str], default_language: str) -> None:
        self.kind = kind
        self.defs = document.get("$defs", {})
        self.facets = facets
        self.languages = languages
        self.default_language = default_language

    def resolve(self, node: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """The schema of a property without its `$ref` and `null` alternative, and whether
        null was allowed."""
        node = dict(node)
        nullable = False
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            nullable = len(options) < len(node["anyOf"])
            if len(options) == 1:
                merged = {k: v for k, v in node.items() if k != "anyOf"}
                node = {**self.resolve(options[0])[0], **merged}
            else:
                node["anyOf"] = options
        if "$ref" in node:
            target = self.defs[node["$ref"].rsplit("/", 1)[-1]]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        for key in ("oneOf", "anyOf"):
            # one text or a text per language (a street, a venue's name): the form offers
            # a text per language, which is what a bilingual address needs
            texts = [self.resolve(o)[0] for o in node.get(key, ())]
            if len(texts) == 2 and texts[0].get("type") == "string" and self._localized(texts[1]):
                merged = {k: v for k, v in node.items() if k != key}
                node = {**texts[1], **merged}
        return node, nullable

    def fields(self, node: Mapping[str, Any], path: str,
               extra_required: frozenset[str] = frozenset()) -> list[tuple[dict[str, Any], Any]]:
        node, _ = self.resolve(node)
        required = set(node.get("required", ())) | extra_required
        return [self.field(name, prop, f"{path}{name}", name in required)
                for name, prop in node.get("properties", {}).items()]

    def field(self, name: str, prop: Mapping[str, Any], path: str,
              required: bool) -> tuple[dict[str, Any], Any]:
        node, _ = self.resolve(prop)
        field: dict[str, Any] = {"name": name, "label": node.get("title") or name,
                                 "required": required}
        hint = node.get("description", "")
        if name in HINTS and "Brussels" not in hint:
            hint = f"{hint} ({HINTS[name]})".strip()
        examples = node.get("examples") or prop.get("examples") or []
        sample: Any = examples[0] if examples else None
        vocabulary = VOCABULARY_FIELDS.get(self.kind, {}).get(path)
        if path in MEMBER_FIELDS.get(self.kind, ()):
            field.update(widget="relation", collection="members", value_field="{{slug}}",
                         search_fields=["name"], display_fields=["name"], multiple=True)
            sample = None
        elif path in IMAGE_FIELDS.get(self.kind, {}):
            field.update(widget="image", choose_url=False)
            hint = f"{hint} {IMAGE_FIELDS[self.kind][path]}".strip()
            sample = None
        elif self._localized(node):
            inner, _ = self.resolve(node.get("additionalProperties")
                                    or next(iter(node["patternProperties"].values())))
            needed = set(node.get("required", ())) or {self.default_language}
            field["widget"] = "object"
            field["fields"] = []
            texts = examples[0] if examples and isinstance(examples[0], dict) else {}
            for lang in self.languages:
                sub, _ = self.field(lang, inner, f"{path}.{lang}", lang in needed)
                sub["label"] = lang.upper()
                field["fields"].append(sub)
            sample = {lang: texts.get(lang) or texts.get(self.default_language) or "Exemple"
                      for lang in self.languages}
        elif node.get("type") == "object" and "properties" in node:
            field["widget"] = "object"
            subs = self.fields(node, f"{path}.")
            field["fields"] = [sub for sub, _ in subs]
            chosen = {sub["name"]: value for sub, value in subs
                      if sub["required"] and value is not None}
            if not chosen:      # one of several (a call to action): the first that has a sample
                chosen = next(({sub["name"]: value} for sub, value in subs if value is not None), {})
            sample = sample if isinstance(sample, dict) else chosen
        elif node.get("type") == "object" and "propertyNames" in node:
            field["widget"] = "object"
            field["fields"] = [self.field(key, node["additionalProperties"], f"{path}.{key}",
                                          False)[0]
                               for key in node["propertyNames"]["enum"]]
            sample = None
        elif node.get("type") == "array":
            items, _ = self.resolve(node.get("items", {}))
            if vocabulary or "enum" in items:
                field.update(widget="select", multiple=True,
                             options=self._options(vocabulary, items))
                sample = [field["options"][0]["value"]]
            elif items.get("type") == "object":
                subs = self.fields(items, f"{path}.")
                field.update(widget="list", fields=[sub for sub, _ in subs])
                sample = None
            else:
                field.update(widget="list")
            if node.get("minItems"):
                field["min"] = node["minItems"]
            if node.get("maxItems"):
                field["max"] = node["maxItems"]
        elif vocabulary or "enum" in node or "const" in node:
            field.update(widget="select", options=self._options(vocabulary, node))
            sample = field["options"][0]["value"]
        elif "anyOf" in node and {o.get("format") for o in node["anyOf"]} >= {"date-time", "date"}:
            field.update(widget="datetime", format=DATETIME_FORMAT, date_format=DATE_FORMAT,
                         time_format="HH:mm", picker_utc=False)
            sample = "2026-12-10 09:30"
        elif node.get("format") == "date":
            field.update(widget="datetime", format=DATE_FORMAT, date_format=DATE_FORMAT,
                         time_format=False, picker_utc=False)
            sample = str(sample or "2026-12-10")
        elif node.get("type") == "boolean":
            field.update(widget="boolean", default=bool(node.get("default", False)))
            sample = None
        elif node.get("type") in ("integer", "number"):
            field.update(widget="number", value_type="int" if node["type"] == "integer" else "float")
            for key, limit in (("minimum", "min"), ("exclusiveMinimum", "min"),
                               ("maximum", "max")):
                if key in node:
                    field[limit] = node[key]
        else:
            longest = node.get("maxLength", 0)
            field["widget"] = "text" if longest > 300 and "pattern" not in node else "string"
            if sample is None and "pattern" not in node:
                sample = "Exemple"       # what an editor types in a plain text field
            if "pattern" in node:
                name_of = schema.PATTERN_NAMES.get(node["pattern"])
                field["pattern"] = [node["pattern"], str(msg(name_of)) if name_of else
                                    PATTERN_NAMES.get(node["pattern"], "not in the expected form")]
        if hint:
            field["hint"] = hint
        if not required and field.get("widget") == "object":
            _optional(field)    # Decap asks for the parts of an empty optional object
        if not required and sample is not None and field.get("widget") != "object":
            sample = None if field["widget"] != "select" else sample
        return field, sample

    def _localized(self, node: Mapping[str, Any]) -> bool:
        return node.get("type") == "object" and schema.LANG_PATTERN in node.get(
            "patternProperties", {}) or (node.get("type") == "object" and "propertyNames" in node
                                         and "enum" not in node["propertyNames"]
                                         and "additionalProperties" in node)

    def _options(self, vocabulary: str | None, node: Mapping[str, Any]) -> list[dict[str, str]]:
        facet = self.facets.get(vocabulary or "")
        if facet is not None:
            return [{"value": key, "label": " / ".join(
                        dict.fromkeys(term.label.texts.get(lang, key) for lang in self.languages
                                      if term.label.texts.get(lang)))}
                    for key, term in facet.terms.items()]
        values = node.get("enum") or [node.get("const")]
        return [{"value": str(v), "label": str(v)} for v in values]


# ---------------------------------------------------------------------------------------
# the collections


PUBLICATIONS: Mapping[str, tuple[str, type[BaseModel], str]] = {
    # collection -> (kind, front matter model, folder)
    "pages": ("page", schema.PageFront, "content/pages"),
    "events": ("event", schema.EventFront, "content/events"),
    "news": ("news", schema.NewsFront, "content/news"),
    "campaigns": ("campaign", schema.CampaignFront, "content/campaigns"),
}
LABELS = {"pages": "Pages", "events": "Agenda", "news": "News", "campaigns": "Campaigns",
          "members": "Members"}


def _required(kind: str) -> frozenset[str]:
    """What the loaders require of a translated file beyond the model (a shared field is
    optional in one file, required of the item)."""
    extra = {"title", *REQUIRED_SHARED.get(kind, ())}
    if kind == "campaign":
        extra.add("cta_label")
    return frozenset(extra)


def collections(config: SiteConfig, facets: Mapping[str, Facet]) -> list[dict[str, Any]]:
    """Decap's collections: pages, events, news, campaigns and members."""
    return [collection for collection, _ in entries(config, facets)]


def entries(config: SiteConfig,
            facets: Mapping[str, Facet]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Decap's collections, each with its sample entry (field -> value)."""
    langs, default = config.languages, config.default_language
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for name, (kind, model, folder) in PUBLICATIONS.items():
        walk = _Walk(kind, model.model_json_schema(), facets, langs, default)
        pairs = walk.fields(model.model_json_schema(), "", _required(kind))
        fields = []
        sample: dict[str, Any] = {}
        for field, value in pairs:
            # a shared field is written once (in the default language's file, for an
            # object or a list: Decap cannot copy those) or the same in every file
            if field["name"] in schema.PER_LANGUAGE:
                field["i18n"] = True
            elif field["widget"] not in ("object", "list"):
                field["i18n"] = "duplicate"
            fields.append(field)
            if value is not None:
                sample[field["name"]] = value
        fields.append({"name": "body", "label": "Text", "widget": "markdown", "i18n": True,
                       "required": name != "campaigns", "hint": MARKDOWN_HINT})
        sample["body"] = "Un texte d'exemple."
        collection: dict[str, Any] = {
            "name": name, "label": LABELS[name], "folder": folder, "create": True,
            "extension": "md", "format": "frontmatter", "slug": "{{slug}}",
            "identifier_field": "title", "summary": "{{title}}",
            "i18n": {"structure": "multiple_files", "locales": list(langs),
                     "default_locale": default},
            "fields": fields}
        if name == "campaigns":
            collection.update(media_folder="", public_folder="")
        found.append((collection, sample))
    member_doc = reference.json_schemas(facets, langs, default)["member.schema.json"]
    walk = _Walk("member", member_doc, facets, langs, default)
    pairs = walk.fields(member_doc, "")
    member = {"name": "members", "label": LABELS["members"], "folder": "members",
              "path": "{{slug}}/member", "extension": "yaml", "format": "yaml",
              "create": True, "slug": "{{name}}", "identifier_field": "name",
              "summary": "{{name}}", "media_folder": "", "public_folder": "",
              "fields": [field for field, _ in pairs]}
    found.append((member, {field["name"]: value for field, value in pairs if value is not None}))
    return found


def decap_config(config: SiteConfig, facets: Mapping[str, Facet],
                 local: str | None = None) -> dict[str, Any]:
    """The content of /admin/config.yml. `local`: the preview's origin, which forwards
    Decap's local backend (`<local>/api/v1`, decap-server); a full address, as Decap wants,
    on the page's own origin, which its Content-Security-Policy allows."""
    cms = config.cms
    assert cms is not None
    backend: dict[str, Any] = {"name": "github", "repo": cms.repo, "branch": cms.branch,
                               "base_url": cms.auth_url, "auth_endpoint": "auth",
                               "open_authoring": cms.open_authoring,
                               "cms_label_prefix": "cms/"}
    if cms.open_authoring:
        backend["auth_scope"] = "public_repo"
    document: dict[str, Any] = {"backend": backend}
    if cms.editorial_workflow:
        document["publish_mode"] = "editorial_workflow"
    if local:
        document["local_backend"] = {"url": local.rstrip("/") + LOCAL_API}
    document.update({
        "site_url": config.base_url,
        "display_url": config.base_url,
        "locale": config.default_language if config.default_language in ("fr", "nl") else "en",
        # file and folder names as the loaders want them: lowercase ASCII and hyphens
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "media_folder": "content/media",
        "public_folder": "/media",
        "i18n": {"structure": "multiple_files", "locales": list(config.languages),
                 "default_locale": config.default_language},
        "collections": collections(config, facets),
    })
    return document


def config_yml(config: SiteConfig, facets: Mapping[str, Facet], local: str | None = None) -> str:
    return ("# Generated by `circlemade build` from circlemade_site/load/schema.py and\n"
            "# content/vocabularies.yaml (circlemade_site/cms.py). Do not edit.\n"
            + yaml.safe_dump(decap_config(config, facets, local), sort_keys=False,
                             allow_unicode=True, width=100))


# ---------------------------------------------------------------------------------------
# the files of /admin/

INDEX = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="{bundle}/decap-cms.js"></script>
<script src="preview.js" data-style="{style}"></script>
</body>
</html>
"""

PREVIEW_JS = """// The CMS's preview pane uses the site's own stylesheet, so an event looks like the site.
// (A file, not an inline script: the Content-Security-Policy of /admin/ allows none.)
(function () {
  var style = document.currentScript.getAttribute("data-style");
  if (window.CMS && style) {
    window.CMS.registerPreviewStyle(style);
  }
})();
"""


def bundle_version(root: Path) -> str | None:
    """The installed decap-cms version, or None when `npm ci --prefix cms` has not run."""
    package = root / BUNDLE / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def bundle_dir(version: str) -> str:
    return f"{ADMIN}/decap-cms-{version}"


def pinned_version(root: Path) -> str | None:
    """The decap-cms version cms/package.json pins."""
    try:
        package = json.loads((root / PACKAGE_DIR / "package.json").read_text(encoding="utf-8"))
        return str(package["dependencies"]["decap-cms"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def admin_files(config: SiteConfig, facets: Mapping[str, Facet], style_url: str,
                local: str | None = None, bundle: bool = True) -> dict[str, bytes]:
    """Output path -> bytes of every file of /admin/: its page, config.yml, preview.js and,
    with `bundle` (a build, the preview; not `check`), Decap's files. Raises CmsProblem
    when the bundle is not installed, or not in the version cms/package.json pins."""
    pinned = pinned_version(config.root)
    installed = bundle_version(config.root)
    dist = config.root / BUNDLE / "dist"
    hint = msg("run `{command}` once, then build again", command=INSTALL)
    files: dict[str, bytes] = {}
    if bundle:
        if installed is None or not (dist / "decap-cms.js").is_file():
            raise CmsProblem(Diagnostic(
                "content/site.yaml", msg("the CMS is switched on (`cms:`) but Decap CMS is not "
                                         "installed in cms/node_modules"), hint=hint, field="cms"))
        if pinned is not None and installed != pinned:
            raise CmsProblem(Diagnostic(
                "content/site.yaml", msg("the installed Decap CMS {installed} is not the version "
                                         "cms/package.json pins, {pinned}",
                                         installed=installed, pinned=pinned),
                hint=hint, field="cms"))
        files = dict(_bundle(dist, installed, (dist / "decap-cms.js").stat().st_mtime_ns))
    folder = bundle_dir(pinned or installed or "unknown")
    title = config.title.texts.get(config.default_language, "")
    files[f"{ADMIN}/index.html"] = INDEX.format(
        lang=config.default_language, title=_escape(f"CMS · {title}"),
        bundle=f"/{folder}", style=_escape(style_url)).encode("utf-8")
    files[f"{ADMIN}/config.yml"] = config_yml(config, facets, local).encode("utf-8")
    files[f"{ADMIN}/preview.js"] = PREVIEW_JS.encode("utf-8")
    return files


@functools.lru_cache(maxsize=2)
def _bundle(dist: Path, version: str, _mtime: int) -> tuple[tuple[str, bytes], ...]:
    """The bundle's files, read once per installed version (the preview plans the site
    again on every change)."""
    return tuple((f"{bundle_dir(version)}/{path.name}", path.read_bytes())
                 for path in sorted(dist.iterdir()) if path.is_file() and _shipped(path.name))


def _optional(field: dict[str, Any]) -> None:
    """Nothing inside an optional object is required: Decap would refuse to save an entry
    that leaves the object empty (`check` still requires its parts when it is given)."""
    for sub in field.get("fields", ()):
        sub["required"] = False
        if sub.get("widget") == "object":
            _optional(sub)


def _shipped(name: str) -> bool:
    """The files of decap-cms's dist/ that the browser loads: decap-cms.js, its chunks
    (`<n>.decap-cms.js`), its WebAssembly and licences; not the source maps nor the second
    build (`cms.js`)."""
    return (name.endswith(".wasm") or bool(re.fullmatch(r"([0-9]+\.)?decap-cms\.js(\.LICENSE\.txt)?", name)))


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


# ---------------------------------------------------------------------------------------
# what the CMS writes, as it writes it (for `circlemade cms --check`)

SAMPLE_NAME = "cms-sample"


def sample_files(config: SiteConfig, facets: Mapping[str, Facet]) -> dict[str, str]:
    """Project-relative path -> text of one entry per collection, made from the sample
    values of the generated form and written as Decap writes them: YAML front matter and
    the body in `<name>.<lang>.md` (the per-language fields in each file, the shared ones
    copied, or only in the default language's file for objects and lists), member.yaml
    without comments."""
    found: dict[str, str] = {}
    for collection, sample in entries(config, facets):
        values = {key: _as_yaml(value) for key, value in sample.items()}
        if collection["name"] == "members":
            found[f"members/{SAMPLE_NAME}/member.yaml"] = _dump(values)
            continue
        body = values.pop("body", "")
        i18n_of = {field["name"]: field.get("i18n") for field in collection["fields"]}
        for lang in config.languages:
            front = {key: value for key, value in values.items()
                     if i18n_of.get(key) or lang == config.default_language}
            found[f"{collection['folder']}/{SAMPLE_NAME}.{lang}.md"] = (
                f"---\n{_dump(front)}---\n{body}\n")
    return found


def _as_yaml(value: Any) -> Any:
    """Dates as YAML dates (Decap writes them without quotes)."""
    import datetime
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return datetime.date.fromisoformat(value)
    if isinstance(value, dict):
        return {k: _as_yaml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_yaml(v) for v in value]
    return value


def _dump(values: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(values), sort_keys=False, allow_unicode=True, width=1000)
