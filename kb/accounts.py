"""Accounts and roles: who may read which documents and do what, passwords, sessions, API tokens.

Roles (docs/decisions.md "Roles and confidentiality"):
  officer    一般            search and read
  desk       照会デスク      + inquiries
  maintainer 管理者          + edit the corpus; reads restricted documents
  admin      システム管理者  everything, + users and the audit log
  peer       連携            another prefecture's instance: the 全国 share feed and nothing else

Passwords are hashed with scrypt (hashlib, a memory-hard KDF). Session keys and API tokens are
random 256-bit secrets; only their SHA-256 is stored (a fast hash is enough for values that
cannot be guessed, and lets a lookup be one indexed query).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update

from kb.access import READ_LEVELS, ROLES
from kb.clock import SYSTEM_CLOCK, Clock
from kb.db import ApiToken, Database, LoginSession, User, user_count, utcnow

# What each role may do; a web route names one of these permissions (webui.auth.requires).
PERMISSIONS = {
    "read": {"officer", "desk", "maintainer", "admin"},
    "inquiries": {"desk", "admin"},
    "edit": {"maintainer", "admin"},
    "admin": {"admin"},
    "share_feed": {"peer"},
}
MIN_PASSWORD_CHARS = 12
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
TOKEN_PREFIX = "kbt_"

# scrypt: N=2**15, r=8, p=1 (OWASP's minimum is N=2**17 with r=8 p=1 *or* equivalent cost;
# 2**15 keeps a sign-in near 50 ms on a small server). Stored with its parameters, so raising
# them later still verifies old hashes.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1


class AccountError(ValueError):
    """A refused account change: English for logs, Japanese for the UI."""

    def __init__(self, message: str, message_ja: str):
        super().__init__(message)
        self.message_ja = message_ja


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    department: str
    active: bool
    must_change_password: bool = False     # an issued password: set one's own before anything else

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def may(self, permission: str) -> bool:
        return self.active and self.role in PERMISSIONS.get(permission, ())

    def read_levels(self) -> tuple[str, ...]:
        return READ_LEVELS.get(self.role, ())

    def groups(self) -> tuple[str, ...]:
        """Names a restricted document's `allowed:` list may use for this user."""
        return tuple(g for g in (self.role, ROLES.get(self.role, ""), self.department) if g)


def _account(u: User) -> Account:
    return Account(u.id, u.username, u.display_name, u.role, u.department, u.active, u.must_change_password)


_USER_COLUMNS = (User.id.label("user_id"), User.username, User.display_name, User.role, User.department,
                 User.active, User.must_change_password)


# Built once: these run on every request, and building a statement costs more than running it.
_SESSION_LOOKUP = (select(LoginSession.id, LoginSession.ended_at, LoginSession.last_seen, LoginSession.created_at,
                          *_USER_COLUMNS)
                   .join(User, User.id == LoginSession.user_id).where(LoginSession.key_hash == bindparam("digest")))
_TOKEN_LOOKUP = (select(ApiToken.id, ApiToken.revoked_at, ApiToken.last_used, *_USER_COLUMNS)
                 .join(User, User.id == ApiToken.user_id).where(ApiToken.token_hash == bindparam("digest")))


def _row_account(row) -> Account:
    return Account(row.user_id, row.username, row.display_name, row.role, row.department, row.active,
                   row.must_change_password)


# -- passwords ---------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                         maxmem=256 * 1024 * 1024, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, key = stored.split("$")
        if algo != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), maxmem=256 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


_DUMMY_HASH = None


def _dummy_verify(password: str) -> None:
    """Spend the time of a real check, so an unknown user name answers as slowly as a known one."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    verify_password(password, _DUMMY_HASH)


# Issued passwords are read off a screen and typed by hand: no look-alikes (l I 1, O 0 o).
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "lI1O0o")


def random_password(length: int = 20) -> str:
    """20 characters of PASSWORD_ALPHABET (56 symbols): ~116 bits."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def check_password_policy(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must have at least {MIN_PASSWORD_CHARS} characters",
                           f"パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください。")
    if username and username.lower() in password.lower():
        raise AccountError("password must not contain the user name",
                           "パスワードにユーザー名を含めないでください。")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# -- the store ---------------------------------------------------------------------------------
