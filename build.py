#!/usr/bin/env python3
"""Thin entry point: `python build.py ARGS` does exactly what `circlemade ARGS` does.

Netlify runs `python build.py build`; see netlify.toml.
"""

import sys

from circlemade_site.cli import main

if __name__ == "__main__":
    sys.exit(main())
