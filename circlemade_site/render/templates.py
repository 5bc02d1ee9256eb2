"""The Jinja environment: theme loader with site overrides, strict and autoescaped.

A site overrides one template by putting a file of the same name in
content/overrides/templates/; everything else comes from themes/<theme>/templates/.

The environment knows nothing of one site's content, so the preview keeps it (and its
compiled templates) from reload to reload. What depends on the site (`url_for`,
`absolute`, `asset_url`, `reuse`) comes with each render, as `Helpers`; templates import
their macros `with context` to see them.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from circlemade_site import i18n
from circlemade_site.config import SiteConfig
from circlemade_site.errors import Diagnostic, msg
from circlemade_site.files import CacheSeal, code_digest


def template_dirs(config: SiteConfig) -> list[Path]:
    """Where templates are looked up, first match wins."""
    return [d for d in (config.overrides_dir / "templates", config.theme_dir / "templates")
            if d.is_dir()]


class SealedBytecode(jinja2.BytecodeCache):
    """The compiled templates, kept in `folder` (.cache/templates/) from build to build:
    a member's edit renders the directory again in each worker process, and compiling its
    templates took longer than rendering them. Loading one runs its code, so an entry is
    read only if it is sealed with a trusted build's key (files.CacheSeal), never by a
    build without the key; Jinja drops one whose template's source changed (its checksum).
    An entry that cannot be written costs the next build a compilation, never the build.
    Entries are named by Jinja's version and the generator's code (the environment's
    options change what a template compiles to); those of other versions are removed."""

    def __init__(self, folder: Path, seal: CacheSeal) -> None:
        self.folder, self.seal = folder, seal
        self.version = f"{jinja2.__version__}-{code_digest().hex()[:16]}-"
        self._pruned = False

    def _entry(self, bucket: jinja2.bccache.Bucket) -> tuple[Path, str]:
        name = self.version + bucket.key
        return self.folder / name, f"{self.folder.name}/{name}"

    def _prune(self) -> None:
        if not self._pruned:
            self._pruned = True
            for entry in self.folder.iterdir():
                if not entry.name.startswith(self.version):
                    entry.unlink(missing_ok=True)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.seal.trusted and (raw := self.seal.read(*self._entry(bucket))) is not None:
            bucket.bytecode_from_string(raw)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.seal.trusted:
            with contextlib.suppress(OSError):
                self.folder.mkdir(parents=True, exist_ok=True)
                self._prune()
                self.seal.write(*self._entry(bucket), bucket.bytecode_to_string())


def make_env(config: SiteConfig, bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The environment of `config`'s templates; `bytecode`, where their compiled code is
    kept between builds (SealedBytecode), none by default."""
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(language_name=i18n.language_name, text=text_in_page)
    env.filters["date"] = lambda value, locale, format="long": i18n.format_date(value, locale, format)
    env.filters["number"] = lambda value, locale: i18n.format_number(value, locale)
    env.filters["inline_css"] = inline_css
    return env


def inline_css(html: str) -> markupsafe.Markup:
    """The `inline_css` filter of e-mail templates (`{% filter inline_css %}` around the whole
    document): every rule of its <style> copied into the `style` attribute of the elements it
    selects (css-inline), since mail clients drop or ignore <style>; only the at-rules stay
    in a <style> (the dark-mode `prefers-color-scheme` and small-screen rules, which cannot
    be inlined and which clients that ignore them can do without). Nothing is fetched."""
    import css_inline  # only newsletters need it

    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=True,
                                    load_remote_stylesheets=False)
    return markupsafe.Markup(inliner.inline(str(html)))


@jinja2.pass_context
def text_in_page(context: jinja2.runtime.Context, value: Any) -> markupsafe.Markup:
    """A Text in the page: wrapped in <span lang> when it is written in another language
    than the page's (a fallback), so that screen readers pronounce it right. A Python
    global rather than a macro: it is called for every label of every page."""
    escaped = markupsafe.escape(value.text)
    if value.lang != context.get("lang"):
        return markupsafe.Markup(f'<span lang="{markupsafe.escape(value.lang)}">{escaped}</span>')
    return escaped


def fragments() -> Callable[..., markupsafe.Markup]:
    """The `reuse` global: `{{ reuse(m.member_card, card) }}` renders the macro once for
    this `card` object and returns the same HTML wherever the card is listed again (a
    member appears on the directory and on several facet pages). For macros whose output
    depends only on their arguments: a card is made per language, so its HTML is too.
    A new cache per build."""
    made: dict[tuple[int, str, tuple[Any, ...]], tuple[object, markupsafe.Markup]] = {}

    def reuse(macro: jinja2.runtime.Macro, value: object, *args: Any) -> markupsafe.Markup:
        key = (id(value), macro.name, args)
        found = made.get(key)
        if found is not None and found[0] is value:   # the object itself, not a reused id
            return found[1]
        html = markupsafe.Markup(macro(value, *args))
        made[key] = (value, html)
        return html

    return reuse


def helpers(url_for: Callable[..., str], absolute: Callable[[str], str],
            asset_url: Callable[[str], str]) -> dict[str, Any]:
    """What templates call that depends on the site being rendered: its router's URLs, its
    fingerprinted static files, and a `reuse` cache of its own."""
    return {"url_for": url_for, "absolute": absolute, "asset_url": asset_url,
            "reuse": fragments()}


def render(env: jinja2.Environment, template: str, context: Mapping[str, Any],
           site_helpers: Mapping[str, Any], config: SiteConfig) -> str:
    """Render `template`; a template or UI-string problem becomes a TemplateProblem that
    names the template file and line."""
    try:
        return env.get_template(template).render({**site_helpers, **context})
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(Diagnostic(_rel(config, exc.filename or template),
                                         msg("template syntax: {reason}", reason=exc.message),
                                         exc.lineno)) from exc
    except (jinja2.TemplateError, i18n.MissingString, LookupError, TypeError, ValueError,
            ArithmeticError, AttributeError, RecursionError) as exc:    # `x / 0`, a macro calling itself
        filename, line = _template_frame(config, sys.exc_info()[2])
        raise TemplateProblem(Diagnostic(filename or _rel(config, template),
                                         msg("while rendering {template}: {reason}",
                                             template=template, reason=str(exc)), line)) from exc


class TemplateProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)
        self.diagnostic = diagnostic


def _template_frame(config: SiteConfig, tb: Any) -> tuple[str | None, int | None]:
    """The innermost traceback frame that belongs to a template file."""
    found: tuple[str | None, int | None] = (None, None)
    dirs = [str(d) for d in template_dirs(config)]
    for frame in traceback.extract_tb(tb):
        if any(frame.filename.startswith(d) for d in dirs):
            found = (_rel(config, frame.filename), frame.lineno)
    return found


def _rel(config: SiteConfig, filename: str) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(config.root).as_posix()
    except ValueError:
        return filename
