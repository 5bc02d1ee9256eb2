"""The command line: `circlemade build | serve | check | new | stale | i18n | schema | owners | cms`.

Exit codes: 0 success, 1 content errors (every one listed, no traceback), a file that
cannot be read or written (one line), or, for `stale` and the `--check` options,
something to update; 2 usage errors.

The cache key of a trusted build is read here, from CIRCLEMADE_CACHE_KEY (files.cache_key):
without it nothing in .cache/ is reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from circlemade_site import __version__, pipeline, translations
from circlemade_site.errors import (
    MESSAGE_LANGUAGES,
    BuildFailed,
    Diagnostic,
    OutputFailed,
    SiteError,
    UsageError,
    msg,
    reader_language,
    tr,
)
from circlemade_site.files import cache_key

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _months(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of months (1 or more)")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="circlemade", description="Build the circlemade.brussels site from content/ and members/.")
    top.add_argument("--version", action="version", version=f"circlemade {__version__}")
    top.add_argument("-C", "--project", type=Path, default=Path("."), metavar="DIR",
                     help="the project folder (default: the current folder)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def output_format(p: argparse.ArgumentParser) -> None:
        default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        p.add_argument("--format", choices=("text", "github"), default=default,
                       help="how to print problems: text, or GitHub workflow annotations "
                            "in French and Dutch (default under GitHub Actions)")
        message_language(p)

    def message_language(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=MESSAGE_LANGUAGES, default=None,
                       help="the language of the messages (default: from LC_ALL, "
                            "LC_MESSAGES or LANG, else English)")

    build = commands.add_parser("build", help="build the site into a folder")
    build.add_argument("--out", type=Path, default=Path("public"), metavar="DIR",
                       help="output folder, replaced atomically (default: public)")
    build.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="the date the site is built for (default: today in Brussels)")
    build.add_argument("--drafts", action="store_true", help="include drafts")
    build.add_argument("--preview", action="store_true", help=argparse.SUPPRESS)  # serve's full build
    output_format(build)

    serve = commands.add_parser("serve", help="preview with live reload on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="default: 8000")
    serve.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD")
    serve.add_argument("--no-search", dest="search", action="store_false",
                       help="do not build the search index in the background")
    serve.add_argument("--cms", action="store_true",
                       help="also serve the CMS at /admin/, saving into this folder (runs "
                            "decap-server, from `npm ci --prefix cms`)")
    message_language(serve)

    check = commands.add_parser("check", help="validate the content and render everything, without writing the site")
    check.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD")
    check.add_argument("--author", metavar="LOGIN", help="with --base: the GitHub login of the "
                       "pull request's author; adds who may change what")
    check.add_argument("--base", metavar="REF", help="with --author: the pull request's base "
                       "commit, where the team and the maintainers are read")
    output_format(check)

    owners = commands.add_parser("owners", help="write .github/CODEOWNERS from the team")
    owners.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if .github/CODEOWNERS is out of date")

    new = commands.add_parser("new", help="scaffold new content")
    new_kinds = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    new_member = new_kinds.add_parser("member", help="a member folder that passes check")
    new_member.add_argument("slug", help="folder name: lowercase letters, digits, hyphens")
    new_member.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD",
                            help="the day written as member_since and reviewed (default: today "
                                 "in Brussels)")
    for kind, folder in (("event", "events"), ("campaign", "campaigns"), ("news", "news"),
                         ("page", "pages")):
        new_content = new_kinds.add_parser(
            kind, help=f"content/{folder}/NAME.<lang>.md in every language, as a draft")
        new_content.add_argument("name", help="file name: lowercase letters, digits, hyphens")
        new_content.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD",
                                 help="the day its dates start from (default: today in "
                                      "Brussels)")

    stale = commands.add_parser("stale", help="list the member profiles not reviewed for a while, "
                                              "with their maintainers; exit 1 if there are any")
    stale.add_argument("--months", type=_months, default=12, metavar="N",
                       help="list the profiles not reviewed for N months, and those without "
                            "`reviewed` (default: 12)")
    stale.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="the date to count from (default: today in Brussels)")
    message_language(stale)

    letter = commands.add_parser("newsletter", help="a campaign's newsletter: e-mail HTML "
                                 "(or its plain-text part) to paste into the mailing tool")
    letter.add_argument("campaign", help="the campaign: its file name (content/campaigns/"
                        "NAME.<lang>.md) or its slug in any language")
    letter.add_argument("--lang", dest="newsletter_lang", default=None, metavar="LANG",
                        help="the newsletter's language, one of the site's (default: the "
                             "site's default language); messages follow it")
    letter.add_argument("--text", action="store_true", help="the plain-text part instead of the HTML")
    letter.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write it to FILE (default: print it)")
    letter.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="the date its upcoming events start from (default: today in Brussels)")
    letter.add_argument("--drafts", action="store_true", help="include drafts")

    commands.add_parser("i18n", help="translation coverage per language: what is missing where")

    cms = commands.add_parser("cms", help="the CMS at /admin/: print its config.yml, generated "
                                          "from the schemas")
    cms.add_argument("--check", action="store_true",
                     help="write one entry per collection as the CMS writes it, in a copy of the "
                          "project, and check it; exit 1 if check refuses what the CMS saves")
    cms.add_argument("--now", type=_date, default=None, metavar="YYYY-MM-DD")
    output_format(cms)

    schema = commands.add_parser("schema", help="write the JSON Schemas (schemas/) and the "
                                                "member field reference (docs/member-reference.md)")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a committed file is out of date")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = args.project
    fmt = getattr(args, "format", "text")
    lang = reader_language(getattr(args, "lang", None))
    try:
        options = pipeline.BuildOptions(
            **({"now": args.now} if getattr(args, "now", None) else {}),
            drafts=getattr(args, "drafts", False), dev=getattr(args, "preview", False),
            cache_key=cache_key(os.environ))
        if args.command == "build":
            report = pipeline.build(root, root / args.out if not args.out.is_absolute() else args.out,
                                    options)
            print_diagnostics(report.warnings, fmt, lang)
            print(translations.summary(report.translations))
            print(f"Built {report.pages} pages ({report.files} files: {report.written} written, "
                  f"{report.unchanged} unchanged, {report.removed} removed) into "
                  f"{_shown(report.out)} in {report.seconds:.2f} s{_peak_memory()}")
        elif args.command == "check":
            if (args.author is None) != (args.base is None):
                raise UsageError("--author and --base go together")
            loaded = pipeline.check(root, options, (args.author, args.base)
                                    if args.author is not None else None)
            print_diagnostics(loaded.warnings, fmt, lang)
            site = loaded.site
            print(f"No problems found: {len(site.pages)} pages, {len(site.members)} members, "
                  f"{len(site.events)} events, {len(site.news)} news items, "
                  f"{len(site.campaigns)} campaigns.")
        elif args.command == "new":
            from circlemade_site import scaffold
            from circlemade_site.load.settings import load_config
            config = load_config(root)
            if args.kind != "member":
                files = scaffold.new_content(root, args.kind, args.name, config.languages,
                                             config.default_language, options.now)
                print(f"Created {', '.join(_shown(p.resolve()).rstrip('/') for p in files)}: "
                      "replace the "
                      "example texts, then remove `draft: true` to publish; `circlemade "
                      "check` lists what is left.")
                return EXIT_OK
            folder = scaffold.new_member(root, args.slug, options.now,
                                         config.hide_contact_after_months)
            print(f"Created {_shown(folder.resolve())}: edit member.yaml, fr.md, nl.md and "
                  "replace logo.png, then run `circlemade check`.")
        elif args.command == "stale":
            from circlemade_site import freshness
            loaded = pipeline.load_site(root, options)
            lines, count = freshness.report(loaded.site, options.now, args.months)
            print("\n".join(lines))
            return EXIT_CONTENT if count else EXIT_OK
        elif args.command == "newsletter":
            return newsletter(root, args, options)
        elif args.command == "i18n":
            loaded = pipeline.check(root, options)
            print(translations.details(translations.coverage(loaded.site)))
        elif args.command == "schema":
            if args.check:
                stale = check_schemas(root)
                for path in stale:
                    print(f"{path}: error: out of date; run `circlemade schema` and commit it",
                          file=sys.stderr)
                return EXIT_CONTENT if stale else EXIT_OK
            for written in write_schemas(root):
                print(f"Wrote {_shown(written.resolve()).rstrip('/')}")
        elif args.command == "cms":
            if args.check:
                samples = pipeline.check_cms(root, options)
                print(f"The CMS writes what check accepts: {len(samples)} sample files "
                      f"({', '.join(samples)}).")
            else:
                from circlemade_site import cms
                from circlemade_site.load import members
                from circlemade_site.load.settings import load_config
                config = load_config(root)
                if config.cms is None:
                    raise UsageError("content/site.yaml has no `cms:`")
                diagnostics: list[Diagnostic] = []
                facets = members.load_vocabularies(config, diagnostics)
                if diagnostics:
                    raise BuildFailed(diagnostics)
                print(cms.config_yml(config, facets), end="")
        elif args.command == "owners":
            return write_codeowners(root, args.check)
        elif args.command == "serve":
            from circlemade_site import serve  # imports the web server only when needed
            return serve.serve(root, port=args.port, options=options, search=args.search,
                               lang=lang, cms=args.cms)
    except BuildFailed as exc:
        print_diagnostics(exc.diagnostics, fmt, lang)
        print(tr(lang, msg("Build failed: {summary}; nothing was written.",
                           summary=exc.summary(lang))), file=sys.stderr)
        return EXIT_CONTENT
    except UsageError as exc:
        print(f"circlemade: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutputFailed as exc:
        print(f"circlemade: error: {tr(lang, exc.message)}", file=sys.stderr)
        return EXIT_CONTENT
    except SiteError as exc:
        print(f"circlemade: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    return EXIT_OK


# Commands whose process ends as soon as their output is flushed (`run`)
ENDS_AT_ONCE = ("build", "check")


def run() -> None:
    """The program (the `circlemade` command, build.py, `python -m circlemade_site`):
    `main`, then exit with its code. A build or a check ends its process at once
    (os._exit), once its output is flushed and every file is written and closed:
    otherwise the interpreter spends 0.17 s at 1,000 members freeing the loaded site's
    objects one by one before it exits."""
    argv = sys.argv[1:]
    code = main(argv)
    if parser().parse_args(argv).command in ENDS_AT_ONCE:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:         # the output was closed (a pipe): nothing more to say
            code = code or EXIT_CONTENT
        os._exit(code)
    sys.exit(code)


def newsletter(root: Path, args: argparse.Namespace, options: pipeline.BuildOptions) -> int:
    """`circlemade newsletter CAMPAIGN`: the newsletter the build writes beside the
    campaign's page, printed or written to --out. An unknown campaign or language is a
    usage error (exit 2), in the newsletter's language when the messages have it."""
    from circlemade_site import urls

    asked = args.newsletter_lang
    lang = asked if asked in MESSAGE_LANGUAGES else reader_language()
    loaded = pipeline.load_site(root, options)
    config = loaded.site.config
    chosen = asked or config.default_language
    if chosen not in config.languages:
        raise UsageError(tr(lang, msg("{lang!r} is not a language of the site; choose one of "
                                      "{languages}.", lang=chosen,
                                      languages=", ".join(config.languages))))
    campaign = next((c for c in loaded.site.campaigns if args.campaign == c.name
                     or args.campaign in {t.slug for t in c.texts.values()}), None)
    if campaign is None:
        names = ", ".join(sorted(c.name for c in loaded.site.campaigns))
        raise UsageError(tr(lang, msg("no published campaign is named {name!r}; the campaigns "
                                      "are: {names}.", name=args.campaign, names=names or "-")))
    target = urls.Newsletter(campaign, "txt" if args.text else "html")
    data = pipeline.render_one(loaded, options, urls.Router(loaded.site).dest_for(target, chosen)
                               .as_posix())
    if args.out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        try:
            args.out.write_bytes(data)
        except OSError as exc:
            raise OutputFailed(pipeline.io_failure(exc, args.out)) from exc
        print(tr(lang, msg("Wrote {path}.", path=_shown(args.out.resolve()).rstrip("/"))),
              file=sys.stderr)
    return EXIT_OK


