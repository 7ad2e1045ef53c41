"""Publishing through `kb serve --workers 2`: two server processes, each with its own index
writer thread, take the desk's publishes at once; every inquiry lands once, in the corpus and in
the index (the writers meet at the index lock, the ids at the database's unique key)."""
import os
import subprocess
import sys
import threading

import pytest

from conftest import free_port
from desk_site import HttpUser, answered_inquiries, desk_app, desk_site, flashes, review_post
from test_desk_concurrency import index_doc_ids
from waiting import wait_for_http

USERS, PER_USER = 4, 8


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return desk_site(tmp_path_factory.mktemp("desk-multiprocess"), with_samples=False)


def test_publishes_through_two_server_processes_all_land(site):
    app = desk_app(site)          # the test's own view of the same database (users, records)
    store = app.extensions["kb.desk"]
    ids = answered_inquiries(store, USERS, PER_USER, "二つのサーバー処理からの公開試験")

    port = free_port()
    env = dict(os.environ, KB_CORPUS=str(site.corpus), KB_INDEX=str(site.index), KB_DATA=str(site.data))
    server = subprocess.Popen([sys.executable, "-m", "kb_cli.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    errors: list[str] = []
    try:
        wait_for_http(base + "/login", while_alive=server)
        users = [HttpUser(base, app, "desk", f"mp-desk-{u}") for u in range(USERS)]

        def publish_all(user, mine):
            for inquiry_id in mine:
                page = user.get(f"/desk/{inquiry_id}/review")
                r = user.post(f"/desk/{inquiry_id}/review",
                              review_post(page.text, "publish", confirmed="1", confidentiality="internal"))
                if r.status != 302:
                    errors.append(f"publish {inquiry_id}: {r.status} {flashes(r.text)}")
        threads = [threading.Thread(target=publish_all, args=(u, mine)) for u, mine in zip(users, ids, strict=True)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=600)
        officer = HttpUser(base, app, "officer", "mp-officer")
        hits = officer.search_hits("二つのサーバー処理からの公開試験")
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0

    assert not errors, errors[:10]
    files = sorted((site.corpus / "inquiries").rglob("inq-*.md"))
    doc_ids = {p.stem for p in files}
    assert len(files) == len(doc_ids) == USERS * PER_USER
    assert index_doc_ids(site) == doc_ids
    assert {d for d, _ in hits} <= doc_ids and hits
    rows = [store.get(i) for mine in ids for i in mine]
    assert {r.doc_id for r in rows} == doc_ids and all(r.status == "published" for r in rows)
