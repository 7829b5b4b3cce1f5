"""Where the product's data files live: ``resources/`` (the icon, the palette, instruments).

``resources/`` sits beside the packages in the repository, and at the same place inside the
PyInstaller bundle (``build.spec`` copies it there), so one path from this module's own
location finds it in both. Qt-free: services read instrument definitions from here too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent / "resources"


class ResourceError(Exception):
    """A data file is missing or malformed; the message names the file and the field."""


def resource_path(*parts: str) -> Path:
    """The path of ``resources/<parts…>``; ``ResourceError`` when there is no such file."""
    path = ROOT.joinpath(*parts)
    if not path.is_file():
        raise ResourceError(f"{relative(path)} is missing from this installation.")
    return path


def relative(path: Path) -> str:
    """``resources/…`` for messages: where the file is, without the installation's folder."""
    try:
        return str(Path("resources") / path.relative_to(ROOT))
    except ValueError:
        return str(path)


def load_json(*parts: str) -> Any:
    """The JSON document at ``resources/<parts…>``; ``ResourceError`` names a malformed file."""
    path = resource_path(*parts)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResourceError(f"{relative(path)} is not valid JSON: {error}.") from None
