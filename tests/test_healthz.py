"""/healthz for the load balancer: no sign-in, no secrets; 503 naming the failing check when the
index is missing or the database cannot be reached."""
from __future__ import annotations

import json


def test_healthz_answers_without_sign_in_and_says_nothing_secret(app):
    r = app.test_client().get("/healthz")
    assert r.status_code == 200 and r.json["status"] == "ok"
    assert r.json["index"] == r.json["database"] == r.json["corpus"] == "ok"
    assert "Set-Cookie" not in r.headers and r.headers["Cache-Control"] == "no-store"
    body = json.dumps(r.json)
    for secret in (app.config["SECRET_KEY"], app.config["DATA"], app.config["CORPUS"]):
        assert secret not in body


def test_healthz_is_503_without_an_index(tmp_path):
    from webui import create_app
    app = create_app({"TESTING": True, "CORPUS": str(tmp_path / "corpus"), "INDEX": str(tmp_path / "index"),
                      "DATA": str(tmp_path / "data")})
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and r.json["status"] == "unavailable" and r.json["index"] == "unavailable"
    assert r.json["database"] == "ok"


def test_healthz_is_503_when_the_database_is_gone(corpus_site, tmp_path):
    import shutil

    from webui import create_app
    app = create_app(corpus_site.config(DATA=str(tmp_path / "data"),
                                        DATABASE_URL=f"sqlite:///{tmp_path / 'db' / 'kb.sqlite3'}"))
    assert app.test_client().get("/healthz").status_code == 200
    app.extensions["kb.db"].dispose()
    shutil.rmtree(tmp_path / "db")
    (tmp_path / "db").write_text("not a folder")        # the database volume is gone
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and r.json["database"] == "unavailable" and r.json["index"] == "ok"
