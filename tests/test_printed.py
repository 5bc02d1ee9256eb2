"""The printed directory (site.yaml `print: true`): a tagged PDF per language, made with
WeasyPrint from the theme's printed.html and the site's stylesheet, cached by a digest of
what it is made from; read back with poppler (pdfinfo, pdftotext, pdftoppm), pypdf and a
QR decoder (zxing-cpp), as a reader and a phone would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from bs4 import BeautifulSoup
from conftest import NOW
from PIL import Image

from circlemade_site import pipeline
from circlemade_site.assets import printed
from circlemade_site.errors import BuildFailed
from circlemade_site.render import templates

OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW), search=False,
                                cache_key="k" * 64)
PDFS = {"fr": ("fr/annuaire.pdf", "membres"), "nl": ("nl/ledenlijst.pdf", "leden")}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def qr_codes(path: Path, folder: Path) -> list[str]:
    """Every QR code of every page, read from the pages drawn at 150 dpi."""
    prefix = folder / path.stem
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(prefix)], check=True)
    found: list[str] = []
    for page in sorted(folder.glob(f"{path.stem}-*.png")):
        found += [code.text for code in zxingcpp.read_barcodes(Image.open(page))]
    return found


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_printed_directory_opens_with_its_language_every_member_and_their_qr_codes(
        built_site: Path, sample: Path, tmp_path: Path, lang: str) -> None:
    rel, section = PDFS[lang]
    path = built_site / rel
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Tagged"].strip() == "yes" and fields["Page size"].strip().startswith("595")
    assert int(fields["Pages"]) >= 3
    reader = pypdf.PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert reader.metadata.title == {"fr": "Annuaire des membres – circlemade.brussels",
                                     "nl": "Ledenlijst – circlemade.brussels"}[lang]
    site = pipeline.load_site(sample, OPTIONS).site
    text = " ".join(pdf_text(path).split())
    assert [m.name for m in site.members if m.name not in text] == []
    assert ("Prévention des déchets" if lang == "fr" else "Afvalpreventie") in text
    profiles = {f"https://circlemade.brussels/{lang}/{section}/{m.slug}/" for m in site.members}
    codes = qr_codes(path, tmp_path)
    assert sorted(codes) == sorted(profiles)         # one per member, each its profile's


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_cover_and_contents_have_the_first_page_to_themselves(built_site: Path,
                                                                   sample: Path, lang: str) -> None:
    """The first page is the cover (title, lead, contents); the members start on page 2,
    and the contents give each section a page after the cover."""
    path = built_site / PDFS[lang][0]
    first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    site = pipeline.load_site(sample, OPTIONS).site
    assert ("Annuaire des membres" if lang == "fr" else "Ledenlijst") in first
    assert [m.name for m in site.members if m.name in first] == []
    pages = [int(line.rsplit(None, 1)[1]) for line in first.splitlines()
             if line.strip()[:1].isdigit() and "..." in line]
    assert pages and min(pages) == 2


def test_the_directory_page_links_each_pdf_with_its_size(built_site: Path) -> None:
    for lang, listing in (("fr", "membres"), ("nl", "leden")):
        page = BeautifulSoup((built_site / lang / listing / "index.html").read_text(), "html.parser")
        link = page.select_one(".printed-directory a")
        assert link["href"] == "/" + PDFS[lang][0]
        size = (built_site / PDFS[lang][0]).stat().st_size
        kilobytes = f"{round(size / 1000)} {'ko' if lang == 'fr' else 'kB'}"
        shown = link.get_text().replace("\u202f", " ").replace("\xa0", " ")
        assert shown == {"fr": f"Annuaire à imprimer (PDF, {kilobytes})",
                                   "nl": f"Afdrukbare ledenlijst (pdf, {kilobytes})"}[lang]


def test_an_unchanged_site_does_not_make_its_pdfs_again(make_project, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDFs are cached by what they are made from; those to make are made at the same
    time, one process per core (pipeline.make_all_printed), and are the PDFs one process
    makes."""
    import os
    root = make_project()
    log = tmp_path / "made.log"           # written by the processes that make a PDF
    render = printed.render_pdf

    def counted(html: str, base_url: str, fetch: printed.Fetch) -> bytes:
        with log.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        return render(html, base_url, fetch)

    def made() -> list[int]:
        return [int(pid) for pid in log.read_text(encoding="utf-8").split()] if log.exists() else []

    pages: list[str] = []                 # the printed pages rendered (in this process)
    real_render = templates.render

    def render_spy(env, template, *args, **kwargs):  # type: ignore[no-untyped-def]
        pages.extend([template] if template == "printed.html" else [])
        return real_render(env, template, *args, **kwargs)

    monkeypatch.setattr(printed, "render_pdf", counted)
    monkeypatch.setattr(templates, "render", render_spy)
    monkeypatch.setattr(pipeline, "_cores", lambda: 2)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    assert len(made()) == 2 and os.getpid() not in made()     # in two forked processes
    assert len(set(made())) == 2 and len(pages) == 2
    first = (tmp_path / "one" / "fr" / "annuaire.pdf").read_bytes()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert len(made()) == 2                   # both from .cache/print/
    assert len(pages) == 2                    # and their HTML from the render cache
    assert (tmp_path / "two" / "fr" / "annuaire.pdf").read_bytes() == first
    yaml = root / "members" / "recable" / "member.yaml"
    yaml.write_text(yaml.read_text().replace("name: Recâblé", "name: Recâblé Brussels"))
    pipeline.build(root, tmp_path / "three", OPTIONS)
    assert len(made()) == 4                   # a member changed: both languages again
    assert "Recâblé Brussels" in pdf_text(tmp_path / "three" / "nl" / "ledenlijst.pdf")
    shutil.rmtree(root / ".cache")
    monkeypatch.setattr(pipeline, "_cores", lambda: 1)
    pipeline.build(root, tmp_path / "four", OPTIONS)
    assert made()[4:] == [os.getpid(), os.getpid()]          # one process: this one
    for rel, _ in PDFS.values():
        assert (tmp_path / "four" / rel).read_bytes() == (tmp_path / "three" / rel).read_bytes()


