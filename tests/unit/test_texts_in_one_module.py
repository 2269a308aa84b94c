"""Every sentence a member reads lives in face/texts.py: this test keeps it that way.

It reads the code (with `ast`, nothing is imported) and lists every place that hands a member-facing
API a sentence written on the spot instead of one taken from face.texts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [
    *sorted((ROOT / "providers").glob("*.py")),
    *sorted((ROOT / "cogs").glob("*.py")),
    *sorted((ROOT / "engine").glob("*.py")),
    *sorted((ROOT / "domain").glob("*.py")),
    *sorted(p for p in (ROOT / "face").glob("*.py") if p.name != "texts.py"),
    ROOT / "audio" / "probe.py",
]

# Where a sentence could be slipped in: (position, keyword). Below the faces a failure or a note
# carries a reason code (domain.errors.Reason), never words; the face words it in face/texts.py.
MESSAGE_ARGUMENT = {
    "ProviderError": (1, "reason"),
    "NotAudio": (0, "reason"),
    "UserFacingError": (0, "message"),
    "Note": (-1, "reason"),
    "Failure": (-1, "reason"),
    "Refusal": (-1, "reason"),
    "PostRefused": (0, "failure"),
    "Progress": (-1, "detail"),
}
# Keywords that carry text to Discord or onto a result: command and option descriptions, labels,
# titles, message content, embed fields, notes.
TEXT_KEYWORDS = frozenset(
    {
        "description",
        "group_description",
        "label",
        "placeholder",
        "title",
        "content",
        "value",
        "notes",
        "text",
    }
)
# Calls whose every keyword is member-facing text (option descriptions).
ALL_KEYWORDS_ARE_TEXT = frozenset({"describe"})


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_written_text(node: ast.expr | None) -> bool:
    """Text written here: a non-blank string literal, an f-string with text of its own, or such pieces."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):
        return any(_is_written_text(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_written_text(node.left) or _is_written_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_written_text(node.body) or _is_written_text(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_is_written_text(value) for value in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_is_written_text(item) for item in node.elts)
    return False


def _offences(source: str, where: str) -> list[str]:
    tree = ast.parse(source, filename=where)
    found: list[str] = []

    def report(node: ast.stmt | ast.expr, what: str) -> None:
        found.append(f"{where}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS and _is_written_text(keyword.value):
                    report(node, f"class {node.name}({keyword.arg}=...)")
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in MESSAGE_ARGUMENT:
            position, keyword_name = MESSAGE_ARGUMENT[name]
            message = (
                node.args[position]
                if 0 <= position < len(node.args)
                else next((k.value for k in node.keywords if k.arg == keyword_name), None)
            )
            if _is_written_text(message):
                report(node, f"{name}(...) with its message written in place")
        for keyword in node.keywords:
            text_keyword = keyword.arg in TEXT_KEYWORDS or (name in ALL_KEYWORDS_ARE_TEXT and keyword.arg)
            if text_keyword and _is_written_text(keyword.value):
                report(node, f"{name}({keyword.arg}=...) written in place")
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if (
            name == "append"
            and isinstance(receiver, ast.Name)
            and receiver.id == "notes"
            and node.args
            and _is_written_text(node.args[0])
        ):
            report(node, "notes.append(...) written in place")
    return found


def test_member_facing_text_comes_from_core_texts() -> None:
    offences = [
        line
        for path in SCANNED
        for line in _offences(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not offences, "Member-facing text outside face/texts.py:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "source",
    [
        'raise ProviderError(ErrorKind.NOT_FOUND, "Gone.")',
        'raise ProviderError(kind, f"{lead}: {text}")',
        'raise ProviderError(ErrorKind.UNAVAILABLE, reason="Down.")',
        'raise ProviderError(ErrorKind.INVALID_INPUT, "Lyrics can be at most " + str(limit))',
        'Note(reason="Take 2 failed.")',
        'Note(text="Take 2 failed.")',
        'Failure(reason=f"{provider} stopped.")',
        'Refusal(reason="Not now.")',
        'Progress(stage="x", detail=f"{n} takes ready")',
        'raise PostRefused("Discord refused.", detail=str(exc))',
        'raise NotAudio("Not audio.")',
        'raise UserFacingError("Only " + who)',
        '@app_commands.command(name="x", description="Does x.")\ndef x(): pass',
        '@app_commands.describe(job="The job")\ndef x(): pass',
        'class C(commands.GroupCog, group_name="c", group_description="Set up"): pass',
        'notes.append(f"{n} takes came back.")',
        'Output(index=1, label="Take 1")',
    ],
)
def test_the_guard_catches_written_text(source: str) -> None:
    assert _offences(source, "example.py")


@pytest.mark.parametrize(
    "source",
    [
        "raise ProviderError(ErrorKind.NOT_FOUND, Reason.SERVER_LOST_JOB)",
        "raise ProviderError(ErrorKind.INVALID_INPUT, Reason.REFUSED, params=said(text), detail=text)",
        'Note(reason=Reason.TAKES_READY, params={"ready": ready, "expected": 2})',
        "raise PostRefused(Failure(reason=Reason.RESULT_REFUSED), detail=str(exc))",
        '@app_commands.command(name="x", description=texts.DESCRIBE_JOBS)\ndef x(): pass',
        "@app_commands.describe(**texts.OPTIONS_JOB)\ndef x(): pass",
        'ui.Button(label=texts.BUTTON_REROLL, custom_id=f"remix:reroll:{job_id}")',
    ],
)
def test_the_guard_lets_texts_through(source: str) -> None:
    assert _offences(source, "example.py") == []


# -- inside face/texts.py: the words come from the catalogues (locales/<locale>/*.ftl) ------------------
TEXTS = ROOT / "face" / "texts.py"
_SENTENCE = re.compile(r"[A-Za-z]{2,}[,.:;!?]? [A-Za-z]{2,}")
# The terminal's lines for the operator (cli.py, bot.py): English by design, not member-facing.
OPERATOR_LINES = frozenset(
    {
        "DISCORD_TOKEN_REFUSED",
        "cli_job_ended",
        "cli_job_cancelled",
        "cli_out_is_a_file",
        "cli_take_exists",
        "discord_unreachable",
        "webhook_port_unavailable",
        "start_failed",
        "database_unavailable",
    }
)


def _written_in_texts(source: str) -> dict[str, list[str]]:
    """Top-level name -> the sentences written in it (string literals with words; docstrings aside)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            name = node.name
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
        else:
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Constant)
                and isinstance(inner.value, str)
                and id(inner) not in docstrings
                and _SENTENCE.search(inner.value)
            ):
                found.setdefault(name, []).append(inner.value)
    return found


def test_texts_take_their_words_from_the_catalogues() -> None:
    written = _written_in_texts(TEXTS.read_text(encoding="utf-8"))
    offences = sorted(set(written) - OPERATOR_LINES)
    assert not offences, "Sentences written in face/texts.py instead of locales/*.ftl:\n" + "\n".join(
        f"{name}: {written[name][0]!r}" for name in offences
    )


def test_the_texts_guard_catches_a_sentence() -> None:
    source = 'def accepted() -> str:\n    """Docstrings are fine."""\n    return "Your job is in."\n'
    assert _written_in_texts(source) == {"accepted": ["Your job is in."]}
    assert _written_in_texts('def accepted(locale):\n    return t(locale, "accepted")\n') == {}
