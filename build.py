#!/usr/bin/env python3
"""Thin entry point: `python build.py ARGS` does exactly what `circlemade ARGS` does.

Netlify runs `python build.py build`; see netlify.toml.
"""

from circlemade_site.cli import run

if __name__ == "__main__":
    run()
