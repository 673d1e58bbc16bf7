"""Headless Chromium (Debian's ``chromium``, driven by Playwright) for PNG export."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kzmap.geo.errors import KzmapError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

__all__ = [
    "CHROMIUM_ARGS",
    "PAGE_READY",
    "BrowserNotFoundError",
    "chromium",
    "find_chromium",
    "goto_offline",
]

#: JS condition true once a kzmap page has fitted its view and placed its labels.
PAGE_READY = "() => document.body.classList.contains('kzmap-ready')"

#: Chromium features that reach servers on their own (hints, casting, translation,
#: certificate and time lookups, field trials, autofill, spare renderers' prefetch).
_NETWORK_FEATURES = (
    "OptimizationHints",
    "OptimizationHintsFetching",
    "MediaRouter",
    "DialMediaRouteProvider",
    "Translate",
    "AutofillServerCommunication",
    "CertificateTransparencyComponentUpdater",
    "NetworkTimeServiceQuerying",
    "InterestFeedContentSuggestions",
    "NetworkPrediction",
    "AsyncDns",
)

#: Flags for a headless, sandbox-free (root in CI) Chromium that phones nobody:
#: no background services, no DNS (every host name resolves to nothing; only
#: the ``file://`` page is loaded), no QUIC, no WebRTC address discovery.
#: ``tests/maps/test_browser_network.py`` runs an export under strace and
#: checks that no process opens an internet socket to anything.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--no-pings",
    "--dns-prefetch-disable",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-features=" + ",".join(_NETWORK_FEATURES),
)


class BrowserNotFoundError(KzmapError, RuntimeError):
    """No Chromium executable or no Playwright installation was found."""


_MISSING = (
    "No headless Chromium found. Install Debian's package (apt-get install "
    "chromium), set KZMAP_CHROMIUM to a Chromium executable, or run "
    "'playwright install chromium'."
)


def find_chromium() -> str | None:
    """
    Return the Chromium executable: ``$KZMAP_CHROMIUM``, else ``chromium`` on PATH.

    None means neither exists; Playwright's own browser download is then tried.

    Raises
    ------
    BrowserNotFoundError
        If ``$KZMAP_CHROMIUM`` is set but is not an executable file.
    """
    configured = os.environ.get("KZMAP_CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            msg = f"KZMAP_CHROMIUM={configured!r} is not an executable file."
            raise BrowserNotFoundError(msg)
        return configured
    return shutil.which("chromium")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Yield a headless Chromium browser driven by Playwright."""
    try:
        from playwright.sync_api import Error, sync_playwright  # noqa: PLC0415
    except ImportError as err:
        msg = "PNG export and browser checks need Playwright: pip install playwright"
        raise BrowserNotFoundError(msg) from err
    executable = find_chromium()
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
            )
        except Error as err:
            msg = f"{_MISSING} ({err.message})"
            raise BrowserNotFoundError(msg) from err
        try:
            yield browser
        finally:
            browser.close()


def goto_offline(
    page: Page, url: str, ready: str = PAGE_READY, *, timeout: float = 30_000
) -> None:
    """
    Load `url` in `page` with every other request refused; wait until `ready`.

    `ready` is a JavaScript function's source, polled until it returns true
    (at most `timeout` milliseconds).
    """
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url == url else route.abort(),
    )
    page.goto(url)
    page.wait_for_function(ready, timeout=timeout)
