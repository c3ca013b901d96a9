"""Build step: copy front-end packages from node_modules and compile translations.

Front-end libraries come from the npm registry (``npm ci``) and are copied into
``static/vendor`` (never committed): the NL Design System components (EUPL-1.2) and, as the
default theme, the NL Design System example tokens (EUPL-1.2), which every organisation may
use; ``BB_THEME_CSS`` swaps in the organisation's own (web/theme.py). ``.po`` files are
compiled to ``.mo`` with polib, so a machine without GNU gettext can still run BinnenBuiten.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
NODE = ROOT / "node_modules"

VENDOR_FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css": "voorbeeld-theme.css",
    "@utrecht/component-library-css/dist/index.css": "utrecht-components.css",
}


# Left by earlier builds; the City of Utrecht's own tokens are not ours to ship.
RETIRED = ("utrecht-tokens.css",)


def copy_vendor() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for name in RETIRED:
        (VENDOR / name).unlink(missing_ok=True)
    for source, target in VENDOR_FILES.items():
        path = NODE / source
        if not path.exists():
            sys.exit(f"{path} is missing: run 'npm ci' first.")
        shutil.copyfile(path, VENDOR / target)


def compile_messages() -> None:
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    copy_vendor()
    compile_messages()
    print("assets built: static/vendor and locale/*.mo")
