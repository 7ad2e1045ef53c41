"""Two instances on one machine (separate KB_* folders) share an answered inquiry 全国:
岡山 (A) publishes it, a second desk member approves the share, A exports a signed bundle; 広島 (B)
trusts A, imports it, and B's officers find it with its badge and links to B's own articles; A
withdraws it and B's next import removes it. The same round trip over HTTP with `kb share pull`,
and bundles that must be refused (tampered, unknown signer, future format) import nothing."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    REPO_CORPUS,
    TABLET,
    LiveServer,
    Site,
    api_token,
    browser_sign_in,
    build_site,
    csrf_token,
    signed_in,
)
from desk_site import hidden, record_form, review_post

KB = str(Path(sys.executable).with_name("kb"))
QUESTION = ("岡山東警察署の交番で、山田太郎さん（電話090-1234-5678）が、電動キックボードの酒気帯び運転で"
            "検挙された知人について相談に来ました。特定小型原動機付自転車の酒気帯び運転に反則告知はできますか。")
ANSWER = ("道路交通法第125条により、酒気帯び運転は反則行為から除かれるため、反則告知はできません。"
          "交通切符（赤切符）で処理してください。")
QUERY = "電動キックボード 酒気帯び 反則告知"
# B keeps 道路交通法 under its own document id: links must resolve by e-Gov law ID, not by A's id
B_TRAFFIC_ID = "hiroshima-doro-kotsu-ho"


def kb(site: Site, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KB_DATABASE_URL"}
    env.update(KB_CORPUS=str(site.corpus), KB_INDEX=str(site.index), KB_DATA=str(site.data))
    r = subprocess.run([KB, *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, f"kb {' '.join(args)}: {r.stdout}\n{r.stderr}"
    return r


def b_corpus(base: Path) -> Path:
    """広島's corpus: the laws (道路交通法 under another id), notices and the dictionary; not
    岡山's own 規程 and no inquiries."""
    corpus = base / "corpus"
    for folder in ("laws", "notices", "dictionary"):
        shutil.copytree(REPO_CORPUS / folder, corpus / folder)
    old = corpus / "laws" / "law-doro-kotsu-ho.md"
    text = old.read_text(encoding="utf-8").replace("id: law-doro-kotsu-ho\n", f"id: {B_TRAFFIC_ID}\n", 1)
    (corpus / "laws" / f"{B_TRAFFIC_ID}.md").write_text(text, encoding="utf-8")
    old.unlink()
    return corpus


def make_site(base: Path, corpus: Path) -> Site:
    site = build_site(corpus, base)
    return site


@pytest.fixture(scope="module")
def a_site(tmp_path_factory) -> Site:
    base = tmp_path_factory.mktemp("okayama")
    shutil.copytree(REPO_CORPUS, base / "corpus")
    site = make_site(base, base / "corpus")
    kb(site, "share", "init", "--org", "岡山県警察")
    return site


@pytest.fixture(scope="module")
def a_app(a_site):
    from webui import create_app
    return create_app(a_site.config(DATABASE_URL=None))


@pytest.fixture(scope="module")
def a_server(a_app):
    s = LiveServer(a_app).start()
    yield s
    s.stop()


def trusting_a(base: Path, a_site: Site, org: str) -> Site:
    site = make_site(base, b_corpus(base))
    kb(site, "share", "init", "--org", org)
    key_file = base / "okayama.pub"
    key_file.write_text(kb(a_site, "share", "pubkey").stdout, encoding="utf-8")
    kb(site, "share", "trust", str(key_file), "--org", "岡山県警察")
    return site


@pytest.fixture(scope="module")
def b_site(tmp_path_factory, a_site) -> Site:
    return trusting_a(tmp_path_factory.mktemp("hiroshima"), a_site, "広島県警察")


@pytest.fixture(scope="module")
def b_app(b_site):
    from webui import create_app
    return create_app(b_site.config(DATABASE_URL=None))


