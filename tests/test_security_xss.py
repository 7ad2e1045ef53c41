"""XSS payloads in Markdown, front matter, queries and inquiry text render inert (issue 4).

A small site (the real indexer, the real app) holds documents whose bodies, article captions,
tables, link targets and front-matter fields carry payloads; an inquiry's question and answer carry
more. Every payload tries to set `window.__xss = <n>` or call alert(). Checked twice:

* over HTTP: the HTML of every page is parsed (html.parser) and must hold no executable markup
  (inline or foreign <script>, on* attributes, javascript:/data:/vbscript: URLs, iframe/object/
  embed/svg/math…), JSON answers are JSON with nosniff, and the Content-Security-Policy forbids
  inline script;
* in real Chromium: each page is opened (once with the CSP as served, once with the CSP bypassed so
  the markup itself is what is tested), handlers are provoked, every same-site link in the content
  is clicked, and neither a dialog nor `window.__xss` may appear.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest

from conftest import LiveServer, browser_sign_in, signed_in

MD_ID = "xss-markdown-kitei"
META_ID = "xss-meta-tsutatsu"
INQ_ID = "inq-2026-0901"
WORD = "拳銃"                       # every payload document is found by this word


def js(n: int) -> str:
    """The script every payload runs: a marker the browser test reads, and a dialog."""
    return f"window.__xss={n};alert({n})"


# -- the payload site ------------------------------------------------------------------------------
MARKDOWN_BODY = f"""
# XSS試験規程

この規程は{WORD}の保管について定める。<script>{js(1)}</script>

## 第1章 総則<img src=x onerror="{js(2)}"> {{#ch-1}}

### 第1条（趣旨<script>{js(3)}</script>） {{#art-1}}

{WORD}の保管は<img src=x onerror={js(4)}>次のとおりとする。<svg onload="{js(5)}"></svg>

<svg><script>{js(6)}</script></svg>

<iframe src="javascript:{js(7)}"></iframe><object data="javascript:{js(8)}"></object><embed src="javascript:{js(9)}">

<details open ontoggle="{js(10)}"><summary>x</summary></details>

<math><mtext><table><mglyph><style><img src=x onerror="{js(11)}"></style></mglyph></table></mtext></math>

<a href="javascript:{js(12)}">生のリンク</a> と "><script>{js(13)}</script> と '><img src=x onerror={js(14)}>

### 第2条（リンク{WORD}） {{#art-2}}

