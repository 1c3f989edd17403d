"""The label vocabulary: every other module derives its label names from here.

One label per paragraph (definitions in ``training/LABELING.md``). ``SPAM`` is page
furniture: never summarized, dropped by ``clean``. ``TOPICS`` are the labels a summary
can be restricted to (all but spam). The order of ``LABELS`` is the order of the
model's probability columns and of every table that lists labels.
"""

from __future__ import annotations

__all__ = ["LABELS", "OTHER", "SPAM", "TOPICS"]

LABELS: tuple[str, ...] = ("recruitment", "investment", "talent", "services", "spam", "other")
SPAM = "spam"
OTHER = "other"
TOPICS: tuple[str, ...] = tuple(label for label in LABELS if label != SPAM)
