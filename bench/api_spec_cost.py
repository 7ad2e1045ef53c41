"""What an OpenAPI library would cost each API request, beside our hand-written document.

One GET /search?q=&limit=&page= route answering a fixed body, written four ways: plain Flask with
our own parameter checks (what webui/api.py does; the document is webui/openapi.yaml), apispec
(builds a document only: the request path is plain Flask), flask-openapi3 and spectree (pydantic
models validate every request). Prints import time and the median time per request through
Flask's test client. Libraries that are not installed are listed as such (they are not project
dependencies: `pip install flask-openapi3 spectree apispec` in a scratch venv to compare).

    .venv/bin/python bench/api_spec_cost.py [--requests 2000] [--rounds 5]
"""
# no `from __future__ import annotations`: flask-openapi3 reads the view's annotations as classes

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import time

from flask import Flask, jsonify, request

BODY = {"query": "交番", "total": 0, "hits": [], "page": 1, "limit": 10}
URL = "/search?q=%E4%BA%A4%E7%95%AA&limit=10&page=2"


def plain_app() -> Flask:
    app = Flask("plain")

    @app.get("/search")
    def search():
        q = request.args.get("q", "")
        limit, page = request.args.get("limit", "10"), request.args.get("page", "1")
        if not q.strip() or not limit.isdigit() or not page.isdigit() \
                or not 1 <= int(limit) <= 100 or not 1 <= int(page) <= 100:
            return jsonify({"error": {"message": "bad", "message_ja": "不正"}}), 400
        return jsonify(BODY)
    return app


def apispec_app() -> Flask:
    from apispec import APISpec
    from apispec.yaml_utils import load_operations_from_docstring  # noqa: F401 - the docstring form
    app = plain_app()
    spec = APISpec(title="kb", version="1", openapi_version="3.1.0")
    with app.test_request_context():
        spec.path(path="/search", operations={"get": {"responses": {"200": {"description": "ok"}}}})
    app.config["SPEC"] = spec.to_dict()       # built once; requests never touch it
    return app


def _models():
    from pydantic import BaseModel, Field

    class Query(BaseModel):
        q: str = Field(min_length=1, pattern=r"\S")
        limit: int = Field(10, ge=1, le=100)
        page: int = Field(1, ge=1, le=100)

    class Result(BaseModel):
        query: str
        total: int
        hits: list
        page: int
        limit: int
    return Query, Result


def flask_openapi3_app() -> Flask:
    from flask_openapi3 import Info, OpenAPI
    Query, Result = _models()
    app = OpenAPI("fo3", info=Info(title="kb", version="1"))

    @app.get("/search", responses={200: Result})
    def search(query: Query):
        return jsonify(BODY)
    return app


def spectree_app() -> Flask:
    from spectree import Response, SpecTree
    Query, Result = _models()
    app = Flask("spectree")
    spec = SpecTree("flask")

    @app.get("/search")
    @spec.validate(query=Query, resp=Response(HTTP_200=Result))
    def search():
        return jsonify(BODY)
    spec.register(app)
    return app


VARIANTS = {"plain Flask + own checks (ours)": (None, plain_app),
            "apispec (document only)": ("apispec", apispec_app),
            "flask-openapi3 (pydantic)": ("flask_openapi3", flask_openapi3_app),
            "spectree (pydantic)": ("spectree", spectree_app)}


def import_ms(module: str | None) -> float:
    """A fresh interpreter's time to import the library (on top of Flask)."""
    code = ("import time, flask; t = time.perf_counter(); import {m}; "
            "import sys; 'pydantic' in sys.modules or __import__('pydantic') if {pyd} else None; "
            "print((time.perf_counter() - t) * 1000)")
    if module is None:
        return 0.0
    pyd = module in ("flask_openapi3", "spectree")       # they validate with pydantic models
    out = subprocess.run([sys.executable, "-c", code.format(m=module, pyd=pyd)], capture_output=True, text=True)
    return float(out.stdout) if out.returncode == 0 else float("nan")


def time_requests(client, n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        client.get(URL)
    return (time.perf_counter() - t) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print(f"CPUs: {os.cpu_count()}  python {sys.version.split()[0]}  {args.requests} requests x {args.rounds} rounds"
          " (variants interleaved per round)")
    clients, missing = {}, []
    for name, (module, make) in VARIANTS.items():
        if module and importlib.util.find_spec(module) is None:
            missing.append(name)
        else:
            clients[name] = (module, make().test_client())
    times: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(args.rounds):
        for name, (_, client) in clients.items():
            times[name].append(time_requests(client, args.requests))
    print(f"{'variant':34} {'import ms':>10} {'µs/request':>11} {'vs ours':>8}  ok  bad limit")
    base = statistics.median(times[next(iter(clients))])
    for name, (module, client) in clients.items():
        us = statistics.median(times[name])
        ok, bad = client.get(URL).status_code, client.get(URL.replace("limit=10", "limit=0")).status_code
        print(f"{name:34} {import_ms(module):10.1f} {us:11.1f} {us - base:+8.1f}  {ok} {bad}")
    for name in missing:
        print(f"{name:34} {'-':>10} {'-':>11} {'-':>8}  not installed")


if __name__ == "__main__":
    main()
