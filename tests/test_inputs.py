"""HTML pages and crawl exports (JSONL/CSV, gzipped or not) as input, through the library and the CLI."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.annotate import label_article
from parknews.model.html import html_blocks, looks_like_html
from parknews.model.reader import Document, InputProblem, decode_html, read_documents
from parknews.model.records import RecordFields
from parknews.model.store import load_model

from .conftest import ROOT

runner = CliRunner()
HTML_DIR = Path(__file__).parent / "fixtures" / "html"
PAGES = sorted(p for p in HTML_DIR.iterdir() if p.suffix in (".html", ".htm"))
BUNDLED = ROOT / "artifacts" / "model"


def _document(item: Document | InputProblem) -> Document:
    """``item``, read as an article (what the test expects of it)."""
    assert isinstance(item, Document), item
    return item


def _problem(item: Document | InputProblem) -> InputProblem:
    """``item``, refused with a message (what the test expects of it)."""
    assert isinstance(item, InputProblem), item
    return item


def gold_lines(page: Path) -> list[tuple[str, str]]:
    """(kind, text) of each line of the page's plain-text scrape: C content, F furniture."""
    rows = (page.with_suffix(".lines")).read_text("utf-8").splitlines()
    return [(row[0], row[2:]) for row in rows]


@pytest.fixture(scope="module")
def bundled():
    return load_model(BUNDLED)


def test_the_corpus_has_the_templates_it_claims() -> None:
    markup = {p.name: p.read_bytes() for p in PAGES}
    assert len(PAGES) >= 5
    assert any(b"<table" in m and b"<td" in m for m in markup.values())
    assert any(m.count(b"<br>") >= 3 for m in markup.values())
    assert any(b"viewport" in m for m in markup.values())
    assert any(m.count(b"<div") >= 20 for m in markup.values())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_reads_as_its_visible_blocks_in_order(page: Path) -> None:
    (doc,) = read_documents([str(page)], input="auto")
    assert isinstance(doc, Document)
    assert doc.input == "html"
    assert doc.text.split("\n") == [text for _, text in gold_lines(page)]
    for hidden in (
        "var ",
        "统计代码",
        "隐藏",
        "这一段不应该出现",
        "屏幕阅读器",
        "模板内容",
        "JavaScript",
        "<",
    ):
        assert hidden not in doc.text


