"""The README and docs/ARCHITECTURE.md stay true to the repository a clone has.

A maintainer reads them instead of the code's layout: every module of the application has its line
in the architecture page, every module named there exists, and no link leads outside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
PACKAGES = ("domain", "providers", "storage", "audio", "engine", "face", "cogs", "web")
ENTRY_FILES = ("bot.py", "cli.py", "config.py")

LINK = re.compile(r"\]\(([^)]+)\)")
CODE = re.compile(r"`([^`]+)`")
PACKAGE_HEADING = re.compile(r"^Floor \d, `(\w+)/`")


def application_modules() -> set[str]:
    modules = {name for name in ENTRY_FILES if (ROOT / name).exists()}
    for package in PACKAGES:
        modules.update(
            f"{package}/{path.name}" for path in (ROOT / package).glob("*.py") if path.name != "__init__.py"
        )
    return modules


def documented_modules(text: str) -> set[str]:
    """Module paths named in the Modules section; a bare `x.py` belongs to the package heading above it."""
    section = text.split("\n## Modules\n", 1)[1].split("\n## ", 1)[0]
    named: set[str] = set()
    package: str | None = None
    for line in section.splitlines():
        if line.startswith("Floor "):
            heading = PACKAGE_HEADING.match(line)
            package = heading.group(1) if heading else None
            continue
        for token in CODE.findall(line):
            if not token.endswith(".py"):
                continue
            named.add(token if "/" in token or package is None else f"{package}/{token}")
    return named


def test_every_module_has_its_line_in_the_architecture():
    named = documented_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    missing = sorted(application_modules() - named)
    assert not missing, f"docs/ARCHITECTURE.md, section Modules, says nothing of: {missing}"


def test_every_module_the_architecture_names_exists():
    named = documented_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    gone = sorted(name for name in named if not (ROOT / name).is_file())
    assert not gone, f"docs/ARCHITECTURE.md names modules that do not exist: {gone}"


def test_links_stay_inside_the_repository():
    for doc in (ROOT / "README.md", ARCHITECTURE):
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text, f"{doc.name} points at a directory a clone does not have"
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (doc.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name} links to {target}"
