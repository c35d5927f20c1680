"""Settings read once from the environment, so every stage and the server agree on them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_URI = "http://localhost:5000/"
DEFAULT_MAX_DOC_BYTES = 2_000_000


@dataclass(frozen=True)
class Settings:
    """Where things live and which base URI names them."""

    base_uri: str = DEFAULT_BASE_URI
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    dist_dir: Path = PROJECT_ROOT / "dist"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read ``KG_*`` variables; explicit overrides (e.g. CLI flags) win."""
        env = os.environ
        values: dict[str, object] = {
            "base_uri": env.get("KG_BASE_URI", DEFAULT_BASE_URI),
            "seeds_dir": Path(env.get("KG_SEEDS", PROJECT_ROOT / "seeds")),
            "dist_dir": Path(env.get("KG_DIST", PROJECT_ROOT / "dist")),
            "shapes_dir": Path(env.get("KG_SHAPES", PROJECT_ROOT / "shapes")),
            "max_doc_bytes": _int_env("KG_MAX_DOC_BYTES", DEFAULT_MAX_DOC_BYTES),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["base_uri"] = normalise_base(str(values["base_uri"]))
        return cls(**values)  # type: ignore[arg-type]


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


def normalise_base(uri: str) -> str:
    """A base URI must be absolute and end with '/', or minted URIs would collide or be relative."""
    uri = uri.strip()
    if not uri.startswith(("http://", "https://")):
        raise ValueError(f"KG_BASE_URI must be an absolute http(s) URI, got {uri!r}")
    return uri if uri.endswith("/") else uri + "/"
