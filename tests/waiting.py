"""The one way tests wait: poll a condition until it holds, or fail saying what did not happen."""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 60.0, interval: float = 0.05,
             what: str = "the condition", ignore: tuple[type[BaseException], ...] = (),
             while_alive=None) -> T:
    """condition()'s first truthy value. An exception in `ignore` counts as "not yet"; a process
    given as `while_alive` that exits ends the wait at once. Fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
            if value:
                return value
        except ignore:
            pass
        assert while_alive is None or while_alive.poll() is None, f"process exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s waiting for {what}"
        time.sleep(interval)


def wait_for_http(url: str, timeout: float = 60.0, while_alive=None, opener=None) -> bytes:
    """The body of `url` once a server answers it (connection refused counts as not yet)."""
    open_url = opener.open if opener is not None else urllib.request.urlopen
    return wait_for(lambda: open_url(url, timeout=5).read() or b" ", timeout=timeout, interval=0.2,
                    what=f"an answer from {url}", ignore=(urllib.error.URLError, ConnectionError),
                    while_alive=while_alive)
