"""Markdown to safe HTML for document pages (and the editor preview).

markdown-it-py (CommonMark + tables, raw HTML off, links limited to http(s), mailto and relative
URLs) does the rendering; nh3 then cleans the result with an allow-list as a second line of
defence. Headings get the ids search results link to: the explicit `{#anchor}` of the file, or
kb.document.anchor_for() of the heading text, the same ids as Section.id.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from kb.anchors import UniqueIds
from kb.document import anchor_for, heading_parts
from kb.paragraphs import anchor_suffix, item_number, paragraph_number

_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
_ANCHOR_SUFFIX = re.compile(r"[ \t]*\{#[A-Za-z0-9_.:-]+\}[ \t]*$")
SAFE_SCHEMES = {"http", "https", "mailto"}

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote", "pre",
    "code", "em", "strong", "del", "s", "a", "table", "thead", "tbody", "tr", "th", "td", "span",
    "mark",
}
ALLOWED_ATTRIBUTES = {
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "span": {"id"}, "a": {"href", "title"}, "ol": {"start"}, "mark": set(), "p": {"id"}, "li": {"id"},
}
ALLOWED_CLASSES = {"span": {"anchor"}, "a": {"copy-link", "flag-link", "xref"}, "p": {"article-tools"}}


def validate_link(url: str) -> bool:
    """Only http(s), mailto and relative links survive (no javascript:, data:, file:…)."""
    m = _SCHEME.match(url)
    return m is None or m.group(1).lower() in SAFE_SCHEMES


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = validate_link
    return md


def clean_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     allowed_classes=ALLOWED_CLASSES, url_schemes=SAFE_SCHEMES,
                     link_rel="noopener noreferrer")


def _raw(html: str) -> Token:
    """A block of our own HTML (markup we build, never text from the file)."""
    t = Token("html_block", "", 0)
    t.content = html + "\n"
    return t


def _strip_anchor(inline: Token) -> str:
    """Remove the trailing {#anchor} from a heading's inline tokens; return the visible text."""
    text, anchor = heading_parts(inline.content)
    if anchor and inline.children:
        last = inline.children[-1]
        if last.type == "text" and _ANCHOR_SUFFIX.search(last.content):
            last.content = _ANCHOR_SUFFIX.sub("", last.content)
        elif all(c.type == "text" for c in inline.children):
            inline.children = [inline.children[0]]
            inline.children[0].content = text
    inline.content = text
    return anchor or anchor_for(text)


def _link_citations(inline: Token, section_id: str, cross_refs) -> None:
    """Turn citations in an inline block's plain text into links to the cited sections."""
    if not inline.children:
        return
    out, depth = [], 0
    for child in inline.children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        if child.type != "text" or depth > 0:
            out.append(child)
            continue
        pos = 0
        for start, end, url in cross_refs(child.content, section_id):
            if start < pos:
                continue
            if start > pos:
                out.append(_text(child.content[pos:start]))
            link = Token("link_open", "a", 1)
            link.attrSet("href", url)
            link.attrSet("class", "xref")
            out += [link, _text(child.content[start:end]), Token("link_close", "a", -1)]
            pos = end
        out.append(child if pos == 0 else _text(child.content[pos:]))
    inline.children = out


def _unlink_external(inline: Token) -> None:
    """Links to other sites become their plain text (a case's officer-supplied URLs stay
    readable but are never one click away); links within the site stay."""
    if not inline.children:
        return
    out, opened = [], []          # opened: (href if dropped else None, index in out) per open link
    for child in inline.children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            external = bool(_SCHEME.match(href)) or href.startswith("//")
            opened.append((href if external else None, len(out)))
            if external:
                continue
        elif child.type == "link_close" and opened:
            href, start = opened.pop()
            if href is not None:
                shown = "".join(c.content for c in out[start:] if c.type == "text")
                if shown.strip() != href:
                    out.append(_text(f"（{href}）"))
                continue
        out.append(child)
    inline.children = out


def _text(content: str) -> Token:
    t = Token("text", "", 0)
    t.content = content
    return t


def render_markdown(body: str, sections=None, skip_title: bool = False,
                    article_links: bool = False, cross_refs=None, external_links: bool = True) -> Markup:
    """Safe HTML of a Markdown body.

    sections: the document's Sections; every Section.id then exists as an element id (a heading,
    or an empty <span class="anchor"> where a split part or the preamble starts).
    skip_title: drop a leading `# 題名` (the page shows the title itself).
    article_links: add 「この条文のリンクをコピー」 and 「古い・誤りを報告」 links after each section heading.
    cross_refs: callable(text, section_id) -> [(start, end, url)] for citations to link
    (前条, 規則第5条第1項, 警察法第二条 …); headings are never linked.
    external_links: False renders links to other sites as their text (published inquiries).
    """
    current = "preamble"
    md = _parser()
    tokens = md.parse(body or "")
    ids = UniqueIds()
    used = ids.used
    heading_lines: dict[str, int] = {}
    out: list[Token] = []
    seen_heading = False
    paragraph = 1
    i = 0
    section_ids = {s.id for s in sections or []}
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            inline, close = tokens[i + 1], tokens[i + 2]
            if skip_title and not seen_heading and tok.tag == "h1":
                seen_heading = True
                i += 3
                continue
            seen_heading = True
            hid = ids.take(_strip_anchor(inline))
            tok.attrSet("id", hid)
            current = hid
            if tok.map:
                heading_lines[hid] = tok.map[0]
            out += [tok, inline, close]
            paragraph = 1
            if article_links and hid in section_ids:
                out.append(_raw(f'<p class="article-tools"><a class="copy-link" href="#{escape(hid)}">'
                                "この条文のリンクをコピー</a> "
                                f'<a class="flag-link" href="?flag={escape(hid)}#report">古い・誤りを報告</a></p>'))
            i += 3
            continue
        if not external_links and tok.type == "inline":
            _unlink_external(tok)
        if sections and tok.type in ("paragraph_open", "list_item_open") and i + 1 < len(tokens):
            # 項 (「２　…」) and 号 (「一　…」) get ids a search hit links to (kb.paragraphs)
            first = tokens[i + 1] if tok.type == "paragraph_open" else tokens[i + 2] if i + 2 < len(tokens) else None
            text = first.content if first is not None and first.type == "inline" else ""
            if tok.type == "paragraph_open" and tok.level == 0 and paragraph_number(text):
                paragraph = paragraph_number(text) or paragraph
                suffix = anchor_suffix(paragraph, None)
            elif tok.type == "list_item_open" and item_number(text):
                suffix = anchor_suffix(paragraph, item_number(text))
            else:
                suffix = None
            if suffix and f"{current}-{suffix}" not in used:
                used.add(f"{current}-{suffix}")
                tok.attrSet("id", f"{current}-{suffix}")
        if cross_refs and tok.type == "inline":
            _link_citations(tok, current, cross_refs)
        out.append(tok)
        i += 1
    if sections:
        out = _add_part_anchors(out, body or "", sections, used, heading_lines)
    html = md.renderer.render(out, md.options, {})
    return Markup(clean_html(html))


def _add_part_anchors(tokens, body, sections, used, heading_lines):
    """Empty anchors for sections without a heading of their own (split parts, preamble)."""
    lines = [ln.strip() for ln in body.splitlines()]
    inserts: dict[int, list[str]] = {}
    blocks = [(t.map[0], max(t.map[1], t.map[0] + 1), k) for k, t in enumerate(tokens)
              if t.level == 0 and t.nesting >= 0 and t.map]
    starts = [b[0] for b in blocks]
    cursor = 0
    for s in sections:
        if s.id in used:
            cursor = heading_lines.get(s.id, cursor)
            continue
        first = s.text.strip().split("\n", 1)[0].strip()
        line = next((n for n in range(cursor, len(lines)) if lines[n] == first), None)
        if line is None:
            continue
        cursor = line
        # The top-level block holding that line (a paragraph, or the list it belongs to).
        j = bisect.bisect_right(starts, line) - 1
        if j >= 0 and line < blocks[j][1]:
            inserts.setdefault(blocks[j][2], []).append(s.id)
            used.add(s.id)
    if not inserts:
        return tokens
    out = []
    for k, t in enumerate(tokens):
        for sid in inserts.get(k, []):
            out.append(_raw(f'<span class="anchor" id="{escape(sid)}"></span>'))
        out.append(t)
    return out