# -- helpers ---------------------------------------------------------------------------------------
def publish_on_a(a_app) -> str:
    """Desk member 1 records, reviews and publishes an answered inquiry on A; its doc id."""
    desk = signed_in(a_app, "desk", "okayama-desk-1")
    r = desk.post("/desk/new", data={"csrf_token": csrf_token(desk, "/desk/new"), **record_form(
        question=QUESTION, answer=ANSWER, category="交通",
        basis_add="law-doro-kotsu-ho#art-125 okayama-chiiki-keisatsu-unei-kitei#art-3")})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    inquiry_id = int(re.search(r"/desk/(\d+)/review$", r.headers["Location"]).group(1))
    page = desk.get(f"/desk/{inquiry_id}/review").get_data(as_text=True)
    r = desk.post(f"/desk/{inquiry_id}/review", data=review_post(page, "publish", confirmed="1",
                                                                 confidentiality="internal"))
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    return a_app.extensions["kb.desk"].get(inquiry_id).doc_id


def shared_files(site: Site) -> dict[str, int]:
    folder = site.corpus / "inquiries" / "shared"
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.md")} if folder.is_dir() else {}


def ledger_rows(site: Site) -> list[tuple]:
    import sqlite3
    with sqlite3.connect(site.data / "kb.sqlite3") as conn:
        return conn.execute("select org, case_id, hash, state from shared_cases order by id").fetchall()


def index_state(site: Site) -> tuple:
    current = (site.index / "CURRENT").read_text().strip()
    catalog = next(site.index.glob(f"{current}/catalog.json"), None) or next(site.index.glob("*/catalog.json"))
    st = catalog.stat()
    return current, st.st_mtime_ns, st.st_size


def search_cards(client, q: str, **params) -> list[tuple[str, str]]:
    """(doc id, card HTML) of the first page of an officer's search."""
    html = client.get("/search", query_string={"q": q, **params}).get_data(as_text=True)
    return re.findall(r'<li class="card" data-doc="([^"]+)"(.*?)</li>', html, re.S)


def imported_id(a_doc_id: str) -> str:
    from kb.share_import import local_doc_id
    return local_doc_id("岡山県警察", a_doc_id)


