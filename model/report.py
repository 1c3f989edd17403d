"""A crawl at a glance: one self-contained HTML page built from labeled articles.

``CrawlReport`` takes labeled articles one at a time and keeps only what the
page shows — label counts overall, per source site and per month, keyword
counts per topic, and the few articles with the most content on each topic —
so a week's crawl streams through in bounded memory. ``to_html`` summarizes
those few articles and writes the page: inline CSS and inline SVG charts, no
script, nothing fetched when it is opened.

Sites come from the article's id when it is a URL (its host), else from the
folder the file is in; months from its date field, else from a date in the URL
(``/2024/05/``, ``t20240512_``), else "no date".
"""

from __future__ import annotations

import heapq
import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePath
from urllib.parse import urlsplit

from .annotate import LabeledArticle
from .keywords import keywords
from .labels import LABELS, SPAM, TOPICS
from .text import normalize

__all__ = ["CrawlReport", "article_month", "article_site"]

COLOURS = {
    "recruitment": "#2e9d57",
    "investment": "#d4a017",
    "talent": "#b84fb0",
    "services": "#2a9fbc",
    "spam": "#d9534f",
    "other": "#8c8c8c",
}
NO_DATE = "no date"
NO_SITE = "unknown site"
_MAX_GROUPS = 24

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})(?!\d)")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])(?:[-/_]?(?:[0-2]\d|3[01]))?(?!\d)")


def article_site(article: LabeledArticle) -> str:
    """The host of the article's URL id, else the folder its file is in."""
    if article.id and "://" in article.id:
        host = urlsplit(article.id).hostname or ""
        if host:
            return host.removeprefix("www.")
    parent = PurePath(article.file).parent.name
    return parent or NO_SITE


def article_month(article: LabeledArticle) -> str:
    """``YYYY-MM`` from the article's date field, else from its URL, else ``no date``."""
    if article.date:
        match = _DATE.search(article.date)
        if match and 1 <= int(match.group(2)) <= 12:
            return f"{match.group(1)}-{int(match.group(2)):02d}"
    if article.id and "://" in article.id:
        match = _URL_DATE.search(urlsplit(article.id).path)
        if match:
            return f"{match.group(1)}-{match.group(2)}"
    return NO_DATE


@dataclass
class _Group:
    articles: int = 0
    labels: Counter[str] = field(default_factory=Counter)


@dataclass(order=True)
class _Candidate:
    chars: int
    order: int
    article: LabeledArticle = field(compare=False)