def test_a_gb2312_page_is_read_in_its_meta_charset() -> None:
    data = (HTML_DIR / "portal-table.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    markup, encoding, warning = decode_html(data)
    assert (encoding, warning) == ("gb18030", None)
    assert "青岚经济技术开发区举办春季专场招聘会" in markup


def test_utf8_wins_over_a_stale_meta_charset_and_a_wrong_one_is_named() -> None:
    page = '<meta charset="gb2312"><p>园区签约项目12个。</p>'
    assert decode_html(page.encode("utf-8"))[:2] == (page, "utf-8")
    big5 = '<meta charset="utf-8"><p>園區簽約項目十二個，總投資八十億元。</p>'.encode("big5")
    markup, encoding, warning = decode_html(big5.replace(b"utf-8", b"euc-jp"), "p.html")
    assert "園區簽約項目" in markup and encoding in ("big5", "cp950", "big5hkscs")
    assert warning == f"p.html: declares charset euc_jp but is not; read as {encoding}"


def test_html_is_detected_by_content_not_by_name(tmp_path: Path) -> None:
    saved = tmp_path / "page.txt"
    saved.write_text("<!DOCTYPE html><html><body><p>园区签约。</p></body></html>", "utf-8")
    assert _document(next(read_documents([str(saved)], input="auto"))).text == "园区签约。"
    assert _document(next(read_documents([str(saved)], input="text"))).text.startswith("<!DOCTYPE")
    forced = tmp_path / "x.dat"
    forced.write_text("园区签约。<br>项目开工。", "utf-8")
    assert _document(next(read_documents([str(forced)], input="html"))).text == "园区签约。\n项目开工。"
    assert looks_like_html("  <!-- saved --> <div class=a>x</div>")
    assert not looks_like_html("园区举办招聘会，<span>标签在句中。")
    assert not looks_like_html("<<开发区报>>头版")


def test_markup_edge_cases() -> None:
    assert html_blocks("") == [] and html_blocks("<!-- only a comment -->") == []
    assert html_blocks('<?xml version="1.0" encoding="utf-8"?><html><p>甲</p></html>') == ["甲"]
    deep = "<div>" * 1500 + "深处的段落。" + "</div>" * 1500
    assert html_blocks(deep) == ["深处的段落。"]
    assert html_blocks("<p>园区\n  签约</p><pre>一\n二</p>") == ["园区签约", "一", "二"]
    assert html_blocks("<style>.ad{display:none}</style><p class='x ad'>广告</p><p>正文</p>") == ["正文"]
    assert html_blocks("<table><tr><td>项目</td><td>12亿元</td></tr></table>") == ["项目 12亿元"]


def test_html_content_gets_content_labels_and_furniture_spam_as_plain_text_does(bundled) -> None:
    """The bundled model on the authored pages: read as HTML, each page gets the labels its
    plain-text scrape gets, with no markup left in the lines (read as text, the old
    behaviour, the tags and scripts become paragraphs of their own)."""
    counts = {"html": [0, 0, 0, 0], "plain": [0, 0, 0, 0]}
    markup_lines = 0
    html_markup_lines = 0
    for page in PAGES:
        gold = gold_lines(page)
        (item,) = read_documents([str(page)], input="auto")
        doc = _document(item)
        plain = Document(name="plain", text="\n".join(t for _, t in gold), encoding="utf-8")
        for name, article in (
            ("html", label_article(bundled, doc)),
            ("plain", label_article(bundled, plain)),
        ):
            for (kind, _), p in zip(gold, article.paragraphs, strict=True):
                c = counts[name]
                if kind == "C":
                    c[0] += p.label != "spam"
                    c[1] += 1
                else:
                    c[2] += p.label == "spam"
                    c[3] += 1
        as_text = label_article(bundled, _document(next(read_documents([str(page)], input="text"))))
        markup_lines += sum("<" in p.text and ">" in p.text for p in as_text.paragraphs)
        html_markup_lines += sum(bool(re.search(r"<[a-z/!]", line)) for line in doc.text.splitlines())
    html_content = counts["html"][0] / counts["html"][1]
    html_furniture = counts["html"][2] / counts["html"][3]
    plain_content = counts["plain"][0] / counts["plain"][1]
    plain_furniture = counts["plain"][2] / counts["plain"][3]
    assert abs(html_content - plain_content) <= 0.05 and abs(html_furniture - plain_furniture) <= 0.05
    assert html_content >= 0.75, counts
    assert html_furniture >= 0.8, counts
    assert markup_lines > len(PAGES) and html_markup_lines == 0


# --- crawl exports ------------------------------------------------------------------------------

ARTICLE = "园区举办春季招聘会，48家企业带来岗位1900余个。\n现场达成就业意向860人。"


def export_rows() -> list[dict]:
    return [
        {
            "url": "https://a.example.cn/2024/05/1.html",
            "title": "招聘会",
            "content": ARTICLE,
            "published": "2024-05-02",
        },
        {"url": "https://b.example.cn/x/2.html", "content": 12},
        {
            "url": "https://b.example.cn/x/3.html",
            "html": "<p>签约项目5个，总投资86亿元。</p><div>相关新闻</div>",
        },
        {
            "url": "https://b.example.cn/x/4.html",
            "content": "<html><body><p>人才公寓交付。</p></body></html>",
        },
    ]


def write_jsonl(path: Path, rows: list, *, broken: bool = True, gz: bool = False) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if broken:
        lines.insert(2, '{"url": "x", "content": "unterminated')
        lines.insert(3, "[1, 2]")
        lines.insert(4, "")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_records_stream_with_ids_and_bad_records_named(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "crawl.jsonl", export_rows())
    items = list(read_documents([str(path)], fields=RecordFields(), input="auto"))
    problems = [i.message for i in items if isinstance(i, InputProblem)]
    docs = [i for i in items if isinstance(i, Document)]
    assert problems == [
        f"{path}:2: field 'content' is int, not text",
        f"{path}:3: not JSON (Unterminated string starting at, column 25)",
        f"{path}:4: a JSON list, not an object",
    ]
    assert [(d.record, d.id, d.input) for d in docs] == [
        (1, "https://a.example.cn/2024/05/1.html", "text"),
        (6, "https://b.example.cn/x/3.html", "html"),
        (7, "https://b.example.cn/x/4.html", "html"),
    ]
    assert docs[0].text == ARTICLE and (docs[0].date, docs[0].title) == ("2024-05-02", "招聘会")
    assert docs[1].text == "签约项目5个，总投资86亿元。\n相关新闻"
    assert docs[2].text == "人才公寓交付。"


def test_records_are_read_lazily(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"content": "园区。"}) + "\n" + "not json\n" * 3, "utf-8")
    stream = read_documents([str(path)], fields=RecordFields())
    assert isinstance(next(stream), Document)  # the first record comes before the rest is parsed


