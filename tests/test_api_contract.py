"""The API as a published contract: /api/openapi.json is valid OpenAPI 3.1, names every /api route
of the app (and nothing else), and real answers of every operation match it."""
from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate

from api_contract import ContractViolation, contract
from conftest import api_token
from kb.store import document_paths, read_document


def _template(rule: str) -> str:
    """/api/v1/docs/<doc_id> → /api/v1/docs/{doc_id} (how OpenAPI writes a path template)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


@pytest.fixture(scope="module")
def token(app):
    return api_token(app, "officer")


@pytest.fixture(scope="module")
def spec(app, token):
    r = app.test_client().get("/api/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.json


def test_the_served_document_is_valid_openapi_3_1(spec):
    validate(spec)                          # openapi-spec-validator: raises on any defect
    assert spec["openapi"].startswith("3.1")


def test_it_needs_a_token_and_holds_no_data(app, spec, token, corpus_site):
    anonymous = app.test_client().get("/api/v1/openapi.json")
    assert anonymous.status_code == 401 and anonymous.json["error"]["message_ja"]
    text = json.dumps(spec, ensure_ascii=False)
    titles = [read_document(p).title for p in document_paths(corpus_site.corpus)]
    assert titles and not [t for t in titles if t in text]           # no document leaks into it
    again = app.test_client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert again.json == spec                       # one document under both paths


def test_every_api_route_has_its_operation_and_no_more(app, spec):
    """A new /api route without an entry in webui/openapi.yaml fails here (and the reverse)."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.setdefault(_template(rule.rule), set()).add(method.lower())
    versioned = {p: m for p, m in routes.items() if p.startswith("/api/v1/")}
    aliases = {p: m for p, m in routes.items() if not p.startswith("/api/v1/")}
    documented = {p: set(ops) & {"get", "post", "put", "patch", "delete"} for p, ops in spec["paths"].items()}
    assert versioned == documented
    # the unversioned paths are exactly the aliases of the v1 ones
    assert {"/api/v1/" + p[len("/api/"):]: m for p, m in aliases.items()} == versioned


def test_every_operation_is_secured_by_the_bearer_token_and_documents_its_errors(spec):
    scheme = spec["components"]["securitySchemes"]["bearerToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert spec["security"] == [{"bearerToken": []}]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "security" not in op, f"{method} {path} overrides the token requirement"
            assert {"200", "401", "403"} <= set(op["responses"]), f"{method} {path}"
            errors = [r for s, r in op["responses"].items() if s != "200"]
            assert all(r["$ref"].startswith("#/components/responses/") for r in errors)
    error = spec["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["required"]) == {"message", "message_ja"}


def test_a_renamed_or_undocumented_field_breaks_the_contract(client):
    """The check the test client runs on every answer fails when code and document part."""
    r = client.get("/api/v1/search", query_string={"q": "職務質問", "limit": 2})
    body = r.json
    assert body["hits"], "needs hits to tamper with"
    check = contract().check
    check("GET", "/api/v1/search", 200, "application/json", json.dumps(body).encode())
    renamed = json.loads(json.dumps(body))
    renamed["hits"][0]["snip"] = renamed["hits"][0].pop("snippet")
    with pytest.raises(ContractViolation, match="snippet"):
        check("GET", "/api/v1/search", 200, "application/json", json.dumps(renamed).encode())
    wrong_type = json.loads(json.dumps(body))
    wrong_type["total"] = str(wrong_type["total"])
    with pytest.raises(ContractViolation, match="total"):
        check("GET", "/api/search", 200, "application/json", json.dumps(wrong_type).encode())
    with pytest.raises(ContractViolation, match="not documented"):
        check("GET", "/api/v1/search", 418, "application/json", b'{"error": {"message": "", "message_ja": ""}}')
    with pytest.raises(ContractViolation, match="not JSON"):
        check("GET", "/api/v1/search", 400, "text/html", b"<p>bad</p>")


def test_every_document_and_section_of_the_corpus_answers_by_the_contract(corpus_site):
    """A maintainer's API token reads every document (restricted ones too); each answer and each
    of its sections' answers passes the test client's contract check."""
    from conftest import signed_in
    from webui import create_app
    app = create_app(corpus_site.config())
    c = signed_in(app, "maintainer")
    docs = [read_document(p) for p in document_paths(corpus_site.corpus)]
    for doc in docs:
        r = c.get(f"/api/v1/docs/{doc.id}")
        assert r.status_code == 200, doc.id
        for s in doc.sections:
            one = c.get(f"/api/v1/docs/{doc.id}/sections/{s.id}").json
            assert (one["id"], one["heading"], one["text"]) == (f"{doc.id}#{s.id}", s.heading, s.text)
    assert c.get(f"/api/v1/docs/{docs[0].id}/sections/no-such-part").status_code == 404


def test_the_unversioned_paths_answer_as_v1_and_say_they_are_deprecated(client):
    old = client.get("/api/search", query_string={"q": "交番", "limit": 3})
    new = client.get("/api/v1/search", query_string={"q": "交番", "limit": 3})
    assert old.status_code == new.status_code == 200
    assert old.json["hits"] == new.json["hits"]
    assert old.headers["Deprecation"] == "true"
    assert old.headers["Link"] == '</api/v1/search>; rel="successor-version"'
    assert "Deprecation" not in new.headers
    err = client.get("/api/docs/no-such-doc")
    assert err.status_code == 404 and err.headers["Deprecation"] == "true"


def _curl_paths(markdown: str) -> set[str]:
    """The /api/v1 paths the curl commands of a Markdown text call."""
    return set(re.findall(r'curl [^\n]*?"\$KB(/api/v1/[^"?]*)', markdown))


@pytest.mark.parametrize("doc", ["README.md", "docs/api.md"])
def test_the_readme_and_the_api_guide_show_a_curl_for_every_operation(spec, doc):
    """Each operation of the document has a curl example (a new route without one fails here)."""
    from conftest import REPO
    called = _curl_paths((REPO / doc).read_text(encoding="utf-8"))
    for path in spec["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"
        assert [c for c in called if re.match(pattern, c)], f"{doc} has no curl example for GET {path}"
