"""Takes that were made (and paid for) but could not be posted, kept beside the job for /show.

They live in the job's takes directory with a manifest: the takes as they were fetched and the
result they came with. The runner keeps them when Discord refuses or keeps failing the result
post; /show posts them once the cause is fixed; the input sweep removes them after the retention.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path

from domain.tracking import Completed
from engine.takes import Take, take_dir

MANIFEST = "kept.json"


def keep(work_dir: Path, job_id: int, takes: list[Take], completed: Completed) -> None:
    """Write the manifest, first moving into the job's directory any take that lives elsewhere
    (the offline provider writes its takes beside its own work)."""
    dest = take_dir(work_dir, job_id)
    dest.mkdir(parents=True, exist_ok=True)
    kept: list[Take] = []
    for take in takes:
        if take.path.parent != dest:
            moved = dest / f"kept-{take.index}-{take.path.name}"
            shutil.move(take.path, moved)
            take = replace(take, path=moved)
        kept.append(take)
    manifest = {
        "takes": [{**asdict(take), "path": take.path.name} for take in kept],
        "completed": completed.model_dump(mode="json"),
    }
    (dest / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def load(work_dir: Path, job_id: int) -> tuple[list[Take], Completed] | None:
    """The kept takes and their result, or None if none are kept (or a file went missing)."""
    dest = take_dir(work_dir, job_id)
    try:
        manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    takes = [Take(**{**item, "path": dest / item["path"]}) for item in manifest["takes"]]
    if not all(take.path.is_file() for take in takes):
        return None
    return takes, Completed.model_validate(manifest["completed"])


def discard(work_dir: Path, job_id: int) -> None:
    shutil.rmtree(take_dir(work_dir, job_id), ignore_errors=True)


def kept_jobs(work_dir: Path) -> list[int]:
    """Ids of the jobs that have takes kept."""
    root = work_dir / "takes"
    if not root.is_dir():
        return []
    return sorted(int(d.name) for d in root.iterdir() if d.name.isdigit() and (d / MANIFEST).is_file())
