"""The JSON Schemas for editors and CI, and the field reference in docs/, both derived from
the schemas in load/schema.py (with the vocabularies of content/vocabularies.yaml as enums).

`circlemade schema` writes them; a test checks that the committed files are up to date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from circlemade_site import communes
from circlemade_site.load import diagnose, schema
from circlemade_site.models import MATERIAL_NEED, Facet

SCHEMA_DIR = "schemas"
REFERENCE_DOC = "docs/member-reference.md"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
FORMATS: Mapping[str, tuple[type[BaseModel], str]] = {
    "member": (schema.MemberFront, "members/<slug>/member.yaml"),
    "page": (schema.PageFront, "content/pages/<name>.<lang>.md (front matter)"),
    "site": (schema.SiteSettings, "content/site.yaml"),
    "vocabularies": (schema.VocabulariesFile, "content/vocabularies.yaml"),
    "accessibility": (schema.AccessibilityFile, "content/accessibility.yaml"),
}


# What `check` refuses that the JSON Schema cannot say (docs/member-reference.md lists it;
# the test of the schemas names each case of its corpus that only `check` refuses).
CHECK_ONLY: Mapping[str, str] = {
    "checksum": "the check digits of the enterprise number (modulo 97)",
    "phone numbering plan": "whether a phone number exists in its country's numbering plan "
                            "(its length and prefixes, from the phonenumbers library)",
    "e-mail domain": "the domain of an e-mail address: reserved and special-use names "
                     "(`.test`, `.local`, `.invalid`...) and the rules of internationalised "
                     "domain names",
    "commune and postal code": "that the commune (`address.municipality`) is one of the 19, "
                               "in French or Dutch, and has that postal code",
    "files on disk": "that the logo file exists in the folder, is a real image of its "
                     "format within the size limits, and that the folder holds nothing else",
    "dates in order": "that `until` is on or after `since` in needs and flows",
    "other members": "that no other member has the same name or enterprise number",
    "texts and hidden fields": "that no text gives away a value `hidden` withholds, and "
                               "that texts hold no invisible or control character",
}


def json_schemas(facets: Mapping[str, Facet], languages: Sequence[str] = (),
                 default_language: str | None = None) -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every format. With the site's `languages`, a member's
    texts take only those keys and need the default language, as `check` says."""
    out = {}
    for name, (model, where) in FORMATS.items():
        document = {"$schema": DRAFT, "$id": f"https://circlemade.brussels/schemas/{name}.schema.json",
                    **model.model_json_schema()}
        document["description"] = f"{where}: {document.get('description', '')}".rstrip(": ")
        if name == "member" and facets:
            _add_enums(document, facets)
        if name == "member":
            _add_member_rules(document, languages, default_language)
        out[f"{name}.schema.json"] = document
    return out


def _add_enums(document: dict[str, Any], facets: Mapping[str, Facet]) -> None:
    """Editors autocomplete vocabulary keys and postal codes from these enums."""
    props = document["properties"]
    offer = document["$defs"]["Offer"]["properties"]
    props["kind"]["enum"] = list(facets["kind"].terms)
    props["activities"]["items"]["enum"] = list(facets["activities"].terms)
    props["sectors"]["items"]["enum"] = list(facets["sectors"].terms)
    offer["audiences"]["items"]["enum"] = list(facets["audiences"].terms)
    offer["activities"]["items"]["enum"] = list(facets["activities"].terms)
    if "certifications" in facets:
        offer["certifications"]["items"]["enum"] = list(facets["certifications"].terms)
    if "cpv_divisions" in facets:     # a CPV code starts with one of the divisions
        offer["cpv"]["items"]["pattern"] = (f"^(?:{'|'.join(facets['cpv_divisions'].terms)})"
                                            "[0-9]{6}-[0-9]$")
    need = document["$defs"]["Need"]["properties"]
    flow = document["$defs"]["Flow"]["properties"]
    if "need_types" in facets:
        need["type"]["enum"] = list(facets["need_types"].terms)
    if "materials" in facets:
        need["materials"]["items"]["enum"] = list(facets["materials"].terms)
        flow["material"]["enum"] = list(facets["materials"].terms)
    if "directions" in facets:
        flow["direction"]["enum"] = list(facets["directions"].terms)
    need["activities"]["items"]["enum"] = list(facets["activities"].terms)
    document["$defs"]["Address"]["properties"]["postal_code"]["enum"] = sorted(communes.BY_POSTAL_CODE)