# -- the round trip ----------------------------------------------------------------------------------
def test_share_approve_export_import_search_withdraw(a_app, a_site, a_server, b_app, b_site, tmp_path):
    doc_id = publish_on_a(a_app)
    desk1 = signed_in(a_app, "desk", "okayama-desk-1")
    desk2 = signed_in(a_app, "desk", "okayama-desk-2")

    # desk 1 asks for 全国 after reading the masked text; desk 1 cannot approve it
    page = desk1.get(f"/desk/share/case/{doc_id}").get_data(as_text=True)
    assert "〔氏名A〕" in page and "山田太郎" not in page and "090-1234-5678" not in page
    r = desk1.post(f"/desk/share/case/{doc_id}", data={"csrf_token": hidden(page, "csrf_token"),
                                                        "digest": hidden(page, "digest"), "action": "request"})
    assert r.status_code == 302
    req = a_app.extensions["kb.share"].pending()[0]
    own = desk1.get(f"/desk/share/{req.id}").get_data(as_text=True)
    assert "ご自身の申請は承認できません" in own and 'value="approve"' not in own
    r = desk1.post(f"/desk/share/{req.id}", data={"csrf_token": hidden(own, "csrf_token"), "action": "approve",
                                                   "confirmed": "1", "digest": hidden(page, "digest")})
    assert r.status_code == 422 and "別の照会デスク担当者" in r.get_data(as_text=True)
    assert "sharing: national" not in a_app.extensions["kb.share"].case(doc_id).path.read_text(encoding="utf-8")

    # desk 2 sees the masked text again on the approval page and approves
    approval = desk2.get(f"/desk/share/{req.id}").get_data(as_text=True)
    assert "〔氏名A〕" in approval and "山田太郎" not in approval and 'value="approve"' in approval
    r = desk2.post(f"/desk/share/{req.id}", data={"csrf_token": hidden(approval, "csrf_token"), "action": "approve",
                                                   "confirmed": "1", "digest": hidden(approval, "digest")})
    assert r.status_code == 302
    assert a_app.extensions["kb.share"].case(doc_id).scope == "national"
    audit = a_app.extensions["kb.audit"]
    from kb.audit import AuditQuery
    rows = {e.action: e.username for e in audit.events(AuditQuery(text=doc_id), limit=20)}
    assert rows["share_request"] == "okayama-desk-1" and rows["share_approve"] == "okayama-desk-2"

    # A exports: the samples marked 全国 and the new case, with e-Gov law IDs as citations
    bundle = tmp_path / "okayama.jsonl"
    out = kb(a_site, "share", "export", "--out", str(bundle)).stdout
    lines = [json.loads(x) for x in bundle.read_text(encoding="utf-8").splitlines()]
    cases = {x["case_id"]: x for x in lines if x["type"] == "case"}
    assert doc_id in cases and len(cases) >= 6, out
    ours = cases[doc_id]
    assert "山田太郎" not in ours["question"] and ours["hash"].startswith("sha256:")
    assert {"law_id": "335AC0000000105", "article": "125"}.items() <= ours["citations"][0].items()
    assert ours["citations"][0]["label"] == "道路交通法 第百二十五条"      # the desk's own label
    assert ours["citations"][1]["title"] == "岡山県警察地域警察運営規程"

    # B trusts A and imports; B's officer finds the case with its badge and the source's dates
    before = index_state(b_site)
    r = kb(b_site, "share", "import", str(bundle))
    assert f"{len(cases)} added" in r.stdout and "0 held" in r.stdout, r.stdout
    assert index_state(b_site) != before
    officer = signed_in(b_app, "officer", "hiroshima-officer")
    cards = dict(search_cards(officer, QUERY, kind="inquiry", f="1", inforce="1", shared="1"))
    mine = imported_id(doc_id)
    assert mine in cards, list(cards)
    assert "他県事例（岡山県警察）" in cards[mine]
    # the source's dates in the one date style of the site (令和…), never as ISO strings
    import datetime as dt

    from kb.era import to_wareki
    assert f'{to_wareki(dt.date.fromisoformat(ours["published"]))} 公開' in cards[mine]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]*>", "", cards[mine])), cards[mine]
    assert mine not in dict(search_cards(officer, QUERY, kind="inquiry", f="1", inforce="1", shared="0"))
    assert mine in dict(search_cards(officer, QUERY, kind="inquiry"))         # the filter is on by default

    # its citation links open B's own 道路交通法 article; 岡山's 規程 stays a plain label
    view = officer.get(f"/docs/{mine}").get_data(as_text=True)
    assert f'href="/docs/{B_TRAFFIC_ID}#art-125"' in view
    assert "岡山県警察地域警察運営規程 第3条（この県の文書にはありません）" in view
    article = officer.get(f"/docs/{B_TRAFFIC_ID}")
    assert article.status_code == 200 and 'id="art-125"' in article.get_data(as_text=True)

    # B's desk may cite it as a basis; B never shares it as its own
    b_desk = signed_in(b_app, "desk", "hiroshima-desk")
    r = b_desk.post("/desk/new", data={"csrf_token": csrf_token(b_desk, "/desk/new"), **record_form(
        question="電動キックボードの酒気帯び運転の処理について教えてください。", answer="赤切符で処理します。",
        basis_add=f"{mine}#preamble")})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    new_id = int(re.search(r"/desk/(\d+)", r.headers["Location"]).group(1))
    assert [b.doc_id for b in b_app.extensions["kb.desk"].get(new_id).basis] == [mine]
    assert b_desk.get(f"/desk/share/case/{mine}").status_code == 404
    b_bundle = tmp_path / "hiroshima.jsonl"
    kb(b_site, "share", "export", "--out", str(b_bundle))
    assert json.loads(b_bundle.read_text(encoding="utf-8").splitlines()[0])["cases"] == 0

    # importing the same bundle again changes nothing
    files, rows, state = shared_files(b_site), ledger_rows(b_site), index_state(b_site)
    r = kb(b_site, "share", "import", str(bundle))
    assert "0 added, 0 updated, 0 withdrawn" in r.stdout and f"{len(cases)} unchanged" in r.stdout
    assert (shared_files(b_site), ledger_rows(b_site), index_state(b_site)) == (files, rows, state)

    # the same over HTTP: a third instance pulls A's feed with a peer (連携) token
    c_site = trusting_a(tmp_path / "c", a_site, "鳥取県警察")
    token = api_token(a_app, "peer", "peer-tottori")
    r = kb(c_site, "share", "pull", a_server.url, "--token", token)
    assert f"{len(cases)} added" in r.stdout, r.stdout
    assert (c_site.corpus / "inquiries" / "shared" / f"{mine}.md").is_file()
    hit = kb(c_site, "search", "--json", "--kind", "inquiry", QUERY).stdout
    assert mine in hit and "岡山県警察" in hit
    refused = kb(c_site, "share", "pull", a_server.url, "--token", "kbt_wrong", check=False)
    assert refused.returncode != 0 and "401" in refused.stderr
    assert f"{a_server.url}/api/v1/share/feed" in refused.stderr          # the versioned path, not the alias

    # A withdraws; B's next import (and C's next pull) removes the case from search
    page = desk2.get(f"/desk/share/case/{doc_id}").get_data(as_text=True)
    assert re.search(r"（令和\d+年\d+月\d+日 から）", page)                  # shared since, in the site's style
    r = desk2.post(f"/desk/share/case/{doc_id}", data={"csrf_token": hidden(page, "csrf_token"), "action": "withdraw"})
    assert r.status_code == 302 and a_app.extensions["kb.share"].case(doc_id).scope == "local"
    kb(a_site, "share", "export", "--out", str(bundle))
    assert any(x["type"] == "withdrawal" and x["case_id"] == doc_id
               for x in map(json.loads, bundle.read_text(encoding="utf-8").splitlines()))
    r = kb(b_site, "share", "import", str(bundle))
    assert "1 withdrawn" in r.stdout, r.stdout
    assert mine not in dict(search_cards(officer, QUERY, kind="inquiry"))
    assert not (b_site.corpus / "inquiries" / "shared" / f"{mine}.md").exists()
    assert officer.get(f"/docs/{mine}").status_code == 404
    r = kb(c_site, "share", "pull", a_server.url, "--token", token)
    assert "1 withdrawn" in r.stdout and "0 unchanged" in r.stdout, r.stdout    # only what changed since the last pull
    assert mine not in kb(c_site, "search", "--json", "--kind", "inquiry", QUERY).stdout