- [小文字](javascript:{js(20)})
- [大小混在](JaVaScRiPt:{js(21)})
- [実体参照](jav&#x61;script:{js(22)})
- [十進実体](&#106;avascript:{js(23)})
- [データ](data:text/html,<script>{js(24)}</script>)
- [データ64](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MjU8L3NjcmlwdD4=)
- [VB](vbscript:msgbox(26))
- [空白前置](<  javascript:{js(27)}>)
- [タブ](<java&#x09;script:{js(28)}>)
- [改行](<java&#x0A;script:{js(29)}>)
- [制御文字](&#x01;javascript:{js(30)})
- [パーセント](javascript%3A{js(31)})
- [全角](ｊａｖａｓｃｒｉｐｔ：{js(32)})
- [題名属性](http://example.invalid/ "x\\" onmouseover=\\"{js(33)}")
- [引用符](/docs/{MD_ID}"onmouseover="{js(34)})
- 自動リンク <javascript:{js(35)}> と <JAVASCRIPT:alert(36)>
- [参照形式][evil] と [参照形式2][evil2]
- 画像 ![画像](javascript:{js(37)}) ![画像2](x" onerror="{js(38)}) ![svg](data:image/svg+xml,<svg onload=alert(39)>)
- 安全なリンク [検索](/search?q={WORD}) と [条文](#art-1) と [外部](https://example.invalid/) と [メール](mailto:soumu@example.invalid)
- テンプレート {{{{ 1111+2222 }}}} と {{% print(1111+2222) %}} と ${{1111+2222}}
- 実体 &lt;script&gt;{js(40)}&lt;/script&gt; と &#60;img src=x onerror={js(41)}&#62;
- 符号化 %3Cscript%3E{js(42)}%3C/script%3E と \\u003cscript\\u003e{js(43)}\\u003c/script\\u003e

[evil]: javascript:{js(44)}
[evil2]: <data:text/html,<script>alert(45)</script>> "t"

### 第3条（表） {{#art-3}}

| 区分<script>{js(50)}</script> | 内容 |
|---|---|
| {WORD}<img src=x onerror={js(51)}> | [表のリンク](javascript:{js(52)}) |
| `<script>{js(53)}</script>` | <a href=javascript:{js(54)}>x</a> |

```html
<script>{js(55)}</script>
```

    <img src=x onerror={js(56)}>

> 引用 <style>body{{background:url("javascript:alert(57)")}}</style> <link rel=import href="data:text/html,<script>alert(58)</script>">
"""


def markdown_doc() -> str:
    meta = (
        "---\n"
        f"id: {MD_ID}\n"
        f"title: 'XSS試験規程<script>{js(60)}</script>'\n"
        "kind: regulation\n"
        f"issuer: '<svg onload={js(61)}>本部長'\n"
        f"number: '訓令第1号\"><script>{js(62)}</script>'\n"
        "promulgated: 2024-01-10\n"
        "effective_from: 2024-02-01\n"
        "status: in_force\n"
        f"department: '警務部<img src=x onerror={js(63)}>'\n"
        "confidentiality: public\n"
        f"source: 'javascript:{js(64)}'\n"
        f"tags: ['<script>{js(65)}</script>', '{{{{ 7*7 }}}}']\n"
        "---\n")
    return meta + MARKDOWN_BODY


def meta_doc() -> str:
    """Front matter is where the payloads are; the body is plain."""
    return (
        "---\n"
        f"id: {META_ID}\n"
        f"title: '\"><img src=x onerror={js(70)}>通達{{{{ 7*7 }}}}'\n"
        "kind: notice\n"
        f"issuer: '</dd><script>{js(71)}</script>'\n"
        f"number: \"'><svg/onload={js(72)}>\"\n"
        "promulgated: 2024-03-01\n"
        "status: superseded\n"
        f"superseded_by: 'javascript:{js(73)}'\n"
        f"department: '\"><details open ontoggle={js(74)}>'\n"
        "confidentiality: public\n"
        f"source: '<a href=\"javascript:{js(75)}\">出典</a>'\n"
        "tags: ['&lt;script&gt;alert(76)&lt;/script&gt;', '%3Cscript%3Ealert(77)%3C/script%3E']\n"
        "---\n\n"
        f"# 通達\n\n## 第1条 {{#art-1}}\n\n{WORD}の取扱いについて通達する。\n")


def inquiry_doc() -> str:
    """An inquiry written the way the desk publishes one, its text full of payloads."""
    from kb.inquiries import Basis, PublishedInquiry, inquiry_markdown
    inq = PublishedInquiry(
        id=INQ_ID, title=f"{WORD}の照会<script>{js(80)}</script>", category="生活安全",
        question=(f"{WORD}を拾得した者から<img src=x onerror={js(81)}>届出があった。\n"
                  f"# <svg onload={js(82)}>\n[ここ](javascript:{js(83)}) を押して \"><script>{js(84)}</script>"),
        answer=(f"<details open ontoggle={js(85)}>遺失物法により処理する。</details>\n"
                f"---\n<a href=\"javascript:{js(86)}\">回答</a> [参照](JaVaScRiPt:{js(87)}) {{{{ 7*7 }}}}"),
        received=dt.date(2026, 5, 1), answered=dt.date(2026, 5, 2),
        basis=[Basis(MD_ID, "art-1", f"悪い](javascript:{js(88)})[<script>{js(89)}</script>")],
        department=f"生活安全部<img src=x onerror={js(90)}>", tags=[f"<svg onload={js(91)}>"])
    text = inquiry_markdown(inq)
    return text.replace("kind: inquiry\n", "kind: inquiry\nsample: true\n", 1)


@pytest.fixture(scope="module")
def site(site_factory):
    return site_factory({f"regulations/{MD_ID}.md": markdown_doc(),
                         f"notices/{META_ID}.md": meta_doc(),
                         f"inquiries/2026/{INQ_ID}.md": inquiry_doc()}, name="xss-site")


@pytest.fixture(scope="module")
def xss_app(site):
    from webui import create_app
    return create_app(site.config())


@pytest.fixture(scope="module")
def officer(xss_app):
    return signed_in(xss_app, "officer")


# Queries typed into the search box: each is echoed back on the result page.
QUERY_PAYLOADS = [
    f"<script>{js(100)}</script>",
    f"\"><img src=x onerror={js(101)}>",
    f"'><svg onload={js(102)}>",
    f"{WORD} </title><script>{js(103)}</script>",
    f"javascript:{js(104)}",
    "{{ 7*7 }} {% print(7*7) %}",
    f"</textarea><details open ontoggle={js(105)}>",
    f"%3Cscript%3E{js(106)}%3C%2Fscript%3E",
    f"&lt;script&gt;{js(107)}&lt;/script&gt;",
]


# -- the markup checker ----------------------------------------------------------------------------
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "background", "poster", "xlink:href",
             "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "manifest", "icon", "ping"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base",
                  "portal", "isindex", "xml", "import"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: leading C0/space stripped, tabs and newlines removed."""
    v = value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13"
                    "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    v = re.sub(r"[\t\n\r]", "", v)
    m = _SCHEME.match(v)
    return m.group(1).lower() if m else None


class MarkupAudit(HTMLParser):
    """Collects every way a page could run script; `problems` is empty for inert markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"
        if tag == "script":
            src = a.get("src", "")
            self.scripts.append(src)
            if not src.startswith("/static/"):
                self.problems.append(f"script not from /static/: {where}")
            self._in_script = True
        if tag == "style":
            self._in_style = True
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element: {where}")
        if tag == "img" and not a.get("src", "").startswith("/static/"):
            self.problems.append(f"image from content: {where}")
        if tag == "link" and not a.get("href", "").startswith("/static/"):
            self.problems.append(f"link element not from /static/: {where}")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"meta refresh: {where}")
        for name, value in a.items():
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}: {where}")
            if name in ("srcdoc", "srcset", "formaction"):
                self.problems.append(f"attribute {name}: {where}")
            if name in URL_ATTRS:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name} with scheme {scheme}: {where}")
            if name == "style" and re.search(r"javascript:|expression\(|url\(|behavior", value, re.I):
                self.problems.append(f"style attribute with code: {where}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script content: {data[:80]!r}")
        elif self._in_style and re.search(r"javascript:|expression\(|url\(", data, re.I):
            self.problems.append(f"style element with code: {data[:80]!r}")
        elif not self._in_script and not self._in_style:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return "".join(self.text)


def audit_markup(html: str) -> MarkupAudit:
    p = MarkupAudit()
    p.feed(html)
    p.close()
    return p


def script_src(csp: str) -> list[str]:
    directives = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    return directives.get("script-src", directives.get("default-src"))


def assert_inert_page(response, where: str) -> MarkupAudit:
    assert response.mimetype == "text/html", f"{where}: {response.mimetype}"
    html = response.get_data(as_text=True)
    audit = audit_markup(html)
    assert not audit.problems, f"{where}: executable markup survived:\n" + "\n".join(audit.problems)
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy header"
    sources = script_src(csp)
    assert sources is not None, f"{where}: CSP names no script-src/default-src: {csp}"
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, f"{where}: {csp}"
    assert "*" not in sources and "data:" not in sources, f"{where}: {csp}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    return audit


def assert_inert_json(response, where: str):
    assert response.mimetype == "application/json", f"{where}: {response.mimetype}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    return json.loads(response.get_data(as_text=True))


# -- the checker itself must catch what it is meant to catch ---------------------------------------
@pytest.mark.parametrize("bad", [
    "<script>alert(1)</script>",
    '<script src="https://evil.example/x.js"></script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href=" &#x01;javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=about:blank></iframe>",
    "<object data=x></object>",
    "<embed src=x>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext>x</mtext></math>",
    '<p style="background:url(javascript:alert(1))">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
])
def test_the_checker_flags_executable_markup(bad):
    assert audit_markup(f"<main>{bad}</main>").problems


def test_the_checker_passes_our_own_markup():
    ok = ('<script src="/static/docs/docs.js" defer></script><a href="/docs/x#art-1">a</a>'
          '<a href="https://example.org/">b</a><a href="mailto:a@example.org">c</a><a href="#top">d</a>'
          '<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>')
    audit = audit_markup(ok)
    assert not audit.problems
    assert "<script>alert(1)</script>" in audit.visible_text


# -- HTTP ------------------------------------------------------------------------------------------
def test_payload_documents_are_in_the_index(officer):
    r = officer.get("/api/search", query_string={"q": WORD, "limit": 50, "in_force": "0"})
    ids = {h["doc_id"] for h in assert_inert_json(r, "/api/search")["hits"]}
    assert {MD_ID, META_ID, INQ_ID} <= ids, ids


@pytest.mark.parametrize("doc_id", [MD_ID, META_ID, INQ_ID])
def test_document_page_is_inert(officer, doc_id):
    r = officer.get(f"/docs/{doc_id}")
    assert r.status_code == 200
    audit = assert_inert_page(r, f"/docs/{doc_id}")
    text = audit.visible_text
    # escaped, not dropped: the payloads are on the page as text
    if doc_id == MD_ID:
        for shown in (f"XSS試験規程<script>{js(60)}</script>", f"警務部<img src=x onerror={js(63)}>",
                      f"訓令第1号\"><script>{js(62)}</script>", f"javascript:{js(64)}",
                      f"<script>{js(1)}</script>", f"[小文字](javascript:{js(20)})",
                      f"<javascript:{js(35)}>", "{{ 1111+2222 }}", "{% print(1111+2222) %}",
                      f"<script>{js(53)}</script>"):
            assert shown in text, f"{shown!r} not shown as text"
        assert "3333" not in text                    # no template evaluated {{ 1111+2222 }}
        # the safe links survive, so the filter is not simply dropping every link
        html = r.get_data(as_text=True)
        for href in ("https://example.invalid/", "mailto:soumu@example.invalid", "#art-1"):
            assert f'href="{href}"' in html, href
    elif doc_id == META_ID:
        for shown in (f"\"><img src=x onerror={js(70)}>通達{{{{ 7*7 }}}}", f"</dd><script>{js(71)}</script>",
                      f"'><svg/onload={js(72)}>", f"javascript:{js(73)}"):
            assert shown in text, f"{shown!r} not shown as text"
    else:
        for shown in (f"<img src=x onerror={js(81)}>", f"<details open ontoggle={js(85)}>"):
            assert shown in text, f"{shown!r} not shown as text"


@pytest.mark.parametrize("doc_id", [MD_ID, META_ID, INQ_ID])
def test_document_json_keeps_payloads_as_data(officer, doc_id):
    r = officer.get(f"/api/docs/{doc_id}")
    assert r.status_code == 200
    body = assert_inert_json(r, f"/api/docs/{doc_id}")
    assert "<script>" in json.dumps(body, ensure_ascii=False)   # data, not rendered


@pytest.mark.parametrize("query", [WORD, f"{WORD} 保管", f"{WORD} 照会", "XSS試験規程", "通達", "onerror",
                                   "script", "javascript", "alert"])
def test_search_results_are_inert(officer, query):
    for url in (f"/search?q={quote(query)}", f"/search?q={quote(query)}&f=1&inforce=0"):
        r = officer.get(url)
        assert r.status_code == 200
        assert_inert_page(r, url)
    r = officer.get("/search", query_string={"q": WORD, "f": "1", "inforce": "0"})
    text = assert_inert_page(r, "search").visible_text
    assert "<img src=x onerror" in text or "<script>" in text   # snippets show the payloads as text


def test_search_hits_snippets_hold_only_mark(officer):
    r = officer.get("/api/search", query_string={"q": WORD, "limit": 50, "in_force": "0"})
    hits = assert_inert_json(r, "/api/search")["hits"]
    assert hits
    for h in hits:
        tags = set(re.findall(r"</?([A-Za-z][A-Za-z0-9]*)", h["snippet"]))
        assert tags <= {"mark"}, (h["doc_id"], h["snippet"])
        assert not audit_markup(h["snippet"]).problems
        assert url_scheme(h["url"]) is None and h["url"].startswith("/docs/"), h["url"]


@pytest.mark.parametrize("query", QUERY_PAYLOADS)
def test_query_echo_is_escaped(officer, query):
    r = officer.get("/search", query_string={"q": query})
    assert r.status_code == 200
    audit = assert_inert_page(r, f"/search?q={query}")
    html = r.get_data(as_text=True)
    # the query comes back as the box's value and as text, never as markup
    # (the title and the no-results heading shorten a long query with …)
    assert "「" + query.strip()[:39] in audit.visible_text, "the query is not echoed as text"
    box = re.search(r'<input id="q"[^>]*>', html)
    parser = _Inputs()
    parser.feed(box.group(0))
    assert parser.values == [query.strip()]
    for dept in (query, f"警務部<img src=x onerror={js(63)}>"):
        r = officer.get("/search", query_string={"q": WORD, "dept": dept, "kind": "notice"})
        assert_inert_page(r, f"/search dept={dept}")


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.values.append(dict(attrs).get("value"))


@pytest.mark.parametrize("query", QUERY_PAYLOADS + ["<", "XSS", "<script", "\"><"])
def test_api_payload_queries_answer_json(officer, query):
    r = officer.get("/api/suggest", query_string={"q": query})
    assert r.status_code == 200
    assert assert_inert_json(r, "/api/suggest")["query"] == query[:100]
    r = officer.get("/api/search", query_string={"q": query})
    assert r.status_code == 200
    assert assert_inert_json(r, "/api/search")["query"] == query


def test_typeahead_suggestions_are_data(officer):
    r = officer.get("/api/suggest", query_string={"q": "XSS"})
    found = assert_inert_json(r, "/api/suggest")["suggestions"]
    for s in found:
        if s.get("url"):
            assert url_scheme(s["url"]) is None and s["url"].startswith("/"), s


@pytest.mark.parametrize("path", [
    f"/docs/<script>{js(110)}</script>",
    f"/docs/%22%3E%3Cimg%20src%3Dx%20onerror%3D{quote(js(111))}%3E",
    f"/nowhere/<svg onload={js(112)}>",
    f"/docs/{MD_ID}/<script>{js(113)}</script>",
    "/search?page=<script>alert(114)</script>&q=x",
])
def test_error_pages_are_inert(officer, path):
    r = officer.get(path)
    assert r.status_code in (200, 404), (path, r.status_code)
    assert_inert_page(r, path)
    api = officer.get("/api" + path)                # the same under /api/: JSON errors, or JSON
    assert_inert_json(api, "/api" + path)


def test_api_error_echoes_are_json(officer):
    for qs in ({"q": WORD, "limit": f"<script>{js(120)}</script>"},
               {"q": WORD, "kind": f"<img src=x onerror={js(121)}>"}):
        r = officer.get("/api/search", query_string=qs)
        assert r.status_code == 400
        assert_inert_json(r, "/api/search error")


def test_login_page_next_is_escaped(xss_app):
    anon = xss_app.test_client()
    payload = f"\"><script>{js(130)}</script>"
    r = anon.get("/login", query_string={"next": payload})
    assert r.status_code == 200
    assert_inert_page(r, "/login?next=payload")
    r = anon.get(f"/search?q=<script>{js(131)}</script>")       # redirect to sign-in carries it
    assert r.status_code == 302
    r = anon.get(r.headers["Location"])
    assert_inert_page(r, "login after redirect")
    signed = signed_in(xss_app, "officer")
    for target in (f"javascript:{js(132)}", "//evil.example/", f"data:text/html,<script>{js(133)}</script>"):
        r = signed.get("/login", query_string={"next": target})
        assert r.status_code == 302 and url_scheme(r.headers["Location"]) in (None, "http", "https")
        assert urlsplit(urljoin("http://localhost/", r.headers["Location"])).netloc == "localhost"


def test_audit_log_shows_payload_searches_as_text(xss_app, officer):
    """Officers' payload queries land in the audit log an admin reads: stored XSS is the risk."""
    payload = f"<script>{js(140)}</script>監査"
    officer.get("/search", query_string={"q": payload})
    admin = signed_in(xss_app, "admin")
    with xss_app.test_request_context():
        from flask import url_for
        url = url_for("admin.audit_log")
    r = admin.get(url)
    assert r.status_code == 200
    audit = assert_inert_page(r, url)
    assert payload in audit.visible_text


# -- the editor's preview and the desk's pages (text typed by maintainers, desk staff, officers) --
def test_editor_preview_is_inert(xss_app):
    from conftest import csrf_token
    c = signed_in(xss_app, "maintainer")
    r = c.post("/editor/preview", json={"body": MARKDOWN_BODY, "title": f"<script>{js(95)}</script>"},
               headers={"X-CSRFToken": csrf_token(c, "/editor/")})
    assert r.status_code == 200 and r.is_json
    html = r.json["html"]
    found = audit_markup(html)
    assert html and not found.problems, found.problems
    assert "<script>" in found.visible_text          # shown as text, not dropped silently


def test_desk_pages_show_inquiry_text_inert(xss_app):
    from conftest import csrf_token
    question = (f"{WORD}の届出<script>{js(96)}</script> <img src=x onerror={js(97)}> "
                f"[x](javascript:{js(98)}) \"><svg onload={js(99)}> 山田太郎さん")
    answer = f"<details open ontoggle={js(100)}>遺失物法により処理する。</details> {{{{ 7*7 }}}}"
    desk = signed_in(xss_app, "desk")
    r = desk.post("/desk/new", data={
        "received_at": "2026-05-01T10:00", "channel": "電話", "asking_unit": f"<b onmouseover={js(101)}>署</b>",
        "category": "生活安全", "question": question, "answer": answer,
        "csrf_token": csrf_token(desk, "/desk/new")})
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:300]
    review = r.headers["Location"]
    for url in (review, "/desk/"):
        page = desk.get(url)
        assert page.status_code == 200, url
        found = assert_inert_page(page, url)
        assert "<script>" in found.visible_text or "onerror" in found.visible_text or url == "/desk/", url
    officer_client = signed_in(xss_app, "officer")
    for url in (f"/ask?q=<script>{js(102)}</script>", "/my-inquiries"):
        page = officer_client.get(url)
        assert page.status_code == 200, url
        assert_inert_page(page, url)


# -- the real browser ------------------------------------------------------------------------------
# Recorded in every document before the page's own scripts: CSP refusals of script (a payload
# that got as far as the browser and was stopped only by the policy).
WATCH_CSP = """document.addEventListener('securitypolicyviolation', e => {
    if (/^script-src/.test(e.effectiveDirective || e.violatedDirective))
        (window.__cspScript = window.__cspScript || []).push(e.effectiveDirective + ' ' + e.blockedURI);
});"""

# What the live DOM holds after the page's own scripts ran: executable things, by the browser's
# own parse (a.protocol is the scheme Chromium would follow).
LIVE_DOM_PROBLEMS = """() => {
    const out = [];
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            if (/^on/i.test(a.name)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
            if (/^(href|src|action|formaction|data|xlink:href|srcdoc)$/i.test(a.name) &&
                /^\\s*(javascript|data|vbscript):/i.test(a.value.replace(/[\\t\\n\\r]/g, '')))
                out.push(el.tagName + ' ' + a.name + '=' + a.value);
        }
        const tag = el.tagName.toLowerCase();
        if (['iframe', 'frame', 'object', 'embed', 'svg', 'math', 'base', 'img'].includes(tag))
            out.push('element ' + tag);
        if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/static/'))
            out.push('script ' + el.outerHTML.slice(0, 80));
        if (tag === 'a' && el.href && !['http:', 'https:', 'mailto:'].includes(el.protocol))
            out.push('link ' + el.protocol + ' ' + el.href);
    }
    return out;
}"""

# Provoke whatever handler might hide in the content (none should exist).
PROVOKE = """() => {
    for (const el of document.querySelectorAll('#main *')) {
        for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus', 'focusin', 'toggle',
                            'load', 'error', 'animationstart', 'pointerover'])
            el.dispatchEvent(new Event(type, {bubbles: true}));
        if (el.tagName === 'DETAILS') el.open = !el.open;
    }
}"""

# Links in the content area a click keeps on this site (or that have no origin at all).
CLICKABLE = """() => [...document.querySelectorAll('#main a[href]')].map((a, i) => {
    let same = true;
    try { same = !/^https?:$/.test(a.protocol) || a.origin === location.origin; } catch (e) {}
    return same && a.protocol !== 'mailto:' ? i : -1;
}).filter(i => i >= 0)"""


@pytest.fixture(scope="module")
def xss_server(xss_app):
    server = LiveServer(xss_app).start()
    yield server
    server.stop()


class Watched:
    """A signed-in page whose dialogs and script-level errors are recorded."""

    def __init__(self, page, csp: bool):
        self.page, self.csp = page, csp
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(f"{d.type}: {d.message} @ {page.url}"), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(f"{e} @ {page.url}"))

    def check(self, where: str):
        """Nothing ran on the current page: no marker, no dialog, no refused script, no handler."""
        page = self.page
        page.wait_for_timeout(50)
        state = page.evaluate("() => ({xss: typeof window.__xss === 'undefined' ? null : String(window.__xss),"
                              " csp: window.__cspScript || []})")
        assert state["xss"] is None, f"{where}: payload {state['xss']} ran ({page.url})"
        assert not self.dialogs, f"{where}: dialogs {self.dialogs}"
        assert not state["csp"], f"{where}: the CSP had to refuse script: {state['csp']}"
        problems = page.evaluate(LIVE_DOM_PROBLEMS)
        assert not problems, f"{where}: executable markup in the live DOM: {problems}"


@pytest.fixture(scope="module", params=[True, False], ids=["csp-as-served", "csp-bypassed"])
def signed_in_page(request, browser, xss_server, xss_app):
    """Once with the policy the app sends, once with Chromium told to ignore it (so the markup
    itself, not just the policy, is what is tested)."""
    csp = request.param
    ctx = browser.new_context(locale="ja-JP", base_url=xss_server.url, bypass_csp=not csp,
                               viewport={"width": 1024, "height": 900})
    ctx.add_init_script(WATCH_CSP)
    page = ctx.new_page()
    browser_sign_in(page, xss_server.url, xss_app, "officer")
    yield Watched(page, csp)
    ctx.close()


@pytest.fixture
def watched(signed_in_page):
    w = signed_in_page
    w.dialogs.clear()
    w.errors.clear()
    yield w
    assert not w.dialogs, w.dialogs
    assert not w.errors, w.errors


@contextlib.contextmanager
def _nothing():
    yield


def visit_and_click(w: Watched, url: str, click: bool = True):
    """Open url, provoke handlers, then click every non-external link of the content area."""
    page = w.page
    page.goto(url)
    w.check(url)
    page.evaluate(PROVOKE)
    w.check(f"{url} (events)")
    links = page.evaluate(CLICKABLE) if click else []
    clicked = 0
    for i in links:
        page.goto(url)
        link = page.locator("#main a[href]").nth(i)
        href = link.get_attribute("href")
        # a page load follows (http(s), another document), or not (#fragment; javascript: would run here)
        loads = link.evaluate("a => /^https?:$/.test(a.protocol) && a.href.split('#')[0] !== location.href.split('#')[0]")
        visible = link.is_visible()
        with page.expect_navigation() if loads else _nothing():
            if visible:
                link.click(no_wait_after=True)
            else:                              # inside a closed <details>: click it as a script would
                link.evaluate("a => a.click()")
        page.wait_for_timeout(50)
        w.check(f"{url} → link {href!r}")
        clicked += 1
    return clicked


@pytest.mark.browser
@pytest.mark.parametrize("doc_id", [MD_ID, META_ID, INQ_ID])
def test_browser_document_pages_are_inert(watched, doc_id):
    clicked = visit_and_click(watched, f"/docs/{doc_id}")
    assert clicked >= 1                                   # the article / basis links at least
    page = watched.page
    page.goto(f"/docs/{doc_id}")
    title = page.inner_text("h1")
    assert "<" in title and ("<script>" in title or "<img" in title), title   # shown, not dropped
    if doc_id == MD_ID:
        body = page.inner_text(".doc-body")
        assert f"<script>{js(1)}</script>" in body and f"[小文字](javascript:{js(20)})" in body
        assert "{{ 1111+2222 }}" in body and "3333" not in body


@pytest.mark.browser
def test_browser_search_results_are_inert(watched):
    url = f"/search?q={quote(WORD)}&f=1&inforce=0"
    visit_and_click(watched, url)
    page = watched.page
    page.goto(url)
    cards = page.locator("li.card").count()
    assert cards >= 3
    snippets = " ".join(page.locator("p.snippet").all_inner_texts())
    assert "<img src=x onerror" in snippets or "<script>" in snippets, snippets
    assert page.locator("p.snippet mark").count() >= 1      # highlighting still works


@pytest.mark.browser
@pytest.mark.parametrize("query", QUERY_PAYLOADS, ids=[f"q{i}" for i in range(len(QUERY_PAYLOADS))])
def test_browser_query_echo_is_text(watched, query):
    page = watched.page
    url = "/search?" + "q=" + quote(query)
    # its links (chips, suggestions, pagination carry the query): clicked for two of the payloads
    visit_and_click(watched, url, click=query in QUERY_PAYLOADS[:2])
    page.goto(url)
    assert page.input_value("#q") == query.strip()
    assert query.strip()[:39] in page.title()
    # typed into the box as an officer would, submitted, and typed-ahead
    page.goto("/")
    page.fill("#q", query)
    with page.expect_navigation():
        page.press("#q", "Enter")
    watched.check(f"typed {query!r}")
    assert page.input_value("#q") == query.strip()


@pytest.mark.browser
def test_browser_typeahead_shows_payload_titles_as_text(watched):
    page = watched.page
    page.goto("/")
    page.locator("#q").press_sequentially("XSS", delay=30)
    item = page.locator("a", has_text="XSS試験規程").first
    item.wait_for(state="visible", timeout=5000)
    assert f"<script>{js(60)}</script>" in item.inner_text()
    watched.check("typeahead")
    with page.expect_navigation():
        item.click()
    watched.check("typeahead → document")
    assert page.url.endswith(f"/docs/{MD_ID}")


@pytest.mark.browser
@pytest.mark.parametrize("path", [f"/docs/<script>{js(110)}</script>", f"/nowhere/<svg onload={js(112)}>",
                                  "/search?page=<script>alert(114)</script>&q=%3Cscript%3Ealert(115)%3C/script%3E"])
def test_browser_error_pages_are_inert(watched, path):
    visit_and_click(watched, path)


@pytest.mark.browser
def test_browser_detectors_work(browser, xss_server, xss_app):
    """The detectors above are not blind: an injected handler is seen where the CSP is bypassed,
    and refused (and reported) where it is not."""
    for bypass in (True, False):
        ctx = browser.new_context(base_url=xss_server.url, bypass_csp=bypass)
        ctx.add_init_script(WATCH_CSP)
        page = ctx.new_page()
        browser_sign_in(page, xss_server.url, xss_app, "officer")
        w = Watched(page, not bypass)
        page.goto(f"/docs/{MD_ID}")
        page.evaluate(f"""() => document.querySelector('.doc-body').insertAdjacentHTML('beforeend',
            '<img src=x onerror="{js(999)}"><a id=probe href="javascript:window.__xss=998">p</a>')""")
        page.wait_for_timeout(300)
        with pytest.raises(AssertionError):
            w.check("probe")
        if bypass:
            assert page.evaluate("window.__xss") == 999 and w.dialogs
        else:
            assert page.evaluate("typeof window.__xss") == "undefined"
            assert page.evaluate("window.__cspScript || []"), "CSP refusal not reported"
        ctx.close()