def _add_member_rules(document: dict[str, Any], languages: Sequence[str],
                      default_language: str | None) -> None:
    """What load/members.py checks beyond the pydantic model, where JSON Schema can say it."""
    for node in _nodes(document):
        if schema.LANG_PATTERN in node.get("patternProperties", {}) and languages:
            node["propertyNames"] = {**node.get("propertyNames", {}), "enum": list(languages)}
            if default_language:
                node["required"] = [default_language]
    need = document["$defs"]["Need"]
    need["if"] = {"type": "object", "properties": {"type": {"const": MATERIAL_NEED}},
                  "required": ["type"]}
    need["then"] = {"type": "object", "required": ["materials"],
                    "properties": {"materials": {"type": "array", "minItems": 1}}}


def _nodes(value: Any) -> list[dict[str, Any]]:
    """Every object of a JSON Schema document, depth first."""
    found = []
    if isinstance(value, dict):
        found.append(value)
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found += _nodes(item)
    return found


def dump(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def member_reference(facets: Mapping[str, Facet]) -> str:
    """docs/member-reference.md: every field of member.yaml, from the schema."""
    lines = [
        "# member.yaml: field reference",
        "",
        "<!-- Generated by `circlemade schema` from circlemade_site/load/schema.py and",
        "     content/vocabularies.yaml. Do not edit by hand. -->",
        "",
        "Each member has a folder `members/<slug>/` with `member.yaml`, the description in",
        "`fr.md` and `nl.md` (Markdown, optional per language) and the logo file it names.",
        "Editors that understand JSON Schema (VS Code with the YAML extension, for example)",
        "complete and check the fields when the first line of member.yaml is",
        "`# yaml-language-server: $schema=../../schemas/member.schema.json`.",
        "",
    ]
    lines += _model_table(schema.MemberFront, "")
    for sub in (schema.Address, schema.Contact, schema.Person, schema.Offer, schema.Need,
                schema.Flow, schema.Quantity):
        prefix = {"Address": "address.", "Contact": "contact.", "Person": "contact.person.",
                  "Offer": "offers[].", "Need": "needs[].", "Flow": "flows[].",
                  "Quantity": "flows[].quantity."}[sub.__name__]
        lines += ["", f"## `{prefix.rstrip('.')}`", "", (sub.__doc__ or "").strip(), ""]
        lines += _model_table(sub, prefix)
    lines += ["", "## What only `circlemade check` verifies", "",
              "The JSON Schema says everything above that a schema can say: required texts in "
              "the default language, no other language than the site's, the forms of e-mail "
              "addresses, web and LinkedIn addresses, phone and enterprise numbers, postal "
              "codes and the logo's file name, vocabulary keys listed once. An editor cannot "
              "verify the rest, which `circlemade check` (and the pull request's check) does:",
              ""]
    lines += [f"- {key}: {text}." for key, text in CHECK_ONLY.items()]
    lines += ["", "The other way round, `check` reads a number written without quotes as text "
              "(`postal_code: 1060`) and trims spaces inside quotes (`\" 1060\"`), where the "
              "schema asks for the text itself: write `postal_code: \"1060\"`."]
    lines += ["", "## Vocabularies", "",
              "Keys to use in `kind`, `activities`, `sectors`, `offers[].audiences`, "
              "`needs[].type`, `needs[].materials`, `flows[].material` and `flows[].direction`, "
              "from `content/vocabularies.yaml`:", ""]
    for key in ("kind", "activities", "sectors", "audiences", "need_types", "materials",
                "directions"):
        facet = facets.get(key)
        if facet is None:
            continue
        lines += [f"### `{key}`", "", "| key | fr | nl |", "|---|---|---|"]
        for term in facet.terms.values():
            lines.append(f"| `{term.key}` | {term.label.texts.get('fr', '')} | {term.label.texts.get('nl', '')} |")
        lines.append("")
    lines += ["### Communes and postal codes", "", "| postal code | fr | nl |", "|---|---|---|"]
    for code, found in sorted(communes.BY_POSTAL_CODE.items()):
        lines.append(f"| {code} | {' / '.join(c.names.texts['fr'] for c in found)} | "
                     f"{' / '.join(c.names.texts['nl'] for c in found)} |")
    return "\n".join(lines).rstrip() + "\n"


def _model_table(model: type[BaseModel], prefix: str) -> list[str]:
    rows = ["| field | required | what it is | example |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        examples = info.examples or [e for meta in info.metadata for e in (getattr(meta, "examples", None) or [])]
        example = f"`{diagnose.yaml_inline(examples[0])}`" if examples else ""
        rows.append(f"| `{prefix}{name}` | {'yes' if info.is_required() else 'no'} | "
                    f"{info.description or ''} | {example} |")
    return rows
