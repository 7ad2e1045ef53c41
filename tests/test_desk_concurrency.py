"""Ten desk members publish twenty inquiries each at the same time over HTTP while officers keep
searching: every one of the 200 lands in the corpus and in the index, and nobody sees an error."""
import re
import threading
import time

import pytest

from conftest import LiveServer
from desk_site import HttpUser, answered_inquiries, desk_app, desk_site, flashes, review_post

THREADS, PER_THREAD = 10, 20


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return desk_site(tmp_path_factory.mktemp("desk-concurrency"), with_samples=False)


@pytest.fixture(scope="module")
def app(site):
    return desk_app(site)


def index_doc_ids(site) -> set[str]:
    from whoosh import index as windex

    from indexer.generations import current_path
    ix = windex.open_dir(str(current_path(site.index)))
    try:
        with ix.searcher() as s:
            return {f["doc_id"] for f in s.all_stored_fields() if f.get("kind") == "inquiry"}
    finally:
        ix.close()


def test_200_concurrent_publishes_all_land_while_searches_run(app, site):
    store = app.extensions["kb.desk"]
    ids = answered_inquiries(store, THREADS, PER_THREAD, "並行公開の試験です")

    server = LiveServer(app, threads=THREADS + 4).start()
    errors: list[str] = []
    stop = threading.Event()
    searches = [0]
    try:
        desk_users = [HttpUser(server.url, app, "desk", f"desk-{t}") for t in range(THREADS)]
        officer = HttpUser(server.url, app, "officer", "searching-officer")

        def search_loop():
            while not stop.is_set():
                r = officer.get("/search", q="遺失届 様式 交番")
                searches[0] += 1
                if r.status != 200:
                    errors.append(f"search {r.status}")

        def publish_all(user, mine):
            for inquiry_id in mine:
                page = user.get(f"/desk/{inquiry_id}/review")
                r = user.post(f"/desk/{inquiry_id}/review",
                              review_post(page.text, "publish", confirmed="1", confidentiality="public"))
                if r.status != 302:
                    errors.append(f"publish {inquiry_id}: {r.status} {flashes(r.text)}")
                    continue
                follow = user.get("/desk/").text
                if "混み合って" in follow or "遅れて" in follow:
                    errors.append(f"publish {inquiry_id}: index update delayed")

        searchers = [threading.Thread(target=search_loop) for _ in range(2)]
        workers = [threading.Thread(target=publish_all, args=(u, mine)) for u, mine in zip(desk_users, ids, strict=True)]
        t0 = time.perf_counter()
        for th in searchers + workers:
            th.start()
        for th in workers:
            th.join(timeout=600)
        elapsed = time.perf_counter() - t0
        stop.set()
        for th in searchers:
            th.join(timeout=60)
    finally:
        stop.set()
        server.stop()

    assert not errors, errors[:10]
    files = sorted((site.corpus / "inquiries").rglob("inq-*.md"))
    assert len(files) == THREADS * PER_THREAD, len(files)
    doc_ids = {p.stem for p in files}
    assert len(doc_ids) == THREADS * PER_THREAD
    assert index_doc_ids(site) == doc_ids
    rows = [store.get(i) for mine in ids for i in mine]
    assert all(r.status == "published" and r.question is None and r.doc_id in doc_ids for r in rows)
    assert len({r.doc_id for r in rows}) == THREADS * PER_THREAD
    for p in files[:5]:
        assert re.search(r"^confidentiality: public$", p.read_text(encoding="utf-8"), re.M)
    print(f"\n{THREADS * PER_THREAD} publishes in {elapsed:.1f}s with {searches[0]} searches alongside")