def test_a_feed_over_the_size_cap_is_refused_with_nothing_imported(a_app, a_site, a_server, tmp_path):
    d_site = trusting_a(tmp_path / "d", a_site, "島根県警察")
    token = api_token(a_app, "peer", "peer-shimane")
    refused = kb(d_site, "share", "pull", a_server.url, "--token", token, "--max-mb", "0.001", check=False)
    assert refused.returncode == 2
    assert "larger than 0.001 MB; nothing was imported" in refused.stderr
    assert shared_files(d_site) == {} and ledger_rows(d_site) == []
    r = kb(d_site, "share", "pull", a_server.url, "--token", token)           # the default cap takes it
    assert "added" in r.stdout and shared_files(d_site)


def test_export_since_keeps_only_what_changed_from_then(a_site, tmp_path):
    """The fictional samples were shared 全国 at 2026-11-30T09:00+09:00 (at least 5: never empty)."""
    def exported(*since: str) -> dict:
        out = tmp_path / "since.jsonl"
        kb(a_site, "share", "export", *since, "--out", str(out))
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert lines[0]["since"] == (since[1] if since else None)
        return {x["case_id"]: x for x in lines if x["type"] in ("case", "withdrawal")}

    samples = {k for k, x in exported().items() if x.get("sample")}
    assert len(samples) >= 5
    assert samples <= exported("--since", "2026-11-30").keys()
    assert not samples & exported("--since", "2026-11-30T09:00:01+09:00").keys()
    assert exported("--since", "2099-01-01") == {}
    bad = kb(a_site, "share", "export", "--since", "30.11.2026", "--out", str(tmp_path / "bad.jsonl"), check=False)
    assert bad.returncode == 2 and "--since must be YYYY-MM-DD" in bad.stderr
    assert not (tmp_path / "bad.jsonl").exists()


