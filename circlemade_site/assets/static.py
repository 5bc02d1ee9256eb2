"""Theme static files: collected from the theme and the site's overrides, with
fingerprinted names (`css/site.css` -> `static/css/site.3f2a1b4c5d.css`) so that they can be
cached for a year; a changed file gets a new name."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from circlemade_site.config import SiteConfig

STATIC_PREFIX = "static"


@dataclasses.dataclass(frozen=True, slots=True)
class Asset:
    logical: str        # as templates name it: "css/site.css"
    dest_rel: str       # in the output: "static/css/site.3f2a1b4c5d.css"
    data: bytes


def collect(config: SiteConfig) -> Mapping[str, Asset]:
    """Every static file by logical name; a file in content/overrides/static/ replaces the
    theme's file of the same name."""
    found: dict[str, Path] = {}
    for folder in (config.theme_dir / "static", config.overrides_dir / "static"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[path.relative_to(folder).as_posix()] = path
    assets = {}
    for logical, path in sorted(found.items()):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:10]
        pure = PurePosixPath(logical)
        dest = PurePosixPath(STATIC_PREFIX) / pure.with_name(f"{pure.stem}.{digest}{pure.suffix}")
        assets[logical] = Asset(logical, dest.as_posix(), data)
    return assets


def asset_url(assets: Mapping[str, Asset], logical: str) -> str:
    try:
        return "/" + assets[logical].dest_rel
    except KeyError:
        raise LookupError(f"no static file {logical!r} in the theme") from None