def schema_files(root: Path) -> dict[str, str]:
    """Project-relative path -> text of every file `circlemade schema` writes."""
    from circlemade_site import reference
    from circlemade_site.load import members
    from circlemade_site.load.settings import load_config
    config = load_config(root)
    diagnostics: list[Diagnostic] = []
    facets = members.load_vocabularies(config, diagnostics)
    if diagnostics:
        raise BuildFailed(diagnostics)
    files = {f"{reference.SCHEMA_DIR}/{name}": reference.dump(document)
             for name, document in reference.json_schemas(
                 facets, config.languages, config.default_language).items()}
    files[reference.REFERENCE_DOC] = reference.member_reference(facets)
    return files


def write_schemas(root: Path) -> list[Path]:
    written = []
    for rel_path, text in schema_files(root).items():
        path = root.resolve() / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check_schemas(root: Path) -> list[str]:
    """The files of `circlemade schema` that are missing or differ from what it writes."""
    stale = []
    for rel_path, text in schema_files(root).items():
        path = root.resolve() / rel_path
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel_path)
    return stale


def write_codeowners(root: Path, check_only: bool) -> int:
    from circlemade_site.load.ownership import codeowners
    from circlemade_site.load.settings import load_config
    config = load_config(root)
    path = config.root / ".github" / "CODEOWNERS"
    text = codeowners(config.team)
    if check_only:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return EXIT_OK
        print(".github/CODEOWNERS: error: out of date; run `circlemade owners` and commit it",
              file=sys.stderr)
        return EXIT_CONTENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {_shown(path.resolve()).rstrip('/')}")
    return EXIT_OK


def print_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str, lang: str = "en") -> None:
    for diagnostic in diagnostics:
        if fmt == "github":
            print(diagnostic.github())
        else:
            print(diagnostic.render(lang), file=sys.stderr)


def _peak_memory() -> str:
    """'; peak memory 412 MiB (helpers 960 MiB)': this process, and the largest of its
    helper processes (image workers, Pagefind), from getrusage."""
    try:
        import resource
    except ImportError:      # not on this system
        return ""
    unit = 1 if sys.platform == "darwin" else 1024        # bytes on macOS, KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
    text = f"; peak memory {own / 2**20:.0f} MiB"
    return text + (f" (largest helper process {helpers / 2**20:.0f} MiB)" if helpers else "")


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() + "/"
    except ValueError:
        return str(path)