# -- bad input: refused, with a message, and nothing imported ---------------------------------------
def _signed(a_site: Site, records: list[dict], version: int = 1) -> bytes:
    """A bundle signed with A's real key, built line by line (to make faulty ones)."""
    import base64

    from kb.exchange import canonical
    from kb.trust import own_key
    key = own_key(a_site.data)
    header = {"type": "bundle", "format": "kb-share", "format_version": version, "org": key.org,
              "key": key.fingerprint, "created": "2026-12-01T10:00:00+09:00", "since": None,
              "cases": sum(r["type"] == "case" for r in records),
              "withdrawals": sum(r["type"] == "withdrawal" for r in records)}
    body = b"\n".join(canonical(x) for x in [header, *records]) + b"\n"
    sig = {"type": "signature", "alg": "Ed25519", "key": key.fingerprint,
           "value": base64.b64encode(key.private_key.sign(body)).decode()}
    return body + canonical(sig) + b"\n"


def _case(case_id: str, answer: str) -> dict:
    from kb.exchange import SharedCase
    return SharedCase(org="岡山県警察", case_id=case_id, title="遺失物の届出を交番で受けるとき", question="遺失物の届出はどう受理しますか。",
                      answer=answer, category="地域", published="2026-11-01",
                      updated="2026-11-02T09:00:00+09:00").record()


def assert_refused(site: Site, path: Path, *needles: str):
    files, rows, state = shared_files(site), ledger_rows(site), index_state(site)
    r = kb(site, "share", "import", str(path), check=False)
    assert r.returncode == 2, (r.stdout, r.stderr)
    for needle in needles:
        assert needle in r.stderr, r.stderr
    assert (shared_files(site), ledger_rows(site), index_state(site)) == (files, rows, state)


def test_tampered_unknown_and_future_bundles_are_refused(a_site, b_site, tmp_path):
    good = _signed(a_site, [_case("inq-2026-7001", "遺失届出書で受理します。"),
                            _case("inq-2026-7002", "拾得物件預り書を交付します。")])
    (tmp_path / "good.jsonl").write_bytes(good)

    line = tmp_path / "line.jsonl"             # one line changed after export: its hash says so
    line.write_bytes(good.replace("拾得物件預り書".encode(), "拾得物件受領書".encode()))
    assert_refused(b_site, line, "line 3", "hash", "ハッシュ値と一致しません")

    resealed = tmp_path / "resealed.jsonl"     # a line changed and its hash recomputed: the signature says so
    lines = good.split(b"\n")
    forged = _case("inq-2026-7002", "拾得物件受領書を交付します。")
    from kb.exchange import canonical
    lines[2] = canonical(forged)
    resealed.write_bytes(b"\n".join(lines))
    assert_refused(b_site, resealed, "signature does not verify", "改ざん")

    from kb.exchange import write_bundle
    from kb.trust import init_org
    stranger = init_org(tmp_path / "stranger", "架空県警察")
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_bytes(write_bundle(stranger.org, stranger.private_key, [], []))
    assert_refused(b_site, unknown, "unknown signer", "信頼する組織に登録されていない")

    impostor = tmp_path / "impostor.jsonl"     # another key claiming to be 岡山
    impostor_key = init_org(tmp_path / "impostor", "岡山県警察")
    impostor.write_bytes(write_bundle("岡山県警察", impostor_key.private_key, [], []))
    assert_refused(b_site, impostor, "signature does not verify")

    future = tmp_path / "future.jsonl"
    future.write_bytes(_signed(a_site, [_case("inq-2026-7003", "受理します。")], version=2))
    assert_refused(b_site, future, "format version 2 is newer", "新しいため取り込めません")

    r = kb(b_site, "share", "import", str(tmp_path / "good.jsonl"))
    assert "2 added" in r.stdout


