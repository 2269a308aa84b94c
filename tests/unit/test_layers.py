"""The floors of the layout (README, "How it is built"): every import points down, never up.

Floor 1 is the domain, floor 2 the adapters (providers, storage, audio), floor 3 the engine, floor 4
the faces (the Discord face, cogs, web, bot.py, cli.py). A file imports only from its own floor or
below; the settings module is read only by the two entry points, which wire it into the parts.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tones import write_tone

ROOT = Path(__file__).resolve().parents[2]

FLOORS = {
    "domain": 1,
    "providers": 2,
    "storage": 2,
    "audio": 2,
    "engine": 3,
    "face": 4,
    "cogs": 4,
    "web": 4,
    "bot": 4,
    "cli": 4,
}
ENTRY_POINTS = {"bot", "cli"}
# Within floor 2 the packages stay apart, but the offline provider renders with audio/.
FLOOR_2_ALLOWED = {("providers.local", "audio")}


def project_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for top in FLOORS:
        single = ROOT / f"{top}.py"
        if single.exists():
            modules[top] = single
        for path in sorted((ROOT / top).glob("*.py")):
            name = f"{top}.{path.stem}" if path.stem != "__init__" else top
            modules[name] = path
    return modules


def imports_of(path: Path, known: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Every module a file imports, wherever the import stands (functions and TYPE_CHECKING too).

    `from face import texts` counts as `face.texts` when that is one of the `known` modules.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found


def forbidden_edges(modules: dict[str, Path]) -> list[str]:
    offences = []
    for name, path in modules.items():
        top = name.split(".")[0]
        floor = FLOORS[top]
        for target in sorted(imports_of(path, set(modules))):
            target_top = target.split(".")[0]
            where = (
                f"{path.name if not path.is_relative_to(ROOT) else path.relative_to(ROOT)} imports {target}"
            )
            if target_top == "config":
                if top not in ENTRY_POINTS:
                    offences.append(f"{where}: only bot.py and cli.py read the settings")
                continue
            if target_top not in FLOORS or target_top == top:
                continue
            target_floor = FLOORS[target_top]
            if target_floor > floor:
                offences.append(f"{where}: floor {floor} may not import floor {target_floor}")
            elif target_floor == floor and floor in (1, 2) and (name, target_top) not in FLOOR_2_ALLOWED:
                offences.append(f"{where}: adapters import only the domain")
            elif target_top in ENTRY_POINTS:
                offences.append(f"{where}: nothing imports an entry point")
    return offences


def discord_reachers(modules: dict[str, Path]) -> set[str]:
    """Project modules from which an import chain reaches discord."""
    graph = {name: imports_of(path, set(modules)) for name, path in modules.items()}
    reaches: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, targets in graph.items():
            if name in reaches:
                continue
            if any(t == "discord" or t.startswith("discord.") or t in reaches for t in targets):
                reaches.add(name)
                changed = True
    return reaches


def test_every_import_points_down():
    offences = forbidden_edges(project_modules())
    assert not offences, "Imports against the floors:\n" + "\n".join(offences)


def test_the_rule_catches_an_upward_import(tmp_path: Path):
    """The checker itself: an adapter importing the engine, or the engine importing config, is caught."""
    bad_provider = tmp_path / "provider.py"
    bad_provider.write_text("from engine.runner import Runner\n")
    bad_engine = tmp_path / "engine.py"
    bad_engine.write_text("def f():\n    from config import Settings\n")
    offences = forbidden_edges({"providers.bad": bad_provider, "engine.bad": bad_engine})
    assert len(offences) == 2


def test_below_the_faces_nothing_reaches_discord():
    modules = project_modules()
    below = {name for name in discord_reachers(modules) if FLOORS[name.split(".")[0]] < 4}
    assert not below, f"these reach discord.py but sit below the faces: {sorted(below)}"
    assert "cli" not in discord_reachers(modules), "cli.py is the engine without Discord"


BLOCK_DISCORD = """
import importlib.abc, os, runpy, sys

class NoDiscord(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "discord" or name.startswith("discord."):
            raise ModuleNotFoundError("No module named 'discord' (blocked by the test)")
        return None

sys.meta_path.insert(0, NoDiscord())
sys.argv = [sys.argv[1], *sys.argv[2:]]
sys.path.insert(0, os.path.dirname(sys.argv[0]))
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.slow
def test_cli_remixes_with_discord_absent(tmp_path: Path):
    tone = write_tone(tmp_path / "tone.wav", seconds=3)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "WORK_DIR": str(tmp_path / "work"),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            BLOCK_DISCORD,
            str(ROOT / "cli.py"),
            "remix",
            str(tone),
            "--prompt",
            "nightcore",
            "-o",
            "takes",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "takes").glob("*.mp3"))) == 2
