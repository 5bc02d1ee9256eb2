"""netlify.toml agrees with the site: publish folder, 404 per language, caching, headers."""

from __future__ import annotations

import json
import re
import tomllib

from circlemade_site import pipeline
from circlemade_site.load.settings import load_config


def test_netlify_wires_the_build_and_every_language(repo, sample) -> None:
    netlify = tomllib.loads((repo / "netlify.toml").read_text())
    config = load_config(sample)
    assert netlify["build"]["publish"] == "public"
    assert "python build.py build" in netlify["build"]["command"]
    redirects = netlify["redirects"]
    for lang in config.languages:
        assert {"from": f"/{lang}/*", "to": f"/{lang}/404.html", "status": 404} in redirects
        assert {"from": "/", "to": f"/{lang}/", "status": 302, "force": True,
                "conditions": {"Language": [lang]}} in redirects
    headers = {rule["for"]: rule["values"] for rule in netlify["headers"]}
    assert headers["/static/*"]["Cache-Control"] == "public, max-age=31536000, immutable"
    csp = headers["/*"]["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_netlify_keeps_the_build_cache_between_deploys(repo) -> None:
    """A deploy after a one-profile pull request is a warm build: .cache/ is restored."""
    netlify = tomllib.loads((repo / "netlify.toml").read_text())
    plugins = {p["package"]: p.get("inputs", {}) for p in netlify["plugins"]}
    assert plugins["netlify-plugin-cache"]["paths"] == [pipeline.CACHE_DIR]
    package = json.loads((repo / "package.json").read_text())
    lock = json.loads((repo / "package-lock.json").read_text())
    assert "netlify-plugin-cache" in package["devDependencies"]
    assert lock["packages"]["node_modules/netlify-plugin-cache"]["integrity"].startswith("sha512-")
    assert "/.cache/" in (repo / ".gitignore").read_text().split()


def test_every_fingerprinted_file_is_cached_for_a_year_and_only_those(repo, built_site) -> None:
    """/static/ and /media/ hold only files whose name carries a digest of their content, and
    both folders get the year-long immutable Cache-Control."""
    netlify = tomllib.loads((repo / "netlify.toml").read_text())
    immutable = [rule["for"] for rule in netlify["headers"]
                 if rule["values"].get("Cache-Control") == "public, max-age=31536000, immutable"]
    assert sorted(immutable) == ["/media/*", "/static/*"]
    fingerprinted = re.compile(r"[.-][0-9a-f]{10}(-[0-9]+)?\.[a-z0-9]+$")  # logo-1a2b3c4d5e-160.webp
    for folder in ("static", "media"):
        files = [p for p in (built_site / folder).rglob("*") if p.is_file()]
        assert files
        for path in files:
            assert fingerprinted.search(path.name), path.relative_to(built_site)
