"""Sections opened from a results page become 「asked as」 wordings: 3+ users, anonymised, and
never a click its user then marked 「役に立たなかった」."""
import re

import pytest

from conftest import build_site, signed_in
from editor_site import OKAYAMA, editor_app, writable_site
from indexer.asked import read_clicks, write_clicks
from indexer.search import Filters, SearchEngine
from kb.clicks import opened_wordings

QUERY = "ツチノコ 目撃 090-1234-5678"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return writable_site(tmp_path_factory.mktemp("asked-clicks"))


@pytest.fixture(scope="module")
def app(site):
    return editor_app(site)


def open_first_result(client, query, section="art-3"):
    html = client.get("/search", query_string={"q": query, "kind": "regulation"}).get_data(as_text=True)
    link = re.search(rf'<a class="card-link" href="(/docs/{OKAYAMA}\?[^"]*s={section}[^"]*)"', html)
    if link is None:     # not on the page: open it as the card link would
        link_url = f"/docs/{OKAYAMA}?q={query}&s={section}"
    else:
        link_url = link.group(1).replace("&amp;", "&")
    assert client.get(link_url).status_code == 200


def test_three_users_opening_a_section_lend_it_their_anonymised_query(app, site):
    db = app.extensions["kb.db"]
    for n in range(2):
        open_first_result(signed_in(app, "officer", f"officer-{n}"), QUERY)
    assert opened_wordings(db) == {}                       # two users are not enough
    unhappy = signed_in(app, "officer", "officer-unhappy")
    open_first_result(unhappy, QUERY)
    token = re.search(r'name="csrf-token" content="([^"]+)"', unhappy.get("/").get_data(as_text=True)).group(1)
    unhappy.post("/feedback/not-helpful", data={"csrf_token": token, "q": QUERY, "doc": OKAYAMA,
                                                "section": "art-3", "next": "/"})
    assert opened_wordings(db) == {}                       # the third click was followed by 役に立たなかった
    open_first_result(signed_in(app, "officer", "officer-3"), QUERY)
    wordings = opened_wordings(db)
    assert list(wordings) == [f"{OKAYAMA}#art-3"]
    (wording,) = wordings[f"{OKAYAMA}#art-3"]
    assert "ツチノコ" in wording and "090-1234-5678" not in wording    # the phone number is masked
    write_clicks(site.index, wordings)
    assert read_clicks(site.index) == wordings
    build_site(site.corpus, site.index.parent)
    hits = SearchEngine(site.index, site.corpus / "dictionary").search("ツチノコ", filters=Filters()).hits
    assert hits and (hits[0].doc_id, hits[0].section_id) == (OKAYAMA, "art-3")


def test_result_cards_link_the_section_with_the_query(app):
    html = signed_in(app, "officer", "officer-links").get("/search", query_string={"q": "交番"}).get_data(as_text=True)
    links = re.findall(r'<a class="card-link" href="([^"]+)"', html)
    assert links and all(re.fullmatch(r"/docs/[\w-]+\?q=%E4%BA%A4%E7%95%AA&amp;s=([\w-]+)#\1(?:-para-[\w-]+)?", u) for u in links)