class AccountStore:
    """Users, their sign-in sessions and API tokens in the application database."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock          # sessions start, idle out and end on this clock

    # users
    def add_user(self, username: str, role: str, password: str, display_name: str = "",
                 department: str = "", must_change_password: bool = False) -> Account:
        if not _USERNAME.match(username or ""):
            raise AccountError("user name: 2-64 letters, digits, '.', '_' or '-'",
                               "ユーザー名は半角英数字と . _ - で2〜64文字にしてください。")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}",
                               "役割の指定が正しくありません。")
        check_password_policy(password, username)
        with self.db.session() as s:
            if s.scalar(select(User).where(User.username == username)):
                raise AccountError(f"user {username} exists", f"ユーザー {username} は既に存在します。")
            u = User(username=username, role=role, password_hash=hash_password(password),
                     display_name=display_name, department=department, active=True,
                     must_change_password=must_change_password)
            s.add(u)
            s.flush()
            return _account(u)

    def get(self, username: str) -> Account | None:
        with self.db.session() as s:
            u = s.scalar(select(User).where(User.username == username))
            return _account(u) if u else None

    def get_by_id(self, user_id: int) -> Account | None:
        with self.db.session() as s:
            u = s.get(User, user_id)
            return _account(u) if u else None

    def list_users(self) -> list[Account]:
        with self.db.session() as s:
            return [_account(u) for u in s.scalars(select(User).order_by(User.username))]

    def _require(self, s, username: str) -> User:
        u = s.scalar(select(User).where(User.username == username))
        if u is None:
            raise AccountError(f"no user {username}", f"ユーザー {username} は存在しません。")
        return u

    def set_password(self, username: str, password: str, must_change: bool = False) -> None:
        """A new password; every session of the user ends (sign in again everywhere) and every
        API token is revoked: a changed password may mean a leaked one (docs/decisions.md).
        must_change: an issued password, which the user replaces with their own at the next sign-in."""
        check_password_policy(password, username)
        with self.db.session() as s:
            u = self._require(s, username)
            u.password_hash = hash_password(password)
            u.password_changed_at = utcnow()
            u.must_change_password = must_change
            self._end_sessions(s, u.id)
            self._revoke_tokens(s, u.id)

    def set_role(self, username: str, role: str) -> tuple[str, str]:
        """(old role, new role). The last active admin cannot lose the role."""
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}", "役割の指定が正しくありません。")
        with self.db.session() as s:
            u = self._require(s, username)
            old = u.role
            if old == "admin" and role != "admin" and u.active and self._active_admins(s) <= 1:
                raise AccountError("the last active admin keeps the admin role",
                                   "有効なシステム管理者が1人もいなくなるため、変更できません。")
            u.role = role
            if old != role:
                self._end_sessions(s, u.id)
            return old, role

    def set_active(self, username: str, active: bool) -> None:
        """Disable (or enable) an account; disabling ends its sessions and revokes its tokens for
        good, so enabling it again brings none back (new ones are issued when needed)."""
        with self.db.session() as s:
            u = self._require(s, username)
            if not active and u.role == "admin" and u.active and self._active_admins(s) <= 1:
                raise AccountError("the last active admin cannot be disabled",
                                   "有効なシステム管理者が1人もいなくなるため、無効にできません。")
            u.active = active
            if not active:
                self._end_sessions(s, u.id)
                self._revoke_tokens(s, u.id)

    def _active_admins(self, s) -> int:
        return s.scalar(select(func.count()).select_from(User)
                        .where(User.role == "admin", User.active.is_(True))) or 0

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account for a correct name and password of an active user, else None."""
        with self.db.session() as s:
            u = s.scalar(select(User).where(User.username == username))
            if u is None:
                _dummy_verify(password)
                return None
            ok = verify_password(password, u.password_hash)
            return _account(u) if ok and u.active else None

    # sessions
    def start_session(self, account: Account, ip: str = "") -> str:
        """A new sign-in; returns the key for the browser's (signed) session cookie."""
        key = secrets.token_urlsafe(32)
        with self.db.session() as s:
            now = self.clock.now()
            s.add(LoginSession(key_hash=_digest(key), user_id=account.id, ip=ip[:64], created_at=now,
                               last_seen=now))
        return key

    def session_account(self, key: str, idle: dt.timedelta, max_age: dt.timedelta,
                        touch_after: dt.timedelta = dt.timedelta(seconds=30)) -> Account | None:
        """The signed-in account of a live session, or None if it ended, idled out or is too old.
        Activity is written at most every `touch_after`, not on every request. (One joined
        Core query: this runs on every request, so it stays off the ORM's slower path.)"""
        now = self.clock.now()
        with self.db.engine.connect() as conn:
            row = conn.execute(_SESSION_LOOKUP, {"digest": _digest(key)}).first()
            if row is None or row.ended_at is not None:
                return None
            expired = now - row.last_seen > idle or now - row.created_at > max_age
            if expired or now - row.last_seen > touch_after:
                change = {"ended_at": now} if expired else {"last_seen": now}
                conn.execute(update(LoginSession).where(LoginSession.id == row.id).values(**change))
                conn.commit()
            if expired or not row.active:
                return None
            return _row_account(row)

    def end_session(self, key: str) -> None:
        with self.db.session() as s:
            ls = s.scalar(select(LoginSession).where(LoginSession.key_hash == _digest(key)))
            if ls is not None and ls.ended_at is None:
                ls.ended_at = self.clock.now()

    def _end_sessions(self, s, user_id: int) -> None:
        for ls in s.scalars(select(LoginSession).where(LoginSession.user_id == user_id,
                                                       LoginSession.ended_at.is_(None))):
            ls.ended_at = self.clock.now()

    def _revoke_tokens(self, s, user_id: int) -> None:
        s.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                  .values(revoked_at=utcnow()))

    # API tokens
    def create_token(self, username: str, label: str = "") -> tuple[int, str]:
        """(token id, the token): the token is shown once and stored only as its hash."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.session() as s:
            u = self._require(s, username)
            t = ApiToken(user_id=u.id, prefix=token[:12], token_hash=_digest(token), label=label[:100])
            s.add(t)
            s.flush()
            return t.id, token

    def list_tokens(self, username: str | None = None) -> list[dict]:
        with self.db.session() as s:
            q = select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
            if username:
                q = q.where(User.username == username)
            return [{"id": t.id, "user": u.username, "prefix": t.prefix, "label": t.label,
                     "created_at": t.created_at, "last_used": t.last_used, "revoked_at": t.revoked_at}
                    for t, u in s.execute(q)]

    def revoke_token(self, token_id: int) -> str:
        """Revoke by id; returns the owner's user name."""
        with self.db.session() as s:
            t = s.get(ApiToken, token_id)
            if t is None:
                raise AccountError(f"no token {token_id}", f"トークン {token_id} は存在しません。")
            if t.revoked_at is None:
                t.revoked_at = utcnow()
            return s.get(User, t.user_id).username

    def token_account(self, token: str) -> Account | None:
        """The active account a valid, unrevoked token belongs to (one joined Core query)."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        now = utcnow()
        with self.db.engine.connect() as conn:
            row = conn.execute(_TOKEN_LOOKUP, {"digest": _digest(token)}).first()
            if row is None or row.revoked_at is not None or not row.active:
                return None
            if row.last_used is None or now - row.last_used > dt.timedelta(minutes=1):
                conn.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used=now))
                conn.commit()
            return _row_account(row)


def ensure_first_admin(store: AccountStore, username: str = "admin") -> str | None:
    """On an empty user table, create an admin with a random password and return the password
    (to be shown once); None when users exist."""
    if user_count(store.db):
        return None
    password = random_password()
    store.add_user(username, "admin", password, display_name="システム管理者", must_change_password=True)
    return password
