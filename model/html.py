"""Crawled HTML pages as the classifier reads articles: visible text blocks, one a line, in reading order.

Every visible block of the page becomes a line — navigation, breadcrumbs,
bylines, related-story lists and footers included — because telling them
from the article is the classifier's job (they are labeled ``spam``), and it
was trained on pages that carry them. Only what no reader sees is dropped:
the ``<head>``, scripts, styles, templates, comments and elements hidden with
``hidden``, ``aria-hidden``, an inline ``display:none`` /
``visibility:hidden``, or a class or id that the page's own ``<style>`` hides.

Parsing is lxml's HTML parser (libxml2): forgiving of the broken markup
crawlers save, fast, and maintained. trafilatura and jusText (both built on
lxml) were tried on the test pages in ``tests/fixtures/html``: trafilatura
keeps only what it takes for the main text and drops the furniture the
classifier is meant to see (and label), and jusText, with no Chinese stop
list, marks most Chinese paragraphs as boilerplate; its paragraph split is
what this module does in a few lines of its own.

Encodings follow the HTML rules as browsers apply them to Chinese sites: a
byte-order mark first; then valid UTF-8 wins whatever the page declares
(pages re-saved as UTF-8 often keep ``charset=gb2312``); then the
``<meta>`` charset (GB2312 and GBK read as GB18030, which contains them);
then the same detection as for plain text files.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

__all__ = ["blocks_text", "declared_charset", "html_blocks", "looks_like_html", "page_blocks"]

# Blocks start a new line; everything else (a, span, strong, font, td, ...) flows inline.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
# Never shown as text.
_SKIPPED = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
        "map",
        "textarea",
        "input",
        "select",
        "datalist",
        "meta",
        "link",
        "base",
        "title",
    ]
)
# Cells of one row stay on one line, a space apart: a data table reads row by row.
_CELLS = frozenset({"td", "th"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# A line break in the source between two Han characters (or CJK punctuation) is no space in Chinese.
_CJK_BREAK = re.compile(rf"(?<=[{_HAN}])[ \t\r\f\v]*\n\s*(?=[{_HAN}])")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

_SNIFF_CHARS = 4096
_HTML_START = re.compile(
    r"^(?:\s|<!--.*?-->)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|section|article"
    r"|main|header|nav|ul|h[1-6]|span|font|center|br|a\s)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(r"<(?:!doctype\s+html|html|body)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE | re.DOTALL
)
# What a page declares → what to decode with (the superset browsers use).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
}


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page or fragment, judged from its opening, whatever the file is named.

    A page starts with a doctype, ``<html>`` or a common tag (after white space and
    comments), or says ``<html>``/``<body>``/``<!doctype html>`` near its start. An
    article that merely quotes a tag mid-text is text.
    """
    head = text[:_SNIFF_CHARS].lstrip("\ufeff")
    return bool(_HTML_START.match(head) or _HTML_ANYWHERE.search(head))


def declared_charset(data: bytes) -> str | None:
    """The codec named by the page's ``<meta charset>`` (or http-equiv) in its first 4 KiB, if any."""
    match = _META_CHARSET.search(data[:_SNIFF_CHARS])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# `.name { ... display: none ... }` or `#name {...}` in the page's own <style>: the common way to hide text.
_HIDING_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^\s*([.#])([\w-]+)\s*$")


def _hidden_selectors(root: object) -> tuple[frozenset[str], frozenset[str]]:
    """Classes and ids that the page's inline style sheets hide (simple selectors only)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in root.iter("style"):  # type: ignore[attr-defined]
        for selectors, body in _HIDING_RULE.findall(style.text or ""):
            if not _HIDDEN_STYLE.search(body):
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector)
                if match:
                    (classes if match.group(1) == "." else ids).add(match.group(2))
    return frozenset(classes), frozenset(ids)


def _is_hidden(element: object, hidden: tuple[frozenset[str], frozenset[str]]) -> bool:
    get = element.get  # type: ignore[attr-defined]
    if get("hidden") is not None or (get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes, ids = hidden
    if ids and get("id") in ids:
        return True
    return bool(classes and not classes.isdisjoint((get("class") or "").split()))


class _Lines:
    """Text gathered inline until a block boundary ends the line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []

    def add(self, text: str | None, *, pre: bool) -> None:
        if not text:
            return
        if pre:
            self._parts.append(text.replace("\r\n", "\n").replace("\r", "\n"))
        else:
            self._parts.append(_SPACES.sub(" ", _CJK_BREAK.sub("", text)))

    def space(self) -> None:
        self._parts.append(" ")

    def end(self) -> None:
        if not self._parts:
            return
        joined = "".join(self._parts)
        self._parts.clear()
        for piece in joined.split("\n"):
            line = _SPACES.sub(" ", piece).strip()
            # U+2028/2029 would read as line ends elsewhere; a block is one line.
            line = line.replace("\u2028", " ").replace("\u2029", " ")
            if line.strip():
                self.lines.append(line)


def _walk(root: object, lines: _Lines) -> None:
    hidden = _hidden_selectors(root)
    # An explicit stack: a crawl can hold pages nested deeper than Python's recursion limit.
    stack: list[tuple[object, bool]] = [(root, False)]
    pre = 0
    while stack:
        element, closing = stack.pop()
        tag = element.tag  # type: ignore[attr-defined]
        name = tag.lower() if isinstance(tag, str) else None
        if closing:
            if name in _BLOCKS:
                lines.end()
            if name == "pre":
                pre -= 1
            lines.add(element.tail, pre=pre > 0)  # type: ignore[attr-defined]
            continue
        if name is None or name in _SKIPPED or _is_hidden(element, hidden):
            # Comments, scripts, hidden parts: gone, but the text after them is not.
            if name in _BLOCKS:
                lines.end()
            lines.add(element.tail, pre=pre > 0)  # type: ignore[attr-defined]
            continue
        if name == "br":
            lines.end()
            lines.add(element.tail, pre=pre > 0)  # type: ignore[attr-defined]
            continue
        if name in _BLOCKS:
            lines.end()
        elif name in _CELLS:
            lines.space()
        if name == "pre":
            pre += 1
        lines.add(element.text, pre=pre > 0)  # type: ignore[attr-defined]
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))  # type: ignore[call-overload]


def html_blocks(markup: str) -> list[str]:
    """The visible text blocks of an HTML page or fragment, one line each, in reading order."""
    return page_blocks(markup)[0]


def page_blocks(markup: str) -> tuple[list[str], str | None]:
    """``html_blocks``, and what of the page could not be read (``None``: nothing was lost)."""
    from lxml import etree
    from lxml import html as lxml_html

    markup = _XML_DECLARATION.sub("", markup, count=1).lstrip("\ufeff")
    if not markup.strip():
        return [], None
    # huge_tree: without it libxml2 silently drops text nested deeper than 255 elements.
    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        root = lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):  # nothing but comments or white space
        return [], None
    lines = _Lines()
    _walk(root, lines)
    lines.end()
    # Even so it stops at 2,048 (a page of unclosed tags gets there): say so, not lose it in silence.
    deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return lines.lines, _TOO_DEEP if deep else None


_TOO_DEEP = "elements nested too deep for the HTML parser (unclosed tags?): the text below that depth is lost"


def blocks_text(blocks: Iterable[str]) -> str:
    """Blocks joined as an article's lines (each block one paragraph)."""
    return "\n".join(blocks)
