"""`python -m circlemade_site ARGS` is `circlemade ARGS`."""

import sys

from circlemade_site.cli import main

sys.exit(main())
