"""Publish → searchable over real HTTP: the desk publishes an answered inquiry and an officer's
search is repeated until it finds it. Prints the median and the maximum over N publishes.

    .venv/bin/python bench/publish_searchable.py [--n 12]

The setting is the desk tests' (tests/desk_site.py): a copy of part of the corpus, its own index
and database, the app served by waitress in this process.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import LiveServer  # noqa: E402
from desk_site import HttpUser, desk_app, desk_site, record_form, review_post  # noqa: E402


def publish_and_find(desk_user: HttpUser, officer: HttpUser, word: str, limit: float = 30.0) -> float:
    r = desk_user.post("/desk/new", {"csrf_token": desk_user.csrf("/desk/new"), **record_form(
        question=f"{word}について、交番での取扱いを教えてください。",
        answer=f"{word}は地域幹部の指示を受けて取り扱います。")})
    inquiry_id = int(re.search(r"/desk/(\d+)/review$", r.location).group(1))
    page = desk_user.get(f"/desk/{inquiry_id}/review").text
    t0 = time.perf_counter()
    r = desk_user.post(f"/desk/{inquiry_id}/review", review_post(page, "publish", confirmed="1"))
    assert r.status == 302, r.text[:300]
    listing = desk_user.get("/desk/").text
    doc_id = re.search(rf'<tr data-inquiry="{inquiry_id}">.*?/docs/(inq-\d{{4}}-\d{{4}})', listing, re.S).group(1)
    while time.perf_counter() - t0 < limit:
        if any(d == doc_id for d, _ in officer.search_hits(word)):
            return time.perf_counter() - t0
        time.sleep(0.05)
    raise SystemExit(f"{doc_id} not found within {limit} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = desk_app(desk_site(Path(tmp)))
        server = LiveServer(app, threads=6).start()
        try:
            desk_user, officer = HttpUser(server.url, app, "desk"), HttpUser(server.url, app, "officer")
            times = [publish_and_find(desk_user, officer, f"試験照会{n:02d}号事案") for n in range(args.n)]
        finally:
            server.stop()
    print(f"publish→searchable over HTTP: median {statistics.median(times):.3f}s, "
          f"max {max(times):.3f}s (n={len(times)})")


if __name__ == "__main__":
    main()
