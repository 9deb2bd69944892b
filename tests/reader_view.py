"""The page as a reader sees it, so that pytest-markdown-docs runs every Python block a reader sees.

Out of the box the plugin reads the raw Markdown, so it would run a
``--8<--`` include line as Python and skip fences nested in admonitions,
collapsible answers and content tabs. Here its Markdown parser is wrapped so
that each page is first turned into what a reader sees:

1. includes are expanded by pymdownx.snippets itself, configured as in
   ``mkdocs.yml``, so the tests run exactly the code the site shows;
2. fences nested in admonitions, ``???`` blocks and tabs are un-indented, so
   the parser sees them as top-level fences (line count unchanged);
3. a block the build executes (``exec="on"``) runs as the build runs it,
   through markdown-exec, blocks of one ``session`` in one namespace, and its
   output is kept for the build of the same test run (``ExecRunner``); a
   block that shows a section of a ``snippets/`` module runs inside that
   module (its imports and helpers in scope); other blocks run alone.

``tests/test_every_block_runs.py`` checks the result against the built site:
every Python block in every page's HTML is one of the blocks collected here.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import importlib.util
import re
from pathlib import Path

import markdown
import yaml
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import DefaultRunner, _registered_runners

ROOT = Path(__file__).resolve().parents[1]
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
PYTHON_LANGS = {"py", "python", "python3"}
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["'](?P<path>snippets/[\w/]+\.py)(?::[\w-]+)?["']\s*$""")
ATTRIBUTE = re.compile(r"""\b(?P<key>[\w-]+)=(?:"(?P<value>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s}]+))""")


class _IgnoreTags(yaml.SafeLoader):
    """Reads YAML without executing its ``!!python/...`` or ``!ENV`` tags."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict:
    """``mkdocs.yml``, read without executing its tags."""
    return copy.deepcopy(_parsed((ROOT / "mkdocs.yml").read_text()))


@functools.cache
def _parsed(text: str) -> dict:
    # Every page and every docstring the plugin collects asks for the configuration: parsing the
    # YAML each time was most of the collection's time.
    return yaml.load(text, Loader=_IgnoreTags)


def nav_sources(nav=None) -> list[str]:
    """The source file of every page in ``mkdocs.yml``'s navigation, in order."""
    sources = []
    for item in mkdocs_config()["nav"] if nav is None else nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        sources += nav_sources(value) if isinstance(value, list) else [value]
    return sources


def snippets_config() -> dict:
    config = mkdocs_config()
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            cfg = dict(ext["pymdownx.snippets"])
            cfg["base_path"] = [str(ROOT / p) for p in cfg.get("base_path", ["."])]
            return cfg
    raise LookupError("mkdocs.yml does not configure pymdownx.snippets")


def expand_includes(source: str) -> str:
    """Expand ``--8<--`` includes exactly as the site build does."""
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": snippets_config()})
    return "\n".join(md.preprocessors["snippet"].run(source.split("\n")))


def _is_python(info: str) -> bool:
    info = info.strip()
    if info.startswith("{"):
        words = info.strip("{}").split()
        return any(w in {"." + lang for lang in PYTHON_LANGS} for w in words)
    return bool(info) and info.split()[0] in PYTHON_LANGS


class ExecRunner(DefaultRunner):
    """Runs a block the build executes exactly as the build does, and keeps its output for the build.

    The block goes through ``markdown_exec.formatter`` with the options
    markdown-exec's ``validator`` reads from the fence, so blocks of one
    ``session`` share markdown-exec's namespace, in page order, as in the build.
    A block that fails fails its test with markdown-exec's report (the code
    and the traceback, ending with the assert message that names the claim).
    A block that passes leaves its HTML in the build cache under the key the
    build computes (hooks/build_cache.py): the site build of the same test run
    shows that output instead of running the block again.
    """

    def __init__(self, attributes: dict[str, str]):
        self.attributes = attributes

    def runtest(self, test, args, *, asyncio_runner=None):
        import markdown_exec

        hook, md, keys = _the_build()
        options: dict = {}
        markdown_exec.validator("python", dict(self.attributes), options, {}, md)
        # as SuperFences passes it: without the plugin's padding (blank lines that keep line numbers) or last newline
        source = test.source.lstrip("\n").removesuffix("\n")
        html, failures = hook.run_counting_warnings(markdown_exec.formatter, source, "python", "python", options, md)
        entry = keys.entry("python", source, options)
        if failures:
            raise AssertionError("\n".join(failures))
        hook.store(entry, html)


@functools.cache
def _the_build():
    """(the build cache hook, a Markdown converter set up like the site's, the keys of this run's blocks)."""
    import markdown_exec
    from mkdocs.config import load_config

    spec = importlib.util.spec_from_file_location("build_cache", ROOT / "hooks" / "build_cache.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    config = load_config(str(ROOT / "mkdocs.yml"))
    markdown_exec.markdown_config.save(config.markdown_extensions, config.mdx_configs)  # as the plugin does
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    return hook, md, hook.BlockKeys(hook.blocks_folder())


class ModuleRunner(DefaultRunner):
    """Runs a block shown from a module inside a copy of that module's namespace."""

    def __init__(self, module: str):
        self.module = module

    def runtest(self, test, args, *, asyncio_runner=None):
        namespace = {**args, **vars(importlib.import_module(self.module))}
        super().runtest(test, namespace, asyncio_runner=asyncio_runner)


def _add_runner(info: str, name: str) -> str:
    info = info.rstrip()
    if info.startswith("{"):
        return info[:-1] + f" runner:{name}}}"
    return info + f" runner:{name}"


def _with_module_runners(lines: list[str]) -> list[str]:
    """Give fences whose whole body is one include of a module a ModuleRunner."""
    out = list(lines)
    for i in range(len(lines) - 2):
        m, inc = FENCE_OPEN.match(lines[i]), INCLUDE.match(lines[i + 1])
        if m and inc and _is_python(m["info"]) and lines[i + 2].strip() == m["marker"]:
            module = inc["path"][: -len(".py")].replace("/", ".")
            name = f"module-{module}"
            _registered_runners.setdefault(name, ModuleRunner(module))
            out[i] = m["indent"] + m["marker"] + _add_runner(m["info"], name)
    return out


def _with_exec_runner(info: str) -> str:
    """Point a block the build executes (``exec="on"``) at a runner that executes it as the build does."""
    attributes = {m["key"]: next(v for v in m.groups()[1:] if v is not None) for m in ATTRIBUTE.finditer(info)}
    if attributes.get("exec", "").lower() in {"", "no", "off", "false", "0"}:
        return info
    name = "exec-" + hashlib.sha256(repr(sorted(attributes.items())).encode()).hexdigest()[:12]
    _registered_runners.setdefault(name, ExecRunner(attributes))
    return _add_runner(info, name)


def as_reader_sees(source: str) -> str:
    """The page's Markdown with includes expanded and every fence at top level."""
    lines = expand_includes("\n".join(_with_module_runners(source.split("\n")))).split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent, marker, info = m["indent"], m["marker"], m["info"]
        if _is_python(info):
            info = _with_exec_runner(info)
        out.append(marker + info)
        i += 1
        closing = re.compile(r"^" + re.escape(indent) + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$")
        while i < len(lines) and not closing.match(lines[i]):
            line = lines[i]
            out.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            i += 1
        if i < len(lines):
            out.append(marker)
            i += 1
    return "\n".join(out)


class ReaderViewMarkdownIt(MarkdownIt):
    def parse(self, src, env=None):
        return super().parse(as_reader_sees(src), env)
