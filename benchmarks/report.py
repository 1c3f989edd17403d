"""How the benchmark prints: sections, one figure a line, ratios with their target, the verdicts."""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path

SKIPPED = "skipped: not installed"


class Report:
    def __init__(self) -> None:
        self.verdicts: list[tuple[str, bool | None]] = []

    @staticmethod
    def section(title: str) -> None:
        print(f"\n== {title}", flush=True)

    @staticmethod
    def figure(name: str, value: str, note: str = "") -> None:
        print(f"  {name:<52} {value:>14}  {note}".rstrip(), flush=True)

    def ratio(self, name: str, ratio: float | None, target: str, holds: bool | None) -> None:
        if ratio is None:
            self.figure(name, "skipped", f"target {target}")
            self.verdicts.append((name, None))
            return
        verdict = "holds" if holds else "MISSED"
        self.figure(name, f"{ratio:.2f}×", f"target {target}: {verdict}")
        self.verdicts.append((name, holds))

    def summary(self) -> None:
        self.section("targets")
        for name, holds in self.verdicts:
            word = "skipped" if holds is None else "holds" if holds else "MISSED"
            print(f"  {word:<8} {name}")


def rate(value: float | None, unit: str) -> str:
    if value is None:
        return SKIPPED
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    load = ""
    with contextlib.suppress(OSError):
        load = f", load average {Path('/proc/loadavg').read_text().split()[0]} at start"
    return f"{os.cpu_count()} cores, {cpu}{memory}, Python {platform.python_version()}{load}"
