"""Where the vault lives: --data-dir, else $CIRCLEKEEPER_DATA_DIR, else the platform default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENVIRONMENT_VARIABLE = "CIRCLEKEEPER_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_environment:
        return Path(from_environment).expanduser().resolve()
    return Path(platformdirs.user_data_dir("Circlekeeper", appauthor=False))