def test_named_fields_and_a_missing_one(tmp_path: Path) -> None:
    rows = [{"link": "u1", "body_text": "园区签约。", "day": "2024-01-02"}, {"link": "u2"}]
    path = write_jsonl(tmp_path / "c.jsonl", rows, broken=False)
    fields = RecordFields(text="body_text", id="link", date="day")
    items = list(read_documents([str(path)], fields=fields))
    first = _document(items[0])
    assert (first.id, first.date, first.text) == ("u1", "2024-01-02", "园区签约。")
    assert _problem(items[1]).message == f"{path}:2: no field 'body_text'"
    auto = list(read_documents([str(path)], fields=RecordFields()))
    assert _problem(auto[0]).message.startswith(f"{path}:1: no text field (looked for content, text, body")


def test_gzip_inputs_are_read_transparently(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "crawl.jsonl.gz", export_rows(), broken=False, gz=True)
    docs = [d for d in read_documents([str(path)], fields=RecordFields()) if isinstance(d, Document)]
    assert [d.record for d in docs] == [1, 3, 4]
    text = tmp_path / "article.txt.gz"
    text.write_bytes(gzip.compress(ARTICLE.encode("gb18030")))
    (item,) = read_documents([str(text)])
    doc = _document(item)
    assert (doc.text, doc.encoding) == (ARTICLE, "gb18030")
    damaged = tmp_path / "bad.txt.gz"
    damaged.write_bytes(gzip.compress(ARTICLE.encode("utf-8"))[:30])
    (problem,) = read_documents([str(damaged)])
    assert isinstance(problem, InputProblem) and problem.message.startswith(f"{damaged}: damaged gzip data")


def test_csv_exports_in_utf8_and_gbk(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["url", "content", "published"])
    writer.writerow(["u1", "园区签约项目。\n第二段，总投资12亿元。", "2024-03-01"])
    writer.writerow(["u2", "多一列", "2024-03-02", "extra"])
    writer.writerow(["u3", "人才公寓交付。", "2024-03-03"])
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"crawl-{encoding}.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        items = list(read_documents([str(path)], fields=RecordFields()))
        assert [getattr(i, "id", None) for i in items] == ["u1", None, "u3"]
        assert _document(items[0]).text == "园区签约项目。\n第二段，总投资12亿元。"
        assert _problem(items[1]).message == f"{path}:4: 4 columns where the header has 3"
        assert _document(items[2]).record == 5
    missing = tmp_path / "nocol.csv"
    missing.write_text("url,summary\nu1,园区\nu2,园区\n", "utf-8")
    items = list(read_documents([str(missing)], fields=RecordFields(text="content")))
    messages = [_problem(i).message for i in items]
    assert messages == [f"{missing}: no field 'content' among the columns url, summary"]


# --- the CLI ------------------------------------------------------------------------------------


