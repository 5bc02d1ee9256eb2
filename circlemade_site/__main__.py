"""`python -m circlemade_site ARGS` is `circlemade ARGS`."""

from circlemade_site.cli import run

run()
