"""Reading a document: every search-result anchor lands, status banners, metadata, safe Markdown."""
import os
import re

import pytest

from kb.store import atomic_write, document_paths, read_document
from webui.render import render_markdown

IDS = re.compile(r'\bid="([^"]+)"')

SAMPLES = {
    "notices/kyu-tsutatsu.md": """---
id: kyu-tsutatsu
title: 旧通達
kind: notice
status: superseded
superseded_by: shin-tsutatsu
---
## 1 趣旨 {#ki-1}

古い取扱い。
""",
    "notices/shin-tsutatsu.md": """---
id: shin-tsutatsu
title: 新通達
kind: notice
promulgated: 2022-06-01
effective_until: 2023-03-31
number: 警察庁丙企画発第32号
---
## 1 趣旨 {#ki-1}

新しい取扱い。
""",
    "manuals/haishi.md": """---
id: haishi
title: 廃止された要領
kind: manual
status: repealed
superseded_by: 外部の要領（令和元年）
---
### 第1条

廃止済み。
""",
    "manuals/himitsu.md": """---
id: himitsu
title: 部内限り
kind: manual
confidentiality: restricted
---
本文。
""",
}


@pytest.fixture(scope="module")
def sample(site_factory):
    from conftest import signed_in
    from webui import create_app
    site = site_factory(SAMPLES, "web-docs")
    return site, signed_in(create_app(site.config()), "officer")


def get(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    return r.get_data(as_text=True)


def test_okayama_regulation_page(client):
    html = get(client, "/docs/okayama-chiiki-keisatsu-unei-kitei")
    assert "<h1>岡山県警察地域警察運営規程</h1>" in html
    for text in ("警察訓令第42号", "令和6年12月23日", "令和7年1月1日", "地域部地域課", "出典"):
        assert text in html, text
    assert re.search(r'<h3 id="art-3">第3条[（(]初動的な措置の範囲等[）)]</h3>', html)
    assert '<a class="copy-link" href="#art-3"' in html and "この条文のリンクをコピー" in html
    assert '<details class="toc">' in html and '<a href="#art-3">' in html
    assert "{#" not in html  # anchors are ids, never visible text
    assert '<script src="/static/docs/docs.js" defer></script>' in html
    assert "<script>" not in html and "施行中" in html and "banner" not in html


def test_every_section_id_of_every_document_is_an_element_id(client):
    """A search hit links /docs/<id>#<section id>: each must exist on the page, once."""
    checked = 0
    for path in document_paths(client.application.config["CORPUS"]):
        doc = read_document(path)
        if doc.meta["confidentiality"] != "public":
            continue
        html = get(client, f"/docs/{doc.id}")
        ids = IDS.findall(html)
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes, (doc.id, sorted(dupes)[:5])
        missing = [s.id for s in doc.sections if s.id not in ids]
        assert not missing, (doc.id, missing[:10])
        checked += 1
    assert checked >= 50


def test_split_long_sections_get_anchor_at_their_paragraph():
    long = "\n\n".join(f"{n}　" + "あ" * 700 for n in range(2, 7))
    body = f"### 第9条（長い条） {{#art-9}}\n\n最初の項。\n\n{long}\n"
    from kb.document import split_sections
    sections = split_sections(body, "題")
    assert [s.id for s in sections][1:], "the article must be split for this test"
    html = str(render_markdown(body, sections))
    for s in sections[1:]:
        assert s.id.startswith("art-9-p")
        n = s.id.rsplit("p", 1)[1]
        # the part's anchor, then its first 項 (which carries the 項's own id for deep links)
        assert f'<span class="anchor" id="{s.id}"></span>\n<p id="art-9-para-{n}">{n}　' in html


def test_markdown_is_rendered_safely():
    html = str(render_markdown(
        "## 見出し {#h}\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](https://e-gov.go.jp/) [d](/docs/x#art-1) "
        "[e](mailto:desk@example.jp) [f](JaVaScRiPt:alert(1))\n\n| 区分 | 時間 |\n|---|---|\n| 当番 | 8時30分 |\n"))
    assert "<script" not in html and "<img" not in html and "&lt;img src=x onerror" in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html
    assert '<a href="https://e-gov.go.jp/"' in html and '<a href="/docs/x#art-1"' in html
    assert '<a href="mailto:desk@example.jp"' in html
    assert '<h2 id="h">見出し</h2>' in html and "<table>" in html and "<td>当番</td>" in html


def test_heading_without_anchor_gets_the_section_id():
    from kb.document import split_sections
    body = "## 第5条の2（例）\n\n本文\n\n## 別表第2\n\n表\n"
    ids = [s.id for s in split_sections(body, "題")]
    html = str(render_markdown(body))
    assert ids == ["art-5-2", "table-2"]
    assert all(f'id="{i}"' in html for i in ids)


def test_superseded_document_links_its_successor(sample):
    _, client = sample
    html = get(client, "/docs/kyu-tsutatsu")
    assert "この文書は新しい文書に置き換えられています" in html
    assert '<a class="successor" href="/docs/shin-tsutatsu">' in html
    assert "廃止" in html


def test_repealed_document_banner_names_a_successor_outside_the_corpus(sample):
    _, client = sample
    html = get(client, "/docs/haishi")
    assert "この文書は廃止されています" in html and "successor" not in html
    assert re.search(r'<h3 id="art-1">第1条</h3>', html)


def test_expired_document_shows_its_validity(sample):
    _, client = sample
    html = get(client, "/docs/shin-tsutatsu")
    assert "有効期間が終了しています（令和5年3月31日まで）" in html
    assert "失効" in html and "警察庁丙企画発第32号" in html and "令和4年6月1日" in html


def test_unknown_hidden_and_odd_ids_are_a_japanese_404(sample):
    _, client = sample
    for doc_id in ("nope", "himitsu", "..%2F..%2Fetc%2Fpasswd", "kyu-tsutatsu.md", "%00", "a" * 300):
        r = client.get(f"/docs/{doc_id}")
        assert r.status_code == 404, doc_id
        assert "お探しのページは見つかりませんでした" in r.get_data(as_text=True)


def test_edited_file_is_shown_without_restart(sample):
    site, client = sample
    path = site.corpus / "notices" / "shin-tsutatsu.md"
    original = path.read_text(encoding="utf-8")
    assert "新しい取扱い。" in get(client, "/docs/shin-tsutatsu")
    try:
        atomic_write(path, original.replace("新しい取扱い。", "改めた取扱い。"))
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        html = get(client, "/docs/shin-tsutatsu")
        assert "改めた取扱い。" in html and "新しい取扱い。" not in html
    finally:
        atomic_write(path, original)
