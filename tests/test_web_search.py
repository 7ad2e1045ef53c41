"""Searching from the web page: the box, result cards, filter chips, pages, zero results, odd input."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.search import Access, Filters

CARD = re.compile(r'<li class="card" data-doc="([^"]+)" data-section="([^"]+)">')

SAMPLES = {
    "manuals/koban-yoryo.md": """---
id: koban-yoryo
title: 交番勤務要領
kind: manual
department: 地域課
promulgated: 2019-05-01
---
# 交番勤務要領

## 第1章 総則 {#ch-1}

### 第3条（同行） {#art-3}

交通法令違反者を交番に同行させるときは、地域幹部の指示を受けなければならない。

### 第4条（記録） {#art-4}

取扱いの結果は、<script>alert("x")</script> 所定の簿冊に記録する。
""",
    "manuals/kyu-koban-yoryo.md": """---
id: kyu-koban-yoryo
title: 旧交番勤務要領
kind: manual
status: repealed
department: 地域課
---
### 第3条（同行） {#art-3}

交通法令違反者を交番に同行させるときは、旧様式の簿冊に記載する。
""",
    "manuals/naibu-yoryo.md": """---
id: naibu-yoryo
title: 内部限りの要領
kind: manual
confidentiality: restricted
---
### 第1条 {#art-1}

