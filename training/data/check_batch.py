"""Quick checker for a batch of authored data (used while authoring)."""
import collections
import json
import sys

LABELS = {"recruitment", "investment", "talent", "services", "spam", "other"}


def main(data_path: str, summaries_path: str) -> None:
    docs: dict[str, list[str]] = collections.defaultdict(list)
    counts: collections.Counter[str] = collections.Counter()
    bad = 0
    for n, line in enumerate(open(data_path, encoding="utf-8"), 1):
        try:
            r = json.loads(line)
            assert set(r) == {"text", "label", "doc", "source"}, f"keys {sorted(r)}"
            assert r["label"] in LABELS, f"label {r['label']!r}"
            assert r["text"].strip() and "\n" not in r["text"], "empty or multi-line text"
            assert r["source"] == "authored", "source must be authored"
        except Exception as e:  # noqa: BLE001
            print(f"{data_path}:{n}: {e}")
            bad += 1
            continue
        docs[r["doc"]].append(r["text"])
        counts[r["label"]] += 1
    seen = set()
    for n, line in enumerate(open(summaries_path, encoding="utf-8"), 1):
        r = json.loads(line)
        seen.add(r["doc"])
        if r["doc"] not in docs:
            print(f"{summaries_path}:{n}: unknown doc {r['doc']}")
            bad += 1
        if not 2 <= len(r["sentences"]) <= 3:
            print(f"{summaries_path}:{n}: need 2-3 sentences")
            bad += 1
        for s in r["sentences"]:
            if not any(s in p for p in docs.get(r["doc"], [])):
                print(f"{summaries_path}:{n}: not an exact substring: {s[:30]}")
                bad += 1
    for d in docs:
        if d not in seen:
            print(f"missing summary for {d}")
            bad += 1
    print(f"{len(docs)} docs, {sum(counts.values())} paragraphs, {dict(counts)}, {bad} problems")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