def test_classify_a_crawl_export_keeps_the_id_in_every_record(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "crawl.jsonl", export_rows())
    result = runner.invoke(
        app, ["classify", str(path), "--text-field", "content", "--id-field", "url", "-f", "jsonl"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"warning: {path}:2: field 'content' is int, not text",
        f"warning: {path}:3: not JSON (Unterminated string starting at, column 25)",
        f"warning: {path}:4: a JSON list, not an object",
        f"warning: {path}:6: no field 'content'",
    ]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"] for r in records} == {
        "https://a.example.cn/2024/05/1.html",
        "https://b.example.cn/x/4.html",
    }
    assert all(r["file"] == str(path) and r["record"] in (1, 7) for r in records)
    assert [r["text"] for r in records if r["record"] == 7] == ["人才公寓交付。"]
    assert all(r.get("input") == "html" for r in records if r["record"] == 7)


def test_classify_html_field_from_stdin_and_csv_output() -> None:
    rows = [{"url": "u1", "html": "<p>园区签约5个项目。</p><footer>版权所有</footer>"}]
    stdin = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    result = runner.invoke(app, ["classify", "-", "--html-field", "html", "-f", "csv"], input=stdin)
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["record"], r["paragraph"], r["text"]) for r in table] == [
        ("u1", "1", "0", "园区签约5个项目。"),
        ("u1", "1", "1", "版权所有"),
    ]


def test_classify_an_html_page_and_a_folder_of_them(tmp_path: Path) -> None:
    page = HTML_DIR / "news-br.html"
    result = runner.invoke(app, ["classify", str(page), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == [t for _, t in gold_lines(page)]
    assert [r["paragraph"] for r in records] == list(range(len(records)))
    assert {r["input"] for r in records} == {"html"}
    folder = runner.invoke(app, ["classify", str(HTML_DIR), "-f", "jsonl"])
    assert folder.exit_code == 0, folder.output
    assert {json.loads(line)["file"] for line in folder.stdout.splitlines()} == {str(p) for p in PAGES}


def test_field_option_errors() -> None:
    both = runner.invoke(app, ["classify", "-", "--text-field", "a", "--html-field", "b"], input="x")
    assert both.exit_code == 2 and "--text-field or --html-field, not" in both.stderr
    dask = runner.invoke(app, ["classify", "-", "--engine", "dask", "--text-field", "a"], input="x")
    assert dask.exit_code == 2
    assert dask.stderr.strip() == "error: --input and the --*-field options go with --engine local"


def test_summarize_reads_html_pages_and_exports(tmp_path: Path) -> None:
    page = HTML_DIR / "news-br.html"
    result = runner.invoke(app, ["summarize", str(page), "-f", "jsonl", "-n", "2"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["input"] == "html" and len(record["summary"]) == 2
    assert all("<" not in s["original"] for s in record["summary"])
    assert not {"title", "h1", "div"} & set(record["keywords"])
    export = write_jsonl(tmp_path / "crawl.jsonl", export_rows()[:1], broken=False)
    result = runner.invoke(app, ["summarize", str(export), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "https://a.example.cn/2024/05/1.html"


def _listed_as_paths(folder: str) -> list[str]:
    """What listing a folder gave when each file was a Path, sorted as Paths: the reference."""
    from parknews.model.reader import FOLDER_SUFFIXES

    found = [
        Path(root, name)
        for root, _dirs, files in os.walk(Path(folder))
        for name in files
        if name.lower().removesuffix(".gz").endswith(FOLDER_SUFFIXES) and Path(root, name).is_file()
    ]
    return [str(p) for p in sorted(found)]


def test_a_folder_lists_as_its_paths_would(tmp_path, monkeypatch) -> None:
    from parknews.model.reader import expand

    for name in [
        "b.txt",
        "a.TXT",
        "sub/z.html",
        "sub/deeper/y.csv.gz",
        "sub-a/x.txt",
        "sub.b/w.txt",
        "Z.txt",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("园区", "utf-8")
    (tmp_path / "folder.txt").mkdir()  # a folder named like an article is no article
    (tmp_path / "link.txt").symlink_to(tmp_path / "b.txt")
    monkeypatch.chdir(tmp_path)
    for folder in [str(tmp_path), ".", "./sub", "sub/", "sub//deeper", f"{tmp_path}/./sub"]:
        assert list(expand([folder])) == _listed_as_paths(folder), folder