def test_a_newer_version_replaces_the_case_an_older_one_is_ignored_and_untrust_refuses(a_site, b_site, b_app,
                                                                                     tmp_path):
    from kb.exchange import SharedCase
    officer = signed_in(b_app, "officer", "hiroshima-officer")

    def version(answer: str, updated: str) -> dict:
        return SharedCase(org="岡山県警察", case_id="inq-2026-7201", title="落とし物の問合せを電話で受けるとき",
                          question="落とし物の問合せを電話で受けたときはどう答えますか。", answer=answer, category="地域",
                          published="2026-11-01", updated=updated).record()

    def import_one(record: dict, name: str) -> str:
        path = tmp_path / name
        path.write_bytes(_signed(a_site, [record]))
        return kb(b_site, "share", "import", str(path)).stdout

    case_file = b_site.corpus / "inquiries" / "shared" / f"{imported_id('inq-2026-7201')}.md"
    assert "1 added" in import_one(version("遺失物管理システムで照会して答えます。", "2026-11-02T09:00:00+09:00"), "v1.jsonl")
    out = import_one(version("拾得物公表システムで照会して答えます。", "2026-11-20T09:00:00+09:00"), "v2.jsonl")
    assert "0 added, 1 updated" in out, out
    assert "拾得物公表システム" in case_file.read_text(encoding="utf-8")
    cards = dict(search_cards(officer, "拾得物公表システム 照会", kind="inquiry"))
    assert imported_id("inq-2026-7201") in cards
    # a version older than the one held (a stale bundle) changes nothing
    files, rows, state = shared_files(b_site), ledger_rows(b_site), index_state(b_site)
    out = import_one(version("古い回答です。", "2026-11-10T09:00:00+09:00"), "stale.jsonl")
    assert "0 updated" in out and "1 older ignored" in out, out
    assert (shared_files(b_site), ledger_rows(b_site), index_state(b_site)) == (files, rows, state)

    # untrust: 岡山's next bundle is refused; imported cases stay until withdrawn
    kb(b_site, "share", "untrust", "岡山県警察")
    try:
        path = tmp_path / "after-untrust.jsonl"
        path.write_bytes(_signed(a_site, [version("信頼をやめた後の回答です。", "2026-11-25T09:00:00+09:00")]))
        assert_refused(b_site, path, "unknown signer")
        assert case_file.is_file()
    finally:
        key_file = tmp_path / "okayama.pub"
        key_file.write_text(kb(a_site, "share", "pubkey").stdout, encoding="utf-8")
        kb(b_site, "share", "trust", str(key_file), "--org", "岡山県警察")
    assert "1 updated" in kb(b_site, "share", "import", str(path)).stdout


