"""Write a small crawl export (JSONL) from the authored training articles, for trying `parknews report`.

Each article becomes one record with an invented URL on one of a few invented sites and a date
in spring 2024, the way a crawler exports pages: ``python docs/demo_crawl.py > demo.jsonl``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITES = (
    "www.qinglan-kfq.example.cn",
    "news.linxi.example.com",
    "m.yunqiwan.example.org",
    "invest.beiyuan.example.cn",
)
MONTHS = ("2024/03", "2024/04", "2024/05")


def demo_records(limit: int = 60) -> list[dict]:
    articles: dict[str, list[str]] = {}
    for path in sorted((ROOT / "training" / "data" / "authored").glob("batch-*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            articles.setdefault(row["doc"], []).append(row["text"])
    records = []
    for i, (doc, lines) in enumerate(sorted(articles.items())[:limit]):
        site, month = SITES[i % len(SITES)], MONTHS[(i // 7) % len(MONTHS)]
        day = 1 + (i * 5) % 28
        records.append(
            {
                "url": f"https://{site}/{month}/{day:02d}/{doc}.html",
                "published": f"{month.replace('/', '-')}-{day:02d} 09:00",
                "content": "\n".join(lines),
            }
        )
    return records


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    for record in demo_records(limit):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
