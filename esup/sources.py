"""The source list: which exchange databases (前置库) the platform pulls, from a YAML file.

```yaml
sources:
  - name: scjgj                 # unique, [a-z0-9_]
    kind: department            # department | legal_office | portal | supervision
    department_code: "SCJGJ"    # kind department only
    county_code: "320900"       # optional
    url: postgresql://${EXCHANGE_USER}:${EXCHANGE_PASSWORD}@host:5432/exchange_scjgj
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from esup.exchange import SOURCE_KINDS

NAME_PATTERN = re.compile(r"^[a-z0-9_]+$")
ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
KEYS = {"name", "kind", "department_code", "county_code", "url"}


class SourceListError(ValueError):
    """The source list cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str  # as written, ${ENV} placeholders unresolved (safe to log)
    department_code: str | None = None
    county_code: str | None = None

    def resolved_url(self) -> str:
        """The URL with ${ENV} placeholders filled from the environment."""

        def fill(match: re.Match) -> str:
            var = match.group(1)
            if var not in os.environ:
                raise SourceListError(f"source {self.name}: environment variable {var} used in its url is not set")
            return os.environ[var]

        return ENV_PATTERN.sub(fill, self.url)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def parse_sources(data: object, origin: str = "source list") -> list[Source]:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceListError(f"{origin}: expected a mapping with a 'sources' list")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"], start=1):
        where = f"{origin}: entry {index}"
        if not isinstance(entry, dict):
            raise SourceListError(f"{where}: expected a mapping, got {type(entry).__name__}")
        unknown = set(entry) - KEYS
        if unknown:
            raise SourceListError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise SourceListError(f"{where}: name must match [a-z0-9_]+, got {name!r}")
        where = f"{origin}: source {name}"
        if name in seen:
            raise SourceListError(f"{where}: name is used twice")
        seen.add(name)
        kind = entry.get("kind")
        if kind not in SOURCE_KINDS:
            raise SourceListError(f"{where}: kind must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith(("postgresql://", "postgres://")):
            raise SourceListError(f"{where}: url must be a postgresql:// URL")
        department_code = entry.get("department_code")
        if kind == "department" and not department_code:
            raise SourceListError(f"{where}: kind department needs a department_code")
        if kind != "department" and department_code:
            raise SourceListError(f"{where}: department_code is for kind department only")
        county = entry.get("county_code")
        sources.append(
            Source(
                name,
                kind,
                url,
                str(department_code) if department_code else None,
                str(county) if county is not None else None,
            )
        )
    return sources


def load_sources(path: str | Path) -> list[Source]:
    path = Path(path)
    if not path.exists():
        raise SourceListError(f"source list {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceListError(f"source list {path} is not valid YAML: {exc}".splitlines()[0]) from exc
    return parse_sources(data, origin=str(path))


def write_sources(path: str | Path, sources: list[Source]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump({"sources": [s.as_dict() for s in sources]}, allow_unicode=True, sort_keys=False)
    path.write_text(body, encoding="utf-8")