class CrawlReport:
    """Aggregates labeled articles for the report; ``add`` them, then ``to_html``."""

    def __init__(
        self, *, top_articles: int = 5, top_keywords: int = 12, title: str = "parknews crawl report"
    ) -> None:
        self.top_articles = top_articles
        self.top_keywords = top_keywords
        self.title = title
        self.articles = 0
        self.empty = 0
        self.labels: Counter[str] = Counter()
        self.sites: dict[str, _Group] = {}
        self.months: dict[str, _Group] = {}
        self.keywords: dict[str, Counter[str]] = {t: Counter() for t in TOPICS}
        self.topic_articles: Counter[str] = Counter()
        self._best: dict[str, list[_Candidate]] = {t: [] for t in TOPICS}

    def add(self, article: LabeledArticle) -> None:
        """Count one labeled article in."""
        self.articles += 1
        if not article.paragraphs:
            self.empty += 1
        counts = Counter(p.label for p in article.paragraphs)
        self.labels.update(counts)
        for groups, key in ((self.sites, article_site(article)), (self.months, article_month(article))):
            group = groups.setdefault(key, _Group())
            group.articles += 1
            group.labels.update(counts)
        for topic in TOPICS:
            texts = [p.text for p in article.paragraphs if p.label == topic]
            if not texts:
                continue
            self.topic_articles[topic] += 1
            self.keywords[topic].update(keywords([normalize(t) for t in texts], top=8))
            candidate = _Candidate(sum(len(t.strip()) for t in texts), -self.articles, article)
            best = self._best[topic]
            if len(best) < self.top_articles:
                heapq.heappush(best, candidate)
            else:
                heapq.heappushpop(best, candidate)

    def add_all(self, articles: Iterable[LabeledArticle]) -> CrawlReport:
        for article in articles:
            self.add(article)
        return self

    def best_articles(self, topic: str) -> list[tuple[int, LabeledArticle]]:
        """(content characters, article) of the articles with the most content on ``topic``, most first."""
        return [(c.chars, c.article) for c in sorted(self._best[topic], reverse=True)]

    # --- the page ---------------------------------------------------------------------------------

    def to_html(self, *, generated: datetime | None = None) -> str:
        """The report as one HTML page (UTF-8, no external resources)."""
        # The API's summarize (given a labeled article it summarizes it as is), as the CLI uses.
        from parknews.api import summarize

        when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
        paragraphs = sum(self.labels.values())
        content = paragraphs - self.labels[SPAM]
        parts = [
            f"<header><h1>{_e(self.title)}</h1><p class='meta'>{self.articles:,} articles · "
            f"{paragraphs:,} paragraphs · {content:,} of them content · generated {when} by parknews"
            "</p></header>",
            "<section id='shares'><h2>Label shares</h2>",
            _legend(),
            _bars([("all articles", self.labels)], show_counts=True),
            "<p class='note'>Share of paragraphs per label; spam is page furniture (navigation, bylines, "
            "related lists, footers).</p></section>",
        ]
        for section, name, groups in (("sites", "source site", self.sites), ("months", "month", self.months)):
            rows = self._group_rows(groups, by_name=section == "months")
            parts.append(f"<section id='{section}'><h2>By {name}</h2>")
            if len(rows) == 1 and rows[0][0] in (NO_DATE, NO_SITE):
                parts.append(f"<p class='note'>No {name} known for these articles.</p>")
            parts.append(_bars([(f"{k} ({g.articles})", g.labels) for k, g in rows], show_counts=False))
            hidden = len(groups) - len(rows)
            if hidden > 0:
                parts.append(f"<p class='note'>{hidden} more, with fewer articles, not shown.</p>")
            parts.append("</section>")
        parts.append("<section id='keywords'><h2>Keywords per topic</h2><div class='topics'>")
        for topic in TOPICS:
            words = self.keywords[topic].most_common(self.top_keywords)
            items = "".join(f"<li>{_e(w)} <span class='n'>{n}</span></li>" for w, n in words) or "<li>—</li>"
            parts.append(
                f"<div class='topic'><h3>{_chip(topic)} <span class='n'>{self.topic_articles[topic]} articles"
                f"</span></h3><ol class='kw'>{items}</ol></div>"
            )
        parts.append(
            "</div><p class='note'>Count of articles whose paragraphs on the topic have the word among "
            "their top keywords.</p></section>"
        )
        parts.append("<section id='articles'><h2>Articles with the most content per topic</h2>")
        for topic in TOPICS:
            best = self.best_articles(topic)
            if not best:
                continue
            parts.append(f"<h3>{_chip(topic)}</h3><ol class='articles'>")
            for chars, article in best:
                summary = summarize(article, sentences=2, topic=topic)
                sentences = " ".join(s.original.strip() for s in summary.sentences)
                parts.append(
                    f"<li><div class='headline'>{_e(_headline(article))}</div>"
                    f"<div class='where'>{_where(article)} · {chars:,} characters on {topic}</div>"
                    f"<blockquote>{_e(sentences) or '—'}</blockquote></li>"
                )
            parts.append("</ol>")
        parts.append("</section>")
        body = "\n".join(parts)
        return (
            "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(self.title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
        )

    def _group_rows(self, groups: dict[str, _Group], *, by_name: bool) -> list[tuple[str, _Group]]:
        ranked = sorted(groups.items(), key=lambda kv: (-kv[1].articles, kv[0]))[:_MAX_GROUPS]
        if by_name:  # months in calendar order, "no date" last
            ranked.sort(key=lambda kv: (kv[0] == NO_DATE, kv[0]))
        return ranked


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _chip(label: str) -> str:
    return f"<span class='chip' style='background:{COLOURS.get(label, '#999')}'>{_e(label)}</span>"


