"""The JSON Schemas editors use, held to a real JSON Schema validator (jsonschema, Draft
2020-12, the draft they declare): every member of the test site passes, and the mistakes
the build refuses with a pattern, an enum or a length are refused by the editor too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from circlemade_site import reference
from circlemade_site.load.members import load_vocabularies
from circlemade_site.load.settings import load_config


def as_json(value: Any) -> Any:
    """YAML as an editor's validator sees it: dates are strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.fixture(scope="module")
def member_schema(sample: Path) -> jsonschema.Draft202012Validator:
    config = load_config(sample)
    document = reference.json_schemas(load_vocabularies(config, []))["member.schema.json"]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def test_every_member_of_the_test_site_is_valid(sample: Path, member_schema) -> None:
    files = sorted((sample / "members").glob("*/member.yaml"))
    assert len(files) == 13
    for path in files:
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert [e.message for e in member_schema.iter_errors(data)] == [], path


@pytest.mark.parametrize(("path", "value"), [
    (("flows", 0, "waste_code"), "17 2 01"),          # not three pairs of digits
    (("flows", 0, "waste_code"), "21 01 01"),         # no 21st chapter
    (("flows", 0, "material"), "woood"),              # not in the vocabulary
    (("flows", 0, "quantity", "unit"), "tonnes"),
    (("needs", 0, "type"), "gift"),
    (("address", "postal_code"), "9999"),             # not a Brussels postal code
    (("kind", ), "startup"),
    (("maintainers", 0), "-bad-login"),
    (("tagline", "fr"), "x" * 161),
])
def test_the_editor_refuses_what_the_build_refuses(sample: Path, member_schema, path: tuple,
                                                   value: object) -> None:
    data = as_json(yaml.safe_load((sample / "members" / "recable" / "member.yaml").read_text(
        encoding="utf-8")))
    data.setdefault("maintainers", ["recable-dev"])
    assert list(member_schema.iter_errors(data)) == []
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(member_schema.iter_errors(data)), json.dumps(value)
