"""What the matches between members cost, against a warm build of the same corpus.

    python bench/matches.py [N] [--corpus DIR] [--write-docs]

Makes (or reuses) the synthetic corpus of N members (bench/make_corpus.py, default 5,000),
builds it once cold and times two warm builds as whole processes; then, in this process,
times everything the matches add to a build: the index of the members (Matchmaker), both
lists of every member, and their view in every language (names, reasons, links), which is
what the profiles show. Prints the numbers and the share of a warm build; with
--write-docs, writes them as the "Matches between members" section of docs/performance.md
(bench/run.py keeps that section when it rewrites the file). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from circlemade_site import pipeline, urls  # noqa: E402
from circlemade_site.plan.opportunities import Matchmaker, match_view  # noqa: E402

NOW = "2026-11-29"
HEADING = "## Matches between members"


def build(corpus: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "-C", str(corpus), "build", "--out",
                    str(out), "--now", NOW], check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=5000)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    corpus = args.corpus or Path(f"/tmp/circlemade-bench-{args.n}")
    if not (corpus / "members").is_dir():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(args.n),
                        str(corpus)], check=True)
    out = corpus.parent / f"{corpus.name}-public"
    first = build(corpus, out)         # cold the first time; then the caches are warm
    print(f"first build: {first:.1f} s", flush=True)
    warm = [build(corpus, out) for _ in range(2)]
    print(f"warm builds: {', '.join(f'{w:.2f} s' for w in warm)}", flush=True)

    loaded = pipeline.load_site(corpus, pipeline.BuildOptions(now=dt.date.fromisoformat(NOW)))
    site = loaded.site
    router = urls.Router(site)
    posted = sum(len(m.needs) + len(m.flows) for m in site.members)
    runs = []
    shown = 0
    for _ in range(3):
        started = time.perf_counter()
        matchmaker = Matchmaker(site.members)
        shown = 0
        for member in site.members:
            for lang in site.config.languages:
                t = loaded.catalogs[lang]
                for found in (matchmaker.uses(member), matchmaker.supplies(member)):
                    view = match_view(site, router, lang, t, found, matchmaker.reasons)
                    shown += len(view["matches"]) if view else 0
        runs.append(time.perf_counter() - started)
    cost = statistics.median(runs)
    share = cost / statistics.median(warm)
    print(f"{len(site.members)} members, {posted} needs and flows, {shown} matches shown "
          f"(all languages)")
    print(f"matches: {cost * 1000:.0f} ms (median of 3: {', '.join(f'{r * 1000:.0f}' for r in runs)})"
          f" = {share:.1%} of a warm build")
    if args.write_docs:
        section = "\n".join([
            HEADING, "",
            f"`python bench/matches.py {args.n} --write-docs` on this machine, {dt.date.today()}: "
            f"the synthetic corpus of {len(site.members):,} members, {posted:,} current needs and "
            f"flows (about 60 % of members post 1-3 of each).", "",
            "| what | time |", "|---|---:|",
            f"| warm build, whole process (two runs) | {' / '.join(f'{w:.2f} s' for w in warm)} |",
            f"| the matches: index, both lists of every member, their view in "
            f"{len(site.config.languages)} languages ({shown:,} matches shown) | "
            f"{cost * 1000:.0f} ms (median of 3) |",
            f"| share of a warm build | **{share:.1%}** |", "",
            "The matches are made from one index of the members by what they give, take and "
            "do; a profile's list takes at most eleven members of each of its keys' groups, so "
            "the cost grows with the members, never with their pairs.", ""])
        doc_path = ROOT / "docs" / "performance.md"
        doc = doc_path.read_text(encoding="utf-8")
        if HEADING in doc:
            start = doc.index(HEADING)
            end = doc.find("\n## ", start + len(HEADING))
            doc = doc[:start] + section + (doc[end + 1:] if end >= 0 else "")
        else:
            doc = doc.rstrip("\n") + "\n\n" + section
        doc_path.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
