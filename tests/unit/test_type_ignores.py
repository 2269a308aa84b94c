"""A silenced type error says why, on its own line: `# type: ignore[code]  # reason`.

mypy already refuses a bare `# type: ignore` (error code `ignore-without-code`, pyproject.toml) and
one that no longer silences anything (`warn_unused_ignores`); the reason is what mypy cannot ask
for, so this test does. It scans the files mypy checks (`[tool.mypy] files`), reading comments with
`tokenize` so a string that merely mentions a type ignore does not count.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IGNORE = re.compile(r"#\s*type:\s*ignore\b")
# The codes in brackets, then a second comment that says something.
WITH_REASON = re.compile(r"#\s*type:\s*ignore\[[^\]]+\]\s*#\s*\S")


def checked_files() -> list[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    files: list[Path] = []
    for entry in config["tool"]["mypy"]["files"]:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def ignores_without_reason(source: str) -> list[tuple[int, str]]:
    """(line number, comment) of every type ignore in `source` that gives no reason."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if (
            token.type == tokenize.COMMENT
            and IGNORE.search(token.string)
            and not WITH_REASON.search(token.string)
        ):
            found.append((token.start[0], token.string))
    return found


def test_every_type_ignore_in_the_application_says_why():
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {comment}"
        for path in checked_files()
        for line, comment in ignores_without_reason(path.read_text(encoding="utf-8"))
    ]
    assert not offences, "Add the reason after the ignore (`# type: ignore[code]  # why`):\n" + "\n".join(
        offences
    )


def test_the_check_tells_a_reason_from_none():
    source = (
        "a = f(x)  # type: ignore[arg-type]  # the stub says str; the API takes bytes too\n"
        "b = f(x)  # type: ignore[arg-type]\n"
        "c = f(x)  # type: ignore\n"
        "d = f(x)  # type: ignore  # a reason, but no code\n"
        'e = "# type: ignore"\n'
    )
    assert [line for line, _ in ignores_without_reason(source)] == [2, 3, 4]


def test_the_scan_covers_the_application():
    scanned = {path.relative_to(ROOT).parts[0] for path in checked_files()}
    assert {"domain", "engine", "face", "bot.py", "cli.py", "config.py"} <= scanned
