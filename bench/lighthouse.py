"""Lighthouse performance scores of the key pages, on the sample site and on N members.

    npm ci --prefix bench --no-audit --no-fund --ignore-scripts     # Lighthouse 12.2.3, once
    .venv/bin/python bench/lighthouse.py [--members 1000] [--runs 3] [--work /work/bench-runs]
                                         [--write-docs]

Builds the repository's sample site (content/ and members/) and the synthetic corpus of
--members members (bench/make_corpus.py, shared with bench/run.py in WORK/corpus-N, with the
repository's current themes/ copied in), both for --now 2026-11-29; serves each with
bench/netlify_server.py (netlify.toml's headers, gzip, the 404 rules); and runs Lighthouse
(bench/package.json: 12.2.3, the last release that runs on Node 20) in Debian's Chromium
with its default mobile settings (Moto G Power emulation, simulated throttling: 150 ms RTT,
1.6 Mbit/s, 4x CPU slowdown), performance category only, --runs times per page. Pages: the
French home, the directory, the first profile of the directory, the agenda and its first
upcoming event. Reports the median score per page and the metrics of the median run, and
with --write-docs writes them as the "Lighthouse" section of docs/performance.md (bench/run.py
keeps it). JSON reports are kept in WORK/lighthouse/. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
import netlify_server  # noqa: E402
import run as bench_run  # noqa: E402  (the work folder and the corpus, shared with run.py)

NOW = bench_run.NOW
HEADING = "## Lighthouse"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
FINDINGS = """\
What the audits found and the theme changed (issue #16): the directory's filters appeared
above the results only once `filters.js` had run, pushing the cards down on a phone (CLS 0.41,
score 80 on the sample site); the page is now served in its final layout (the folded box
holds the facet links until the script puts the form in their place), and
`tests/test_browser_directory.py` measures the layout shift with the script held back past
the first paint. At 1,000 members the directory (one page of 1,000 cards, 11,500 elements)
scored 79, Total Blocking Time 880 ms: 1.2 s of style and layout and a pass of the script
over every card. The cards now have `content-visibility: auto` (off-screen cards are not
styled or laid out until scrolled near) and the script leaves an unfiltered listing as
served. What is left of the directory's main-thread time is parsing 1 MB of HTML; TBT is
the metric that moves with the machine's load (measured again at a busier moment, load
average about 8 on 2 cores, the directory scored 86-91). A listing of 200 cards per page
(a copy of the page cut to its first 200 cards) scored 97 at that busy moment:
`listing_page_size` (content/site.yaml) is the lever if a busier directory ever falls under
95.
"""
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP",
           "total-blocking-time": "TBT", "cumulative-layout-shift": "CLS", "speed-index": "SI"}


def build(project: Path, out: Path) -> str:
    proc = subprocess.run([bench_run.PYTHON, str(ROOT / "build.py"), "-C", str(project), "build",
                           "--out", str(out), "--now", NOW], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"error: the build of {project} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip().splitlines()[-1]


def first_link(page: Path, pattern: str) -> str:
    found = re.search(pattern, page.read_text(encoding="utf-8"))
    if not found:
        sys.exit(f"error: no link matching {pattern!r} in {page}")
    return found.group(1)


def pages_of(public: Path) -> dict[str, str]:
    """The pages measured: label -> path."""
    return {
        "home": "/fr/",
        "directory": "/fr/membres/",
        "profile": first_link(public / "fr" / "membres" / "index.html",
                              r'class="card-title"><a href="(/fr/membres/[^"]+/)"'),
        "agenda": "/fr/agenda/",
        "event": first_link(public / "fr" / "agenda" / "index.html",
                            r'href="(/fr/agenda/[a-z0-9-]+/)"'),
    }


def lighthouse(url: str, report: Path) -> dict:
    cmd = [str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json",
           f"--output-path={report}", "--quiet", f"--chrome-flags={CHROME_FLAGS}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CHROME_PATH": CHROMIUM})
    if proc.returncode != 0:
        sys.exit(f"error: lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def dom_elements(result: dict) -> int | None:
    items = result["audits"].get("dom-size", {}).get("details", {}).get("items", [])
    return int(items[0]["value"]["value"]) if items else None


def measure(label: str, public: Path, runs: int, reports: Path) -> list[dict]:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    rows = []
    with netlify_server.serve(public) as base:
        for page, path in pages_of(public).items():
            results = []
            for i in range(runs):
                result = lighthouse(base + path, reports / f"{slug}-{page}-{i + 1}.json")
                results.append(result)
                score = result["categories"]["performance"]["score"] * 100
                print(f"{label} {page} {path} run {i + 1}: {score:.0f}", flush=True)
            results.sort(key=lambda r: r["categories"]["performance"]["score"])
            median = results[len(results) // 2]
            rows.append({
                "site": label, "page": page, "path": path,
                "scores": [round(r["categories"]["performance"]["score"] * 100) for r in results],
                "score": round(statistics.median(r["categories"]["performance"]["score"] * 100
                                                 for r in results)),
                "metrics": {short: median["audits"][key]["displayValue"]
                            for key, short in METRICS.items()},
                "dom": dom_elements(median),
                "weight": median["audits"]["total-byte-weight"]["numericValue"],
            })
    return rows


def section(rows: list[dict], args: argparse.Namespace, info: dict[str, str], version: str,
            chromium: str, summaries: dict[str, str], started: dt.datetime) -> str:
    lines = [
        HEADING, "",
        "Lighthouse's performance score (0-100; 90 and more is \"good\") of the key pages, mobile: "
        "`bench/lighthouse.py` builds the site, serves it as Netlify does (`bench/netlify_server.py`: "
        "netlify.toml's headers, gzip, the 404 rules) and runs Lighthouse with its default mobile "
        "settings (Moto G Power emulation, simulated throttling: 150 ms RTT, 1.6 Mbit/s, 4x CPU "
        "slowdown), performance category only.", "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}; Lighthouse {version} "
        f"(`bench/package.json`); {chromium} (`{CHROMIUM}`); Node {info['node']}",
        f"- machine: `nproc` {info['nproc']}, {info['memory']}, {info['cpu']}; {info['os']}; the "
        "other sessions sharing the machine were not stopped",
        f"- invocation: `.venv/bin/python bench/lighthouse.py {' '.join(args.argv)}`; "
        f"{args.runs} run(s) per page, median score (every run's score in brackets) and the "
        "metrics of the median run",
        "- each run: `CHROME_PATH=/usr/bin/chromium bench/node_modules/.bin/lighthouse URL "
        f"--only-categories=performance --output=json --chrome-flags=\"{CHROME_FLAGS}\"`",
    ]
    for label, summary in summaries.items():
        lines.append(f"- {label}: `{summary}`")
    lines += ["", FINDINGS.rstrip("\n")]
    lines += ["", "| site | page | score | FCP | LCP | TBT | CLS | Speed Index | DOM elements | "
                  "transferred |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        m = row["metrics"]
        lines.append(
            f"| {row['site']} | {row['page']} `{row['path']}` | **{row['score']}** "
            f"({', '.join(map(str, row['scores']))}) | {m['FCP']} | {m['LCP']} | {m['TBT']} | "
            f"{m['CLS']} | {m['SI']} | {row['dom'] if row['dom'] is not None else '—'} | "
            f"{row['weight'] / 1024:.0f} KiB |")
    return "\n".join(lines) + "\n"


def machine() -> dict[str, str]:
    info = bench_run.machine()
    info["node"] = subprocess.run(["node", "--version"], capture_output=True,
                                  text=True).stdout.strip().lstrip("v")
    info.setdefault("os", platform.platform())
    return info


def write_docs(text: str) -> None:
    doc_path = ROOT / "docs" / "performance.md"
    doc = doc_path.read_text(encoding="utf-8")
    if HEADING in doc:
        start = doc.index(HEADING)
        end = doc.find("\n## ", start + len(HEADING))
        doc = doc[:start] + text + (doc[end:] if end >= 0 else "")
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    doc_path.write_text(doc, encoding="utf-8")
    print(f"wrote {doc_path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000, help="0: the sample site only")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/work/bench-runs"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    if not LIGHTHOUSE.exists():
        sys.exit("error: Lighthouse is not installed: npm ci --prefix bench --no-audit --no-fund "
                 "--ignore-scripts")
    started = dt.datetime.now(dt.UTC)
    bench_run.WORK = bench_run.prepare_work(args.work)
    work = bench_run.WORK
    reports = work / "lighthouse"
    reports.mkdir(exist_ok=True)
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True,
                             text=True).stdout.strip()
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True,
                              text=True).stdout.strip()
    sites = {"sample site": (ROOT, work / "lighthouse-sample")}
    if args.members:
        corpus, note = bench_run.ensure_corpus(args.members, args.seed)
        print(f"corpus {corpus}: {note}", flush=True)
        sites[f"{args.members:,} members"] = (corpus, work / f"lighthouse-{args.members}")
    rows: list[dict] = []
    summaries = {}
    for label, (project, out) in sites.items():
        t0 = time.perf_counter()
        summaries[label] = build(project, out)
        print(f"{label}: built in {time.perf_counter() - t0:.0f} s", flush=True)
        rows += measure(label, out, args.runs, reports)
    text = section(rows, args, machine(), version, chromium, summaries, started)
    print(text)
    (reports / "summary.md").write_text(text, encoding="utf-8")
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