def test_imported_case_with_personal_data_is_held_for_the_local_desk(a_site, b_site, b_app, tmp_path):
    leaky = _case("inq-2026-7101", "相談者（電話090-2222-3333、岡山市北区本町1丁目2番3号）には遺失届出書の書き方を説明します。")
    clean = _case("inq-2026-7102", "遺失届出書の書き方を説明します。")
    path = tmp_path / "leaky.jsonl"
    path.write_bytes(_signed(a_site, [leaky, clean]))
    r = kb(b_site, "share", "import", str(path))
    assert "1 added" in r.stdout or "2 added" in r.stdout
    assert "1 held" in r.stdout, r.stdout
    held_id = imported_id("inq-2026-7101")
    assert not (b_site.corpus / "inquiries" / "shared" / f"{held_id}.md").exists()
    assert (b_site.corpus / "inquiries" / "shared" / f"{imported_id('inq-2026-7102')}.md").is_file()

    desk = signed_in(b_app, "desk", "hiroshima-desk")
    page = desk.get("/desk/share/").get_data(as_text=True)
    assert "電話番号「090-2222-3333」" in page and "保留中の他県事例（1件）" in page
    assert "令和8年11月1日 公開" in page and "2026-11-01" not in page
    row_id = re.search(r'data-held="(\d+)"', page).group(1)
    officer = signed_in(b_app, "officer", "hiroshima-officer")
    assert held_id not in dict(search_cards(officer, "遺失届出書 書き方", kind="inquiry"))
    r = desk.post(f"/desk/share/held/{row_id}", data={"csrf_token": hidden(page, "csrf_token"), "action": "discard"})
    assert r.status_code == 302
    assert "保留中の他県事例（0件）" in desk.get("/desk/share/").get_data(as_text=True)
    assert held_id not in dict(search_cards(officer, "遺失届出書 書き方", kind="inquiry"))

    # another held case the desk reads and publishes after all: then officers find it
    second = _case("inq-2026-7103", "口座番号1234567への振込を求める電話があったときは詐欺を疑い、遺失届出書とは別に相談を受けます。")
    path = tmp_path / "second.jsonl"
    path.write_bytes(_signed(a_site, [second]))
    assert "1 held" in kb(b_site, "share", "import", str(path)).stdout
    page = desk.get("/desk/share/").get_data(as_text=True)
    row_id = re.search(r'data-held="(\d+)"', page).group(1)
    r = desk.post(f"/desk/share/held/{row_id}", data={"csrf_token": hidden(page, "csrf_token"), "action": "publish"})
    assert r.status_code == 302
    assert imported_id("inq-2026-7103") in dict(search_cards(officer, "振込 詐欺 口座番号", kind="inquiry"))


@pytest.mark.browser
def test_officer_on_a_tablet_sees_the_badge_and_can_leave_other_prefectures_out(browser, a_site, b_site, b_app,
                                                                                 tmp_path):
    bundle = tmp_path / "samples.jsonl"
    kb(a_site, "share", "export", "--out", str(bundle))
    kb(b_site, "share", "import", str(bundle))          # the samples shared 全国 (again: no change)
    server = LiveServer(b_app).start()
    ctx = browser.new_context(viewport=TABLET, locale="ja-JP")
    try:
        page = ctx.new_page()
        browser_sign_in(page, server.url, b_app, "officer", "hiroshima-tablet")
        page.fill("#q", "酒気帯び運転者 一時不停止 反則告知")
        page.press("#q", "Enter")
        page.wait_for_selector("ol.results")
        badge = page.locator(f'li.card[data-doc="{imported_id("inq-2025-0011")}"] .badge.shared-case')
        assert badge.inner_text() == "他県事例（岡山県警察）"
        assert page.is_checked("input[name=shared]")
        page.click("summary.filter-toggle")          # the filters sit behind 「絞り込み」
        page.uncheck("input[name=shared]")
        with page.expect_navigation():
            page.click("fieldset.filters button.apply")
        assert "shared=1" not in page.url and page.locator(".badge.shared-case").count() == 0
        assert not page.is_checked("input[name=shared]")
        assert page.locator("p.summary, section.no-results").count() == 1       # a results page, not an error
        assert page.locator(f'li.card[data-doc="{imported_id("inq-2025-0011")}"]').count() == 0
    finally:
        ctx.close()
        server.stop()
