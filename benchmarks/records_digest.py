"""Digests of every record `classify` and `summarize` print on the seeds and the corpus.

Run it with two checkouts' interpreters on the same inputs to show a refactoring changed
no byte of output (the same model, the same data):

    python benchmarks/records_digest.py [ROOT]    # ROOT holds seeds/ and training/data/ (default: here)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from parknews.training.dataset import load_dataset

RUNS = {
    "classify": ["classify", "-f", "jsonl"],
    "summarize": ["summarize", "-f", "jsonl"],
    "summarize-topic": ["summarize", "-f", "jsonl", "-t", "investment", "-n", "2"],
}


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp)
        for i, article in enumerate(load_dataset([root / "training" / "data"]).articles):
            (corpus / f"{i:05d}.txt").write_text("\n".join(article.lines) + "\n", "utf-8")
        # Relative names, so that the records (which carry them) do not depend on the temporary folder.
        for name, args in RUNS.items():
            for label, where in (("seeds", str(root / "seeds")), ("corpus", ".")):
                out = subprocess.run(
                    [sys.executable, "-m", "parknews", *args, where], capture_output=True, check=True, cwd=tmp
                ).stdout
                digest = hashlib.sha256(out).hexdigest()
                print(f"{name:16} {label:7} {len(out.splitlines()):6} records  {digest}")


if __name__ == "__main__":
    main()
