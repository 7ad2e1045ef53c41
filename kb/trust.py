"""This instance's signing key and the organisations it trusts (files under KB_DATA/share/).

    share/org.json        {"org": "岡山県警察", "fingerprint": …}
    share/signing_key.pem the Ed25519 private key (PKCS#8, owner-only)
    share/trusted.json    {"広島県警察": {"key": base64, "fingerprint": …, "added": …}}

A public key travels as one line: `kb-share-ed25519 <base64 of the 32 raw bytes> <organisation>`.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kb.exchange import ExchangeError, fingerprint, now_iso, public_key_bytes
from kb.store import atomic_write

SHARE_DIR = "share"
KEY_TYPE = "kb-share-ed25519"


@dataclass(frozen=True)
class OrgKey:
    org: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def public_line(self) -> str:
        return f"{KEY_TYPE} {base64.b64encode(public_key_bytes(self.public_key)).decode('ascii')} {self.org}"


def share_dir(data: Path) -> Path:
    return Path(data) / SHARE_DIR


def _clean_org(org: str) -> str:
    org = " ".join((org or "").split())
    if not org or len(org) > 100:
        raise ExchangeError("organisation name: 1-100 characters", "組織名を100文字以内で指定してください。")
    return org


def init_org(data: Path, org: str) -> OrgKey:
    """A new key pair for this instance (refused when one exists: other prefectures trust it)."""
    org = _clean_org(org)
    folder = share_dir(data)
    if (folder / "signing_key.pem").exists():
        raise ExchangeError(f"a key pair exists in {folder}", "この環境の鍵は作成済みです（作り直すと他県が取り込めなくなります）。")
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = folder / f".signing_key.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / "signing_key.pem")
    own = OrgKey(org, key)
    atomic_write(folder / "org.json", json.dumps({"org": org, "fingerprint": own.fingerprint}, ensure_ascii=False))
    return own


def own_key(data: Path) -> OrgKey:
    folder = share_dir(data)
    try:
        org = json.loads((folder / "org.json").read_text(encoding="utf-8"))["org"]
        key = serialization.load_pem_private_key((folder / "signing_key.pem").read_bytes(), password=None)
    except FileNotFoundError:
        raise ExchangeError("no key pair: run `kb share init --org NAME` first",
                            "共有の鍵がありません。先に kb share init --org 組織名 を実行してください。") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ExchangeError("signing_key.pem is not an Ed25519 key", "署名鍵が Ed25519 の鍵ではありません。")
    return OrgKey(org, key)


def own_org(data: Path) -> str:
    try:
        return json.loads((share_dir(data) / "org.json").read_text(encoding="utf-8"))["org"]
    except FileNotFoundError:
        return ""


def parse_public_line(text: str) -> tuple[Ed25519PublicKey, str]:
    """(key, organisation named in the line or "") of a `kb share pubkey` line."""
    parts = text.strip().split(None, 2)
    if len(parts) < 2 or parts[0] != KEY_TYPE:
        raise ExchangeError(f"not a {KEY_TYPE} public key line", "公開鍵の形式ではありません（kb share pubkey の出力を使います）。")
    try:
        raw = base64.b64decode(parts[1], validate=True)
        key = Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise ExchangeError("public key is not 32 bytes of base64", "公開鍵の値が正しくありません。") from None
    return key, (parts[2].strip() if len(parts) > 2 else "")


def _trusted_file(data: Path) -> Path:
    return share_dir(data) / "trusted.json"


def trusted_entries(data: Path) -> dict[str, dict]:
    try:
        return json.loads(_trusted_file(data).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def trusted_keys(data: Path) -> dict[str, Ed25519PublicKey]:
    return {org: Ed25519PublicKey.from_public_bytes(base64.b64decode(e["key"]))
            for org, e in trusted_entries(data).items()}


def trust(data: Path, key_text: str, org: str) -> str:
    """Trust the organisation `org` with this public key; its fingerprint."""
    org = _clean_org(org)
    key, named = parse_public_line(key_text)
    if named and named != org:
        raise ExchangeError(f"the key file names {named!r}, not {org!r}",
                            f"公開鍵のファイルは「{named}」のものです（指定は「{org}」）。")
    if org == own_org(data):
        raise ExchangeError("that is this instance's own organisation", "自組織は信頼する組織に登録できません。")
    entries = trusted_entries(data)
    fp = fingerprint(key)
    entries[org] = {"key": base64.b64encode(public_key_bytes(key)).decode("ascii"), "fingerprint": fp, "added": now_iso()}
    atomic_write(_trusted_file(data), json.dumps(entries, ensure_ascii=False, indent=1))
    return fp


def untrust(data: Path, org: str) -> None:
    entries = trusted_entries(data)
    if org not in entries:
        raise ExchangeError(f"{org!r} is not trusted", f"「{org}」は信頼する組織に登録されていません。")
    del entries[org]
    atomic_write(_trusted_file(data), json.dumps(entries, ensure_ascii=False, indent=1))


def last_pull(data: Path, url: str) -> str | None:
    """The `created` time of the last bundle pulled from `url` (None: never pulled)."""
    try:
        return json.loads((share_dir(data) / "pulls.json").read_text(encoding="utf-8")).get(url)
    except FileNotFoundError:
        return None


def record_pull(data: Path, url: str, created: str) -> None:
    path = share_dir(data) / "pulls.json"
    try:
        pulls = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pulls = {}
    pulls[url] = created
    atomic_write(path, json.dumps(pulls, ensure_ascii=False, indent=1))
