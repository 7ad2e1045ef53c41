"""The API contract in tests: every /api response a test sees is checked against webui/openapi.yaml.

conftest.py makes ContractClient the test client of every Flask app, so a field renamed in code, an
undocumented field, an undeclared status or a non-JSON error fails whichever test met it. Checks
are strict on purpose: an object schema that lists its properties admits no others here (the
published document stays open to additions, see docs/api.md).
"""
from __future__ import annotations

import copy
import functools
import json
import re

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webui.openapi import openapi_document

SPEC_URI = "urn:kb:openapi"
V1, LEGACY = "/api/v1/", "/api/"
NDJSON = "application/x-ndjson"            # the sharing feed: one JSON object a line
MEDIA_TYPES = ("application/json", NDJSON)


class ContractViolation(AssertionError):
    pass


def _closed(node):
    """A copy of the spec where objects with listed properties allow no other keys."""
    if isinstance(node, dict):
        out = {k: _closed(v) for k, v in node.items()}
        if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed(v) for v in node]
    return node


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


class Contract:
    """Finds the operation a request hit and validates the response's status, type and body."""

    def __init__(self, spec: dict):
        self.spec = spec
        closed = _closed(copy.deepcopy(spec))
        self.registry = Registry().with_resource(SPEC_URI, Resource.from_contents(closed, DRAFT202012))
        self.routes = [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(p)) + "$"), p)
                       for p in spec["paths"]]

    def template(self, path: str) -> str | None:
        """The spec path a request path matches; an unversioned alias maps to its v1 path."""
        if path.startswith(LEGACY) and not path.startswith(V1):
            path = V1 + path[len(LEGACY):]
        return next((t for rx, t in self.routes if rx.match(path)), None)

    def _response_pointer(self, template: str | None, method: str, status: int,
                          media: str = "application/json") -> str:
        op = self.spec["paths"].get(template, {}).get(method.lower()) if template else None
        if op is None:
            if status < 400:
                raise ContractViolation(f"{method} {template or 'unknown path'} answered {status}: "
                                        "not in the API document")
            return _pointer("components", "schemas", "Error")
        response = op["responses"].get(str(status))
        if response is None:
            raise ContractViolation(f"{method} {template}: status {status} is not documented")
        ref = response.get("$ref")
        base = ref[1:] if ref else _pointer("paths", template, method.lower(), "responses", str(status))
        if media not in (response.get("content") or {}) and not ref:
            raise ContractViolation(f"{method} {template} → {status}: {media} is not documented")
        return base + _pointer("content", media, "schema")

    def check(self, method: str, path: str, status: int, content_type: str, body: bytes) -> None:
        if method in ("HEAD", "OPTIONS") or status in (204, 304):      # no body to check
            return
        media = content_type.split(";")[0].strip()
        if media not in MEDIA_TYPES:
            raise ContractViolation(f"{method} {path} → {status} is {content_type!r}, not JSON")
        pointer = self._response_pointer(self.template(path), method, status, media)
        validator = Draft202012Validator({"$ref": SPEC_URI + "#" + pointer}, registry=self.registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        values = ([json.loads(line) for line in body.splitlines() if line.strip()]
                  if media == NDJSON else [json.loads(body)])
        errors = sorted((e for v in values for e in validator.iter_errors(v)), key=lambda e: list(e.absolute_path))
        if errors:
            shown = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:200]}"
                              for e in errors[:5])
            raise ContractViolation(f"{method} {path} → {status} breaks the API document: {shown}")


@functools.cache
def contract() -> Contract:
    return Contract(openapi_document())


class ContractClient(FlaskClient):
    """Flask's test client, plus the contract check on every /api response."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        if request.path.startswith(LEGACY):
            contract().check(request.method, request.path, response.status_code,
                             response.content_type or "", response.get_data())
        return response
