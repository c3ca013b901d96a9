"""Where is a Chromium to drive? BB_CHROMIUM, then the usual system paths, then
Playwright's own download (``playwright install chromium``), in that order.

Kept free of Django and Playwright imports: the root conftest asks it before any test
runs, to skip the browser tests (and say so) on a machine without a browser.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# What Debian, Ubuntu, Fedora, Arch, snap and Homebrew install, by name and by path.
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SYSTEM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
# Playwright's own downloads, relative to its browsers folder.
PLAYWRIGHT_GLOBS = (
    "chromium-*/chrome-linux*/chrome",
    "chromium_headless_shell-*/chrome-linux*/headless_shell",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
)
HOW_TO_GET_ONE = (
    "install Chromium (Debian/Ubuntu: apt-get install chromium) "
    "or set BB_CHROMIUM=/path/to/chromium"
)


def _executable(path: str | os.PathLike[str]) -> str | None:
    candidate = Path(path)
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return None


def _playwright_folders() -> list[Path]:
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH", "")
    if configured and configured != "0":
        return [Path(configured)]
    home = Path.home()
    return [
        home / ".cache" / "ms-playwright",
        home / "Library" / "Caches" / "ms-playwright",
    ]


def find_chromium() -> str | None:
    """The path of a Chromium to launch, or None when this machine has none.

    A BB_CHROMIUM that points nowhere counts as none: it was set on purpose, so falling
    back to another browser would hide the mistake.
    """
    configured = os.environ.get("BB_CHROMIUM", "").strip()
    if configured:
        return _executable(configured)
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in SYSTEM_PATHS:
        found = _executable(path)
        if found:
            return found
    for folder in _playwright_folders():
        for pattern in PLAYWRIGHT_GLOBS:
            for path in sorted(folder.glob(pattern), reverse=True):
                found = _executable(path)
                if found:
                    return found
    return None


def browser_required() -> bool:
    """BB_REQUIRE_BROWSER=1 (set by .ci/run) turns a missing browser into a failure."""
    return os.environ.get("BB_REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes", "on")
