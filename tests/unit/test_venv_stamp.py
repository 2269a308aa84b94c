"""scripts/venv.sh runs pip only when a requirements file changed, so an offline start is not slowed.

The venv is a stand-in: `.venv/bin/python` is a script that records how it was called, so the test
sees every pip run without a network or a real install.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RECORDING_PYTHON = '#!/bin/sh\necho "$*" >> "$(dirname "$0")/../../calls.log"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "venv.sh", tmp_path / "scripts" / "venv.sh")
    (tmp_path / "requirements.txt").write_text("aiohttp>=3.9,<4\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest>=8,<10\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(RECORDING_PYTHON)
    python.chmod(0o755)
    return tmp_path


def pip_runs(project: Path, requirements: str) -> list[str]:
    """Source venv.sh the way run.sh and test.sh do; return the pip calls it made."""
    log = project / "calls.log"
    log.unlink(missing_ok=True)
    subprocess.run(
        ["bash", "-c", f"set -euo pipefail; source scripts/venv.sh {requirements}"],
        cwd=project,
        check=True,
        timeout=30,
    )
    return log.read_text().splitlines() if log.exists() else []


def test_pip_runs_once_then_not_until_a_requirements_file_changes(project: Path):
    assert pip_runs(project, "requirements-dev.txt") == ["-m pip install --quiet -r requirements-dev.txt"]
    assert pip_runs(project, "requirements-dev.txt") == []
    # The dev install included the runtime file, so the bot starts without pip.
    assert pip_runs(project, "requirements.txt") == []

    (project / "requirements.txt").write_text("aiohttp>=3.10,<4\n")
    assert pip_runs(project, "requirements.txt") == ["-m pip install --quiet -r requirements.txt"]
    assert pip_runs(project, "requirements.txt") == []
    # The changed runtime file is installed and the dev file is unchanged: nothing left to do.
    assert pip_runs(project, "requirements-dev.txt") == []


def test_the_runtime_install_does_not_stand_in_for_the_test_tools(project: Path):
    assert pip_runs(project, "requirements.txt") == ["-m pip install --quiet -r requirements.txt"]
    assert pip_runs(project, "requirements-dev.txt") == ["-m pip install --quiet -r requirements-dev.txt"]


def test_an_existing_venv_is_not_upgraded_on_start(project: Path):
    calls = pip_runs(project, "requirements.txt")
    assert not any("--upgrade" in call for call in calls)
