"""Owner-only files: what lies under KB_DATA (password hashes, raw inquiries, the audit log, the
index of restricted documents) and every backup is 0600, its folders 0700 (docs/security.md)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PRIVATE_UMASK = 0o077      # what the `kb` commands and the systemd units create with


def make_private(root: Path) -> None:
    """chmod `root` and everything under it to owner-only (links are left alone)."""
    root = Path(root)
    if not root.exists() or root.is_symlink():
        return
    if not root.is_dir():
        _chmod(root, PRIVATE_FILE)
        return
    _chmod(root, PRIVATE_DIR)
    for dirpath, dirs, files in os.walk(root):
        for d in dirs:
            _chmod(Path(dirpath) / d, PRIVATE_DIR)
        for f in files:
            _chmod(Path(dirpath) / f, PRIVATE_FILE)


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if missing; the folder itself is made 0700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _chmod(path, PRIVATE_DIR)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) == mode:
            return
        os.chmod(path, mode)
    except (FileNotFoundError, PermissionError):
        pass            # gone meanwhile, or not ours: left as it is