def test_without_print_there_is_no_pdf_and_no_link(make_project, tmp_path: Path) -> None:
    root = make_project()
    settings = root / "content" / "site.yaml"
    settings.write_text(settings.read_text().replace("print: true", "print: false"))
    pipeline.build(root, tmp_path / "out", OPTIONS)
    assert not list((tmp_path / "out").rglob("*.pdf"))
    page = (tmp_path / "out" / "fr" / "membres" / "index.html").read_text()
    assert "printed-directory" not in page


def test_without_pango_the_build_stops_with_one_line(make_project, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    monkeypatch.setattr(printed, "unavailable", lambda: "cannot load library 'libpango-1.0-0'")
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "out", OPTIONS)
    line = next(n for n, text in enumerate((root / "content" / "site.yaml").read_text()
                                           .splitlines(), 1) if text.startswith("print:"))
    assert [str(d) for d in exc.value.diagnostics] == [
        f"content/site.yaml:{line}:1: error: print: the printed directory needs WeasyPrint and "
        "the Pango library (cannot load library 'libpango-1.0-0'): install them (pip install "
        "weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0) or set `print: false`"]
    assert not (tmp_path / "out").exists()


def test_weasyprint_reads_only_files_of_the_site() -> None:
    asked: list[str] = []

    def fetch(url: str) -> bytes | None:
        asked.append(url)
        return None

    html = ('<!doctype html><html lang="fr"><head><title>t</title>'
            '<link rel="stylesheet" href="https://fonts.example.org/x.css"></head><body>'
            '<img src="file:///etc/passwd" alt=""><img src="/media/logo.png" alt="">'
            '<p>Bonjour</p></body></html>')
    pdf = printed.render_pdf(html, "https://circlemade.brussels/", fetch)
    assert pdf.startswith(b"%PDF-") and asked == ["/media/logo.png"]