交通法令違反者の同行に関する内部限りの取扱い。
""",
}


@pytest.fixture(scope="module")
def sample(site_factory):
    from conftest import signed_in
    from webui import create_app
    site = site_factory(SAMPLES, "web-search")
    return signed_in(create_app(site.config()), "officer")


def cards(html: str) -> list[tuple[str, str]]:
    return CARD.findall(html)


def page(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_home_is_one_big_search_box_in_japanese(client):
    html = page(client, "/")
    assert '<html lang="ja">' in html and '<meta charset="utf-8">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    box = re.search(r'<input id="q"[^>]*>', html).group(0)
    assert 'type="search"' in box and "autofocus" in box and 'enterkeyhint="search"' in box
    assert "<script>" not in html and "style=" not in html  # no inline script or style (CSP to come)


def test_cards_follow_the_engine_order_with_default_filters(client, app):
    q = "泥酔者を保護できるのは最長何時間"
    html = page(client, f"/search?q={q}")
    expected = app.extensions["kb.engine"].search(
        q, limit=10, filters=Filters(in_force_only=True, access=Access(levels=("public",))))
    assert expected.total > 10
    assert cards(html) == [(h.doc_id, h.section_id) for h in expected.hits]
    assert f"{expected.total:,}件" in html and "ミリ秒" in html
    first = expected.hits[0]
    # the card goes down to the 項 the words were found in, carrying the query and section (kb.clicks)
    fragment = first.target.split("#", 1)[1]
    assert fragment.startswith(first.section_id)
    assert re.search(rf'href="/docs/{first.doc_id}\?q=[^"]*&amp;s={first.section_id}#{fragment}"', html)


def test_card_shows_breadcrumb_badges_and_era_date(client):
    html = page(client, "/search?q=交番 同行 地域幹部&kind=regulation")
    found = cards(html)
    assert found and all(d == "okayama-chiiki-keisatsu-unei-kitei" for d, _ in found)
    card = html[html.index('<li class="card"'):html.index("</li>")]
    assert "岡山県警察地域警察運営規程 &gt; 第1章 総則" in card
    assert "規則・訓令" in card and "施行中" in card
    assert "令和6年12月23日" in card
    assert "<mark" in card


def test_kind_chips_change_the_hits_and_show_counts(client):
    q = "交通違反者を交番に同行させるとき"
    html = page(client, f"/search?q={q}")
    all_cards = cards(html)
    counts = dict(re.findall(r'data-kind="(\w+)">\s*[^<]+<span class="count">(\d+)</span>', html))
    assert {"law", "regulation"} <= set(counts)
    chip = re.search(r'<a class="chip" href="([^"]+)"\s+data-kind="regulation"', html).group(1)
    assert parse_qs(urlsplit(chip.replace("&amp;", "&")).query)["kind"] == ["regulation"]
    filtered = page(client, chip.replace("&amp;", "&"))
    only = cards(filtered)
    assert only and only != all_cards
    assert {d for d, _ in only} == {"okayama-chiiki-keisatsu-unei-kitei"}
    assert f"{int(counts['regulation']):,}件" in filtered  # the chip's count is the filtered total
    assert 'class="chip is-on" href=' in filtered and 'aria-current="true" data-kind="regulation"' in filtered
    both = page(client, f"/search?q={q}&kind=regulation&kind=notice")
    assert {d for d, _ in cards(both)} <= {"okayama-chiiki-keisatsu-unei-kitei", "npa-tsutatsu-2022-keisatsu-unei"}


def test_department_filter(client):
    html = page(client, "/")
    assert '<option value="地域部地域課"' in html
    hits = cards(page(client, "/search?q=交番&dept=地域部地域課"))
    assert hits and {d for d, _ in hits} == {"okayama-chiiki-keisatsu-unei-kitei"}


def test_pagination(client):
    q = "警察官"
    first = page(client, f"/search?q={q}")
    second = page(client, f"/search?q={q}&page=2")
    assert len(cards(first)) == 10 and len(cards(second)) == 10
    assert not set(cards(first)) & set(cards(second))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and '<span class="page current" aria-current="page">2</span>' in second
    assert 'start="11"' in second
    assert page(client, f"/search?q={q}&page=abc").count('<li class="card"') == 10
    far = page(client, "/search?q=第七十二条の交通事故の措置&page=50")
    assert "このページには結果がありません" in far or cards(far)


def test_in_force_only_is_on_by_default_and_can_be_turned_off(sample):
    html = page(sample, "/search?q=交通法令違反者 同行")
    assert re.search(r'name="inforce" value="1"\s+checked', html)
    assert "kyu-koban-yoryo" not in {d for d, _ in cards(html)}
    every = page(sample, "/search?q=交通法令違反者 同行&f=1")
    assert "kyu-koban-yoryo" in {d for d, _ in cards(every)}
    assert "廃止" in every and not re.search(r'name="inforce" value="1"\s+checked', every)


def test_restricted_documents_never_show_to_an_officer(sample):
    html = page(sample, "/search?q=交通法令違反者 内部限り&f=1")
    assert "naibu-yoryo" not in html and cards(html)


def test_snippet_escapes_markup_from_the_corpus(sample):
    html = page(sample, "/search?q=簿冊に記録")
    assert ("koban-yoryo", "art-4") in cards(html)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_zero_results_say_so_and_offer_what_to_try(client):
    html = page(client, "/search?q=qqqzzzxxx&kind=notice")
    assert not cards(html)
    assert "一致する条文は見つかりませんでした" in html and "言葉を減らす" in html
    link = re.search(r'<a class="without-filters" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    params = parse_qs(urlsplit(link).query)
    assert params["q"] == ["qqqzzzxxx"] and params["inforce"] == ["0"] and "kind" not in params


def test_suggestions_come_from_the_index_vocabulary(client, app):
    from indexer.suggest import suggest_terms
    engine = app.extensions["kb.engine"]
    words = suggest_terms(engine, "拳銃使用")  # words that exist: nothing to suggest
    assert words == []
    assert "ドローン" in suggest_terms(engine, "ドローンン")  # one letter too many
    assert suggest_terms(engine, "") == []


@pytest.mark.parametrize("q", ["a" * 10_000, '"(*:~', "", "   ", "AND OR NOT", "<script>alert(1)</script>",
                               "\u0000\u202e", "第", "％＊？"])
def test_odd_queries_give_a_page_not_an_error(client, q):
    r = client.get("/search", query_string={"q": q})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Traceback" not in html and "<script>alert(1)</script>" not in html
    if len(q) > 200:
        assert "先頭の200文字で検索しました" in html
        assert len(html) < 100_000  # the query is not echoed thousands of times


def test_missing_index_is_a_japanese_503(tmp_path):
    from webui import create_app
    (tmp_path / "corpus").mkdir()
    from conftest import signed_in
    client = signed_in(create_app({"CORPUS": str(tmp_path / "corpus"), "INDEX": str(tmp_path / "none"),
                                   "DATA": str(tmp_path)}))
    for url in ("/", "/search?q=交番"):
        r = client.get(url)
        assert r.status_code == 503
        assert "索引がまだ作成されていません。kb index を実行してください" in r.get_data(as_text=True)
    r = client.get("/api/search?q=交番")
    assert r.status_code == 503 and "索引がまだ作成されていません" in r.json["error"]["message_ja"]


def test_unknown_page_is_a_japanese_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "お探しのページは見つかりませんでした" in html and 'lang="ja"' in html


def test_unexpected_error_is_a_japanese_500_without_trace(corpus_site):
    from webui import create_app
    app = create_app(corpus_site.config())

    from conftest import signed_in
    from webui.auth import requires

    @app.route("/boom")
    @requires("read")
    def boom():
        raise RuntimeError("secret internals")
    r = signed_in(app).get("/boom")
    assert r.status_code == 500
    html = r.get_data(as_text=True)
    assert "システムでエラーが発生しました" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_static_files_are_served(client):
    for path in ("/static/base.css", "/static/search/search.css", "/static/docs/docs.css", "/static/docs/docs.js"):
        assert client.get(path).status_code == 200, path
