"""A writable installation for the desk's tests, and an HTTP user for the live server.

Publishing writes into corpus/inquiries/, so the desk's tests never run on the repository's corpus
(the shared `app` fixture): each module copies part of the real corpus, indexes it and gets its
own database.
"""
from __future__ import annotations

import html as htmllib
import http.cookiejar
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import REPO_CORPUS, TEST_PASSWORD, build_site, ensure_user

OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"
CARD = re.compile(r'<li class="card" data-doc="([^"]+)" data-section="([^"]+)"')
QUESTION = ("岡山東警察署地域課の交番で、山田太郎さん（45歳、電話090-1234-5678）が自転車の盗難を届け出ました。"
            "現場に臨場して初動的な措置を執るとき、どこまで行えばよいですか。")
ANSWER = ("岡山県警察地域警察運営規程第3条により、被害届の受理、現場保存、参考人の確保などの初動的な措置を執ります。"
          "山田さんには被害届の書き方を説明してください。")


def desk_site(base: Path, with_samples: bool = True):
    """Regulations, notices, the dictionary (and the sample inquiries) of the real corpus, indexed."""
    corpus = base / "corpus"
    folders = ["regulations", "notices", "dictionary"] + (["inquiries"] if with_samples else [])
    for folder in folders:
        shutil.copytree(REPO_CORPUS / folder, corpus / folder)
    return build_site(corpus, base)


def answered_inquiries(store, groups: int, per_group: int, label: str) -> list[list[int]]:
    """groups × per_group answered inquiries recorded straight in the store (ready to publish)."""
    import datetime as dt

    from kb.desk import InquiryForm
    from kb.inquiries import Basis
    basis = [Basis(OKAYAMA, "art-3", "岡山県警察地域警察運営規程 第3条")]
    return [[store.record(InquiryForm(
        question=f"{label}（{g}組{n}番）。交番で遺失届を受理するとき、どの様式を使いますか。",
        received_at=dt.datetime(2026, 11, 20, 0, 0), channel="電話", asking_unit="岡山東警察署地域課",
        category="地域", answer="遺失届出書の様式で受理してください。", basis=basis), "setup").id
        for n in range(per_group)] for g in range(groups)]


def desk_app(site):
    from webui import create_app
    return create_app(site.config())


def record_form(**changes) -> dict:
    form = {"received_at": "2026-11-20T09:30", "channel": "電話", "asking_unit": "岡山東警察署地域課",
            "category": "地域", "question": QUESTION, "answer": ANSWER, "basis_add": f"{OKAYAMA}#art-3"}
    form.update(changes)
    return form


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}"[^>]*? value="([^"]*)"', html)
    assert m, f"no {name} in the page"
    return htmllib.unescape(m.group(1))


def span_boxes(html: str, part: str) -> list[tuple[int, bool, str]]:
    """(span index, checked, text) of the review's highlighted spans of one part."""
    out = []
    for m in re.finditer(rf'<input type="checkbox" class="pii-toggle" name="mask_{part}" value="(\d+)" ?(checked)?>'
                         r'\s*<span class="chip-text">(.*?)</span>', html):
        out.append((int(m.group(1)), bool(m.group(2)), htmllib.unescape(m.group(3))))
    return out


FAQ_TITLE = "交番で届出を受けたときの初動措置"     # what the desk types: the page suggests no title


def review_post(html: str, action: str, unmask: tuple[str, ...] = (), **extra) -> dict:
    """The review form as a browser posts it: every span still ticked unless its text is in `unmask`."""
    form = {"csrf_token": hidden(html, "csrf_token"), "digest": hidden(html, "digest"), "action": action,
            "title": hidden(html, "title") or FAQ_TITLE, "department": hidden(html, "department")}
    chosen = re.search(r'name="confidentiality" value="([^"]+)" checked', html)
    if chosen:
        form["confidentiality"] = chosen.group(1)
    for part in ("question", "answer"):
        form[f"mask_{part}"] = [str(i) for i, checked, text in span_boxes(html, part) if checked and text not in unmask]
    form.update(extra)
    return form


class HttpUser:
    """A signed-in user of the live server over real HTTP (urllib, cookies, CSRF like a browser)."""

    def __init__(self, base_url: str, app, role: str, username: str | None = None, department: str = ""):
        self.base = base_url
        self.username = ensure_user(app, role, username, department)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        page = self.get("/login")
        r = self.post("/login", {"username": self.username, "password": TEST_PASSWORD,
                                 "csrf_token": hidden(page.text, "csrf_token")})
        assert r.status == 302, r.text[:300]

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 60) -> Response:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return Response(r.status, r.read().decode("utf-8"), dict(r.headers))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read().decode("utf-8", "replace"), dict(e.headers))

    def get(self, path: str, **params) -> Response:
        query = ("?" + urllib.parse.urlencode(params, doseq=True)) if params else ""
        return self.request("GET", path + query)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def csrf(self, path: str = "/") -> str:
        return hidden(self.get(path).text, "csrf_token")

    def search_hits(self, q: str) -> list[tuple[str, str]]:
        return CARD.findall(self.get("/search", q=q).text)


class Response:
    def __init__(self, status: int, text: str, headers: dict):
        self.status, self.text, self.headers = status, text, headers

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def flashes(page: str) -> list[str]:
    """Messages and errors shown at the top of the page (green status and red alert boxes)."""
    boxes = re.findall(r'<div class="flash(?:-error)?"[^>]*>(.*?)</div>', page, re.S)
    return [m for box in boxes for m in re.findall(r"<p>(.*?)</p>", box)]
