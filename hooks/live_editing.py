"""Under ``mkdocs serve``, every build runs the book's code as it is on disk now.

``mkdocs serve`` builds again when a watched file changes (``watch:`` in
``mkdocs.yml`` adds ``snippets/`` and ``hooks/`` to ``docs/`` and
``mkdocs.yml``), but it builds in the same Python process each time, and that
process remembers code:

- Page code runs in the building process (markdown-exec), and Python imports
  a module once per process: after an edit to ``snippets/``, the pages would
  import the code as it was when the server started, and show the new source
  listing beside the old output. The build cache cannot help: it keys outputs
  on the code's files (hooks/build_cache.py), then runs the blocks again in a
  process that still holds the old modules.
- markdown-exec keeps each session's namespace for the life of the process,
  so a page could use a name its blocks no longer define.
- MkDocs 1.6 loads a hook module once per process (upstream, mkdocs#3993), so
  an edit to ``hooks/`` would rebuild with the old hook.

So each build starts by forgetting all three and by putting the repository
being built first on ``sys.path`` (its ``snippets``, not another installed
copy, such as the editable install of another clone); the next imports read
the files. Every hook that imports the book's code relies on this, the first
hook of ``mkdocs.yml``. A build that runs no page code (every output cached) imports almost
nothing again, so this costs little. The notebook needs nothing of this: its
kernel is a new process on each execution, and its cache key includes
``snippets/``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.live_editing")
CODE = Path(__file__).resolve().parents[1] / "snippets"  # the book's code; pages import it by this name


def forget_imported_code(package: str = CODE.name) -> list[str]:
    """Drop ``package`` and its submodules from ``sys.modules``; their names."""
    names = [name for name in sys.modules if name == package or name.startswith(package + ".")]
    for name in names:
        del sys.modules[name]
    return names


def forget_page_sessions():
    """Empty markdown-exec's session namespaces, as at the start of a fresh process."""
    try:
        from markdown_exec._internal.formatters import python
    except ImportError as err:
        raise PluginError(f"live_editing: markdown-exec's Python formatter moved ({err}); update this hook") from err
    for name in ("_sessions_globals", "_sessions_counter"):
        kept = getattr(python, name, None)
        if not isinstance(kept, dict):
            raise PluginError(f"live_editing: markdown-exec no longer keeps {name}; update this hook")
        kept.clear()


def reload_hooks_next_build():
    """Let the next configuration load execute the hook files again (MkDocs caches them per process)."""
    from mkdocs.config.config_options import Hooks

    cache_clear = getattr(Hooks._load_hook, "cache_clear", None)
    if cache_clear is not None:  # a later MkDocs may load hooks afresh by itself
        cache_clear()


def import_from(root: Path):
    """Make ``root``'s ``snippets`` the one that imports: ``root`` first on ``sys.path``."""
    if sys.path[0] != str(root):
        sys.path.insert(0, str(root))


@event_priority(100)  # before any hook or plugin imports the book's code for this build
def on_config(config):
    import_from(Path(config.config_file_path).resolve().parent)
    forgotten = forget_imported_code()
    forget_page_sessions()
    reload_hooks_next_build()
    if forgotten:
        log.debug("live_editing: %d modules of %s/ will be imported again", len(forgotten), CODE.name)
    return config
