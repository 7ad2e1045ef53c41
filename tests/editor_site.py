"""A writable installation for the editor's tests: a copy of part of the real corpus, indexed.

The editor writes into corpus/, so its tests never run on the repository's corpus (the shared
`app` fixture): each module gets its own copy, its own index and its own database.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import REPO_CORPUS, build_site

OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"
NOTICE = "npa-tsutatsu-2022-keisatsu-unei"


def writable_site(base: Path):
    """Regulations, notices and the dictionary of the real corpus, copied under base and indexed."""
    corpus = base / "corpus"
    for folder in ("regulations", "notices", "dictionary"):
        shutil.copytree(REPO_CORPUS / folder, corpus / folder)
    return build_site(corpus, base)


def editor_app(site):
    from webui import create_app
    return create_app(site.config())


def form_of(html: str) -> dict:
    """The fields of the editor form as a browser would post them (inputs, selects, textareas)."""
    import html as htmllib
    form = {}
    for m in re.finditer(r'<input[^>]*\bname="([^"]+)"[^>]*>', html):
        tag = m.group(0)
        if 'type="radio"' in tag or 'type="checkbox"' in tag or 'type="submit"' in tag:
            continue
        v = re.search(r'\bvalue="([^"]*)"', tag)
        form[m.group(1)] = htmllib.unescape(v.group(1)) if v else ""
    for m in re.finditer(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        sel = re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
        form[m.group(1)] = htmllib.unescape(sel.group(1)) if sel else ""
    for m in re.finditer(r'<textarea[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        text = htmllib.unescape(m.group(2))
        form[m.group(1)] = text[1:] if text.startswith("\n") else text   # as browsers parse it
    return form


def search_hits(client, q: str, **params) -> list[tuple[str, str]]:
    html = client.get("/search", query_string={"q": q, **params}).get_data(as_text=True)
    return re.findall(r'<li class="card" data-doc="([^"]+)" data-section="([^"]+)"', html)


def flashes(html: str) -> list[str]:
    """Messages and errors shown at the top of the page (green status and red alert boxes)."""
    boxes = re.findall(r'<div class="flash(?:-error)?"[^>]*>(.*?)</div>', html, re.S)
    return [m for box in boxes for m in re.findall(r"<p>(.*?)</p>", box)]
