"""Publishing and installing: the site's addresses, the deployment workflow, the lock, the licences.

The configuration is loaded as a build loads it (``mkdocs.config.load_config``),
without building: a published build must never point at this machine, and the
repository links appear only when a repository is configured.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from mkdocs.config import load_config

from tests.support import ROOT

LOCALHOST = {"localhost", "127.0.0.1", "::1"}
PUBLISHED = {
    "BOOK_SITE_URL": "https://example.org/attention-book/",
    "BOOK_REPO_URL": "https://github.com/example/attention-book",
    "BOOK_EDIT_URI": "edit/main/docs/",
}


def _config(monkeypatch, **environment):
    for name in PUBLISHED:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return load_config(str(ROOT / "mkdocs.yml"))


def _points_at_this_machine(url: str | None) -> bool:
    return url is not None and (urlsplit(url).hostname or "") in LOCALHOST


def test_a_published_build_takes_its_addresses_from_the_environment(monkeypatch):
    config = _config(monkeypatch, **PUBLISHED)
    assert config.site_url == PUBLISHED["BOOK_SITE_URL"]
    assert config.repo_url == PUBLISHED["BOOK_REPO_URL"]
    assert config.edit_uri == PUBLISHED["BOOK_EDIT_URI"]
    for key in ("site_url", "repo_url", "edit_uri"):
        assert not _points_at_this_machine(config[key]), f"{key} points at this machine: {config[key]}"
    features = config.theme["features"]
    assert {"content.action.edit", "content.action.view"} <= set(features), "edit and view-source buttons enabled"


def test_without_a_repository_there_is_no_repository_link_and_no_edit_button(monkeypatch):
    """Material shows the repository link only when ``repo_url`` is set, and the edit and view-source
    buttons only for a page with an ``edit_url``, which MkDocs derives from ``repo_url`` and ``edit_uri``."""
    config = _config(monkeypatch)
    assert config.repo_url is None and config.edit_uri is None and config.repo_name is None
    assert config.site_url == "http://127.0.0.1:8000/", "unset, the address is where `mkdocs serve` puts the book"


def test_the_repository_link_fetches_nothing_from_the_repository_host():
    """The theme's partial, less the attribute that makes its script ask the host's API for stars and forks."""
    ours = (ROOT / "overrides" / "partials" / "source.html").read_text(encoding="utf-8")
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert Path(config.theme.dirs[0]) == ROOT / "overrides", "the overrides come before the theme's templates"
    theirs = next(
        Path(d) / "partials" / "source.html" for d in config.theme.dirs[1:] if (Path(d) / "partials").is_dir()
    )
    theirs = theirs.read_text(encoding="utf-8")

    def markup(template: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"\{#-?.*?-?#\}", "", template, flags=re.S)).strip()

    assert "data-md-component" not in markup(ours)
    assert markup(ours) == markup(theirs).replace(' data-md-component="source"', ""), (
        "overrides/partials/source.html differs from the theme's partial by more than that attribute: update it"
    )


def _workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```bash\n(python3\.11 -m venv .*)\n```$", readme, flags=re.M)


def test_the_readme_has_two_one_line_commands_that_install_from_the_lock():
    commands = _readme_commands()
    assert len(commands) == 2, f"README: two commands, found {commands}"
    setup = "python3.11 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/pip install --no-deps -e . && "
    assert commands == [setup + ".venv/bin/mkdocs serve", setup + ".venv/bin/pytest"]
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert all(command in index for command in commands), "the home page shows the README's commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].replace("pip install ", "pip install -q ") in ci, ".ci/run runs the README's test command"


def test_the_pages_workflow_tests_then_deploys_the_site_built_for_its_address():
    workflow = _workflow()
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    runs = [step.get("run", "") for step in steps]
    uses = [step.get("uses", "") for step in steps] + [s.get("uses", "") for s in workflow["jobs"]["deploy"]["steps"]]
    assert "ubuntu" in build["runs-on"]
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    assert any("chromium" in run for run in runs), "Chromium installed for the browser tests"
    assert _readme_commands()[1] in runs, "the workflow runs the README's test command"
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    publish = next(step for step in steps if "mkdocs build" in step.get("run", ""))
    assert publish["env"]["BOOK_SITE_URL"] == "${{ steps.pages.outputs.base_url }}/", "built for the Pages address"
    assert "localhost" in publish["run"] and "exit 1" in publish["run"], "the build step stops on a localhost address"
    assert runs.index(_readme_commands()[1]) < runs.index(publish["run"]), "tests first, then the site to deploy"


def _requirements(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def test_the_lock_pins_every_package_with_hashes():
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock)
    packages = [entry for entry in entries if re.match(r"^[A-Za-z0-9]", entry)]
    assert len(packages) > 50, f"the lock lists every package, transitive ones included ({len(packages)})"
    for entry in packages:
        name = entry.split("==")[0]
        assert re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*==\S+ \\\n", entry), f"{name}: pinned with =="
        assert "--hash=sha256:" in entry, f"{name}: no hash"
    assert not re.search(r"^\s*-e\b", lock, flags=re.M), "no editable install in a hash-checked file"
    assert re.search(r"^torch==2\.13\.0 \\$", lock, flags=re.M), "torch pinned literally as torch==2.13.0"
    wanted = _requirements((ROOT / "requirements.in").read_text(encoding="utf-8"))
    locked = _requirements(lock)
    for name, version in wanted.items():
        assert locked.get(name) == version, f"requirements.in pins {name}=={version}; the lock has {locked.get(name)}"
    assert {"pytest-timeout", "ruff"} <= set(wanted)


@pytest.mark.parametrize("name", ["README.md", "mkdocs.yml"])
def test_the_licences_are_stated(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and "MIT License" in text, f"{name} names the text's and the code's licences"
