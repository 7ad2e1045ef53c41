"""Where results land on the tablet and the phone, and what the desk's polling costs.

    .venv/bin/python bench/ui_layout.py [--queries 20] [--polls 200]

Indexes ./corpus into a temporary folder (or uses KB_INDEX when it exists), serves the app on
loopback and opens Debian's Chromium. For each query of bench/queries.txt at 768×1024 and 375×740:
the first card's top and how many whole cards show above the fixed 「本部に照会する」 bar (medians,
minimum, maximum). Then the desk page's poll of /desk/queue: latency of a changed queue (200, the
queue's HTML) and of an unchanged one (304 with the ETag), as p50/p95 in ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
QUERIES = Path(__file__).with_name("queries.txt")
SIZES = {"768x1024": {"width": 768, "height": 1024}, "375x740": {"width": 375, "height": 740}}

MEASURE = """() => {
    const bar = document.querySelector('.ask-bar').getBoundingClientRect().top;
    const cards = [...document.querySelectorAll('li.card')].map(c => c.getBoundingClientRect());
    return {first: cards.length ? cards[0].top : null, whole: cards.filter(r => r.bottom <= bar).length};
}"""


def site(tmp: Path):
    from conftest import Site, build_site
    index = os.environ.get("KB_INDEX")
    if index and (Path(index) / "CURRENT").exists():
        data = tmp / "data"
        data.mkdir()
        return Site(REPO / "corpus", Path(index), data)
    return build_site(REPO / "corpus", tmp)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--polls", type=int, default=200)
    ap.add_argument("--verbose", action="store_true", help="name the queries whose cards start low")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, browser_sign_in
    from desk_site import HttpUser
    from webui import create_app
    queries = [q.strip() for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()][:args.queries]
    print(f"machine: {os.cpu_count()} CPUs (nproc), {len(queries)} queries, {args.polls} polls")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(site(Path(tmp)).config())
        server = LiveServer(app).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print("size        first card top px (p50 min max) | whole cards above the ask bar (p50 min max)")
                for name, viewport in SIZES.items():
                    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=server.url)
                    page = ctx.new_page()
                    browser_sign_in(page, server.url, app, "officer", "bench-officer")
                    tops, whole = [], []
                    for q in queries:
                        page.goto("/search?" + urllib.parse.urlencode({"q": q}))
                        m = page.evaluate(MEASURE)
                        if m["first"] is not None:
                            tops.append(m["first"])
                            whole.append(m["whole"])
                            if args.verbose and (m["first"] > 200 or m["whole"] < 3):
                                print(f"  {name} {q}: first card at {m['first']:.0f} px, {m['whole']} whole cards")
                    ctx.close()
                    print(f"{name:<11} {statistics.median(tops):6.0f} {min(tops):5.0f} {max(tops):5.0f}"
                          f"             | {statistics.median(whole):4.0f} {min(whole):3d} {max(whole):3d}")
                browser.close()
            desk = HttpUser(server.url, app, "desk", "bench-desk")
            changed, unchanged = [], []
            for _ in range(args.polls):
                t0 = time.perf_counter()
                r = desk.get("/desk/queue")
                changed.append((time.perf_counter() - t0) * 1000)
                etag = {k.lower(): v for k, v in r.headers.items()}["etag"]
                req = urllib.request.Request(server.url + "/desk/queue", headers={"If-None-Match": etag})
                t0 = time.perf_counter()
                try:
                    desk.opener.open(req, timeout=30).close()
                    status = 200
                except urllib.error.HTTPError as e:
                    status = e.code
                unchanged.append((time.perf_counter() - t0) * 1000)
                assert status == 304, status
            print(f"GET /desk/queue  200 (full queue): p50 {percentile(changed, 50):.1f} ms  p95 {percentile(changed, 95):.1f} ms")
            print(f"GET /desk/queue  304 (unchanged):  p50 {percentile(unchanged, 50):.1f} ms  p95 {percentile(unchanged, 95):.1f} ms")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
