"""The API's OpenAPI 3.1 document: webui/openapi.yaml, read once per process."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

SPEC_PATH = Path(__file__).with_name("openapi.yaml")


@functools.cache
def openapi_document() -> dict:
    """The parsed contract (callers must not modify it)."""
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