def _legend() -> str:
    return "<p class='legend'>" + " ".join(_chip(label) for label in LABELS) + "</p>"


def _headline(article: LabeledArticle) -> str:
    if article.title:
        return article.title
    for p in article.paragraphs:
        if p.label != SPAM:
            text = p.text.strip()
            return text if len(text) <= 60 else text[:60] + "…"
    return article.file


def _where(article: LabeledArticle) -> str:
    if article.id and article.id.startswith(("http://", "https://")):
        where = f"<a href='{_e(article.id)}'>{_e(article.id)}</a>"
    else:
        where = _e(article.id or article.where)
    return where + (f" · {_e(article.date)}" if article.date else "")


def _bars(rows: Sequence[tuple[str, Counter[str]]], *, show_counts: bool) -> str:
    """Horizontal 100 % stacked bars, one per row, as inline SVG."""
    label_width, bar_width, height, gap = 230, 620, 22, 8
    total_height = len(rows) * (height + gap) + gap
    out = [
        f"<svg class='chart' role='img' viewBox='0 0 {label_width + bar_width + 10} {total_height}' "
        f"width='{label_width + bar_width + 10}' height='{total_height}' xmlns='http://www.w3.org/2000/svg'>"
    ]
    for i, (name, counts) in enumerate(rows):
        y = gap + i * (height + gap)
        total = sum(counts.values())
        shown = name if len(name) <= 32 else name[:31] + "…"
        out.append(
            f"<text x='{label_width - 8}' y='{y + height * 0.7:.1f}' text-anchor='end' class='axis'>"
            f"{_e(shown)}</text>"
        )
        x = float(label_width)
        if not total:
            out.append(f"<rect x='{x}' y='{y}' width='{bar_width}' height='{height}' fill='#eee'/>")
            continue
        for label in LABELS:
            n = counts.get(label, 0)
            if not n:
                continue
            w = bar_width * n / total
            share = f"{label}: {n:,} paragraphs ({n / total:.0%})"
            out.append(
                f"<rect x='{x:.2f}' y='{y}' width='{w:.2f}' height='{height}' fill='{COLOURS[label]}'>"
                f"<title>{_e(share)}</title></rect>"
            )
            if w >= 34:
                text = f"{n:,}" if show_counts else f"{n / total:.0%}"
                out.append(
                    f"<text x='{x + w / 2:.2f}' y='{y + height * 0.7:.1f}' text-anchor='middle' "
                    f"class='in'>{text}</text>"
                )
            x += w
    out.append("</svg>")
    return "".join(out)


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:960px;padding:24px;color:#222;background:#fff;line-height:1.5}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;border-bottom:2px solid #eee;padding-bottom:4px;margin-top:32px}
h3{font-size:16px;margin:16px 0 6px}.meta,.note,.where{color:#666;font-size:13px}
.chip{display:inline-block;color:#fff;border-radius:10px;padding:0 9px;font-size:13px;font-weight:600}
.legend .chip{margin-right:4px}.chart{max-width:100%;height:auto;display:block}
.chart .axis{font-size:13px;fill:#333}.chart .in{font-size:11px;fill:#fff;font-weight:600}
.topics{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}
.topic{border:1px solid #eee;border-radius:6px;padding:6px 12px}.kw{margin:0;padding-left:22px;columns:2}
.n{color:#888;font-size:12px;font-weight:normal}.articles li{margin-bottom:10px}
.headline{font-weight:600}blockquote{margin:4px 0 0;padding-left:10px;border-left:3px solid #ddd;color:#333}
a{color:#1a5fb4;word-break:break-all}
"""
