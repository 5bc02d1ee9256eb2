"""Screenshots of key pages at phone and desktop width, for review (not a test).

    python tests/screenshots.py [public] [screenshots]

Serves the built site on a free local port and drives headless Chromium
(/usr/bin/chromium, or $CHROMIUM) to write PNGs into the screenshots folder (git ignores it).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PAGES = ["/", "/fr/", "/nl/", "/fr/a-propos/", "/nl/over-ons/", "/fr/membres/", "/nl/leden/",
         "/fr/membres/recable/", "/nl/leden/atelier-copeau-vif/", "/fr/offres/", "/nl/aanbod/",
         "/nl/leden/activiteit/herstelling/", "/fr/agenda/", "/nl/agenda/opleiding-overheidsopdrachten/",
         "/fr/actualites/", "/nl/campagnes/koop-circulair/", "/fr/recherche/?q=r%C3%A9paration",
         "/nl/zoeken/?q=herstelling", "/nl/404.html", "/fr/opportunites/", "/nl/kansen/",
         "/fr/membres/seconde-pierre/", "/nl/leden/ouate-nouvelle/"]
WIDTHS = {"phone": (375, 1700), "desktop": (1280, 1500)}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


def main(site: Path, out: Path, pages: list[str]) -> None:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        for page in pages:
            name = (page.split("?")[0].strip("/").replace("/", "_").replace(".html", "")
                    or "root") + ("-search" if "?" in page else "")
            for label, (width, height) in WIDTHS.items():
                target = out / f"{name}-{label}.png"
                with tempfile.TemporaryDirectory() as profile:
                    subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}",
                                    f"--window-size={width},{height}",
                                    f"--screenshot={target}", f"http://127.0.0.1:{port}{page}"],
                                   check=True, capture_output=True, timeout=60)
                print(target)
    finally:
        server.shutdown()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0] if args else "public"), Path(args[1] if len(args) > 1 else "screenshots"),
         args[2:] or PAGES)
