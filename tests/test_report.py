"""``parknews report``: one self-contained HTML page about a crawl, rendered by headless Chromium."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.annotate import LabeledArticle, LabeledParagraph
from parknews.model.report import CrawlReport, article_month, article_site

from .conftest import ROOT

runner = CliRunner()
SECTIONS = (
    "Label shares",
    "By source site",
    "By month",
    "Keywords per topic",
    "Articles with the most content",
)


def demo_export(tmp_path: Path, limit: int = 24) -> Path:
    spec = importlib.util.spec_from_file_location("demo_crawl", ROOT / "docs" / "demo_crawl.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "week.jsonl"
    rows = module.demo_records(limit)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def article(
    file: str, labels: list[str], *, id: str | None = None, date: str | None = None
) -> LabeledArticle:
    paras = tuple(
        LabeledParagraph(i, f"园区第{i}段，签约项目{i}个。", label, {label: 1.0})
        for i, label in enumerate(labels)
    )
    return LabeledArticle(file=file, encoding="utf-8", paragraphs=paras, id=id, date=date)


def test_sites_and_months_from_ids_dates_and_folders() -> None:
    a = article("crawl.jsonl", ["spam"], id="https://www.zone.example.cn/2024/05/x.html")
    assert (article_site(a), article_month(a)) == ("zone.example.cn", "2024-05")
    b = article("crawl.jsonl", ["spam"], id="http://b.example.cn/art/t20231107_88.html", date="2024年3月2日")
    assert (article_site(b), article_month(b)) == ("b.example.cn", "2024-03")
    c = article("pages/site-a/1.html", ["spam"], id="a-123")
    assert (article_site(c), article_month(c)) == ("site-a", "no date")
    assert article_month(article("x", [], id="https://c.cn/art/t20231107_88.html")) == "2023-11"


def test_the_report_counts_and_keeps_the_articles_with_most_content() -> None:
    report = CrawlReport(top_articles=2)
    report.add(article("a.txt", ["spam", "investment", "investment", "other"]))
    report.add(article("b.txt", ["investment"]))
    report.add(article("c.txt", ["investment"] * 3 + ["spam"]))
    report.add(article("d.txt", []))
    assert report.articles == 4 and report.empty == 1
    assert report.labels == {"spam": 2, "investment": 6, "other": 1}
    assert [a.file for _, a in report.best_articles("investment")] == ["c.txt", "a.txt"]
    assert report.topic_articles["investment"] == 3 and report.best_articles("talent") == []
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    for section in SECTIONS:
        assert section in page


def test_markup_in_articles_is_escaped() -> None:
    bad = LabeledArticle(
        file="<b>x</b>.txt",
        encoding="utf-8",
        paragraphs=(LabeledParagraph(0, "<script>alert(1)</script>园区签约项目。", "investment", {}),),
        id="https://e.example.cn/'><script>",
    )
    page = CrawlReport().add_all([bad]).to_html()
    assert "<script" not in page and "&lt;script&gt;" in page


def test_cli_writes_a_self_contained_page(small_model: Path, tmp_path: Path) -> None:
    export = demo_export(tmp_path)
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        ["report", str(export), "--id-field", "url", "--out", str(out), "-m", str(small_model), "--top", "3"],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    for section in SECTIONS:
        assert section in page
    for needle in ("<script", "<link", " src=", "@import", "url("):
        assert needle not in page
    assert "2024-03" in page and "qinglan-kfq.example.cn" in page
    assert page.count("<blockquote>") <= 3 * 5


def test_cli_errors(small_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    missing = runner.invoke(
        app, ["report", str(tmp_path / "none.jsonl"), "-o", str(out), "-m", str(small_model)]
    )
    assert missing.exit_code == 1 and not out.exists()
    assert missing.stderr.splitlines()[-1] == "error: no article could be read: no report written"
    nowhere = runner.invoke(app, ["report", "-", "-o", str(tmp_path / "no" / "r.html")], input="园区")
    assert nowhere.exit_code == 1
    assert (
        nowhere.stderr.strip()
        == f"error: {tmp_path / 'no' / 'r.html'}: no folder {tmp_path / 'no'} to write it in"
    )
    no_out = runner.invoke(app, ["report", "-"], input="园区")
    assert no_out.exit_code == 2
    assert "Example" in runner.invoke(app, ["report", "--help"]).stdout


def png_is_not_blank(data: bytes) -> bool:
    """Decode the PNG's pixel rows (no image library needed) and look for more than one colour."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[: 1 << 20])) > 16


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_page_renders_in_headless_chromium(small_model: Path, tmp_path: Path) -> None:
    if CHROMIUM is None:
        if os.environ.get("PARKNEWS_REQUIRE_CHROMIUM"):
            pytest.fail("PARKNEWS_REQUIRE_CHROMIUM is set but chromium is not installed")
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    export = demo_export(tmp_path, limit=12)
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(export), "-o", str(out), "-m", str(small_model)])
    assert result.exit_code == 0, result.output
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    for section in SECTIONS:
        assert section in dom.stdout
    assert dom.stdout.count("<rect") >= 6
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [CHROMIUM, *flags, "--window-size=1000,1400", f"--screenshot={shot}", out.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    assert png_is_not_blank(shot.read_bytes())
