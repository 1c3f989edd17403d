"""The ``--out DIR`` folder of a Dask run: ``_plan.json``, ``part-NNNNN.jsonl`` and their notes.

Each file is written under a temporary name and then renamed, so a part that exists is
complete. Re-running the same command keeps the parts its plan would write the same and
redoes the others; a file that cannot be opened fails its whole partition, so the re-run
redoes it. ``cat DIR/part-*.jsonl`` is the single-process ``--format jsonl`` output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parknews.model.atomic import atomic_write
from parknews.model.errors import EngineError

if TYPE_CHECKING:
    from .plan import Partition, Plan

__all__ = ["PLAN_FILE", "PLAN_VERSION", "missing_parts", "notes_path", "prepare_out"]

PLAN_FILE = "_plan.json"
PLAN_VERSION = 1


def notes_path(part: Path) -> Path:
    """Where a part's warnings and problems are kept, to be said again on a re-run."""
    return part.with_name(part.name.removesuffix(".jsonl") + ".notes.json")


def prepare_out(out_dir: Path, header: dict[str, Any], plan: Plan) -> None:
    """Keep in ``out_dir`` only the parts this plan would write the same, and record the plan."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plan_path = out_dir / PLAN_FILE
    before: dict[str, Any] = {}
    if plan_path.exists():
        try:
            previous = json.loads(plan_path.read_text("utf-8"))
        except (OSError, ValueError):
            previous = {}
        if previous.get("header") != header:
            raise EngineError(
                f"{out_dir} holds the output of another run (other command, model or options); "
                "remove it or choose another --out"
            )
        before = previous.get("parts", {})
    elif any(out_dir.glob("part-*.jsonl")):
        raise EngineError(
            f"{out_dir} holds part files but no {PLAN_FILE}; remove them or choose another --out"
        )
    # JSON has no tuples: compare identities as they read back from the file.
    wanted = {p.part: json.loads(json.dumps(p.identity)) for p in plan.partitions}
    for part in out_dir.glob("part-*.jsonl"):
        # Inputs changed, or the partitions moved: that part would be written differently now.
        if part.name not in wanted or wanted[part.name] != before.get(part.name):
            part.unlink()
            notes_path(part).unlink(missing_ok=True)
    with atomic_write(plan_path, newline="") as handle:
        json.dump({"header": header, "parts": wanted}, handle, ensure_ascii=False, indent=1)


def missing_parts(plan: Plan, out_dir: Path) -> tuple[list[Partition], list[str], int]:
    """The partitions whose part is not in ``out_dir`` yet; for the others, what an earlier
    run said of them (warnings, then problems) and how many problems that was."""
    missing: list[Partition] = []
    messages: list[str] = []
    problems = 0
    for partition in plan.partitions:
        target = out_dir / partition.part
        if not target.exists():
            missing.append(partition)
            continue
        notes = notes_path(target)
        if notes.exists():
            saved = json.loads(notes.read_text("utf-8"))
            messages += [*saved.get("warnings", []), *saved.get("problems", [])]
            problems += len(saved.get("problems", []))
    return missing, messages, problems
