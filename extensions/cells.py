"""The registry of cells (cells.toml): stacks, tiers, what is built, what each tier adds.

Plain Python with no dependency, so that the template's extension, the update migration
(run by copier's interpreter) and the template suite all read the registry the same way.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

REGISTRY = Path(__file__).resolve().parents[1] / "cells.toml"
TIERS_ROOT = "template/tiers"


@dataclass(frozen=True)
class Cells:
    tiers: tuple[str, ...]
    contains: dict[str, str]
    built: dict[str, tuple[str, ...]]
    adds: dict[str, dict[str, tuple[str, ...]]]

    @classmethod
    def load(cls, path: Path = REGISTRY) -> Cells:
        return cls.parse(path.read_text())

    @classmethod
    def parse(cls, text: str) -> Cells:
        data = tomllib.loads(text)
        stacks = data["stacks"]
        return cls(
            tiers=tuple(data["tiers"]),
            contains=dict(data.get("contains", {})),
            built={name: tuple(stack["built"]) for name, stack in stacks.items()},
            adds={
                name: {tier: tuple(stack["adds"].get(tier, ())) for tier in data["tiers"]}
                for name, stack in stacks.items()
            },
        )

    @property
    def stacks(self) -> tuple[str, ...]:
        return tuple(self.built)

    @property
    def all_cells(self) -> list[tuple[str, str]]:
        return [(stack, tier) for stack in self.stacks for tier in self.tiers]

    @property
    def built_cells(self) -> list[tuple[str, str]]:
        return [(stack, tier) for stack, tier in self.all_cells if tier in self.built[stack]]

    def rank(self, tier: str) -> int:
        """Position in the tier order; an unknown tier ranks lowest."""
        return self.tiers.index(tier) if tier in self.tiers else 0

    def chain(self, tier: str) -> list[str]:
        """The tier and every tier it contains, biggest first: FULL -> [FULL, CORE]."""
        chain = [tier]
        while chain[-1] in self.contains:
            chain.append(self.contains[chain[-1]])
        return chain

    def is_built(self, stack: str, tier: str) -> bool:
        return tier in self.built.get(stack, ())

    def paths(self, stack: str, tier: str) -> list[str]:
        """The patterns of the paths the cell has beyond what every tier has."""
        adds = self.adds.get(stack, {})
        return sorted({p for t in self.chain(tier) for p in adds.get(t, ())})

    def paths_outside(self, stack: str, tier: str) -> list[str]:
        """The patterns of the stack's paths that this cell does not render, anchored at the
        project root ("/database.sql" must not match "core/database/database.sql"). A folder
        loses its trailing "/": copier matches the folder's own path too, so it is not created."""
        own = set(self.paths(stack, tier))
        adds = self.adds.get(stack, {})
        return sorted(
            "/" + p.rstrip("/") for patterns in adds.values() for p in patterns if p not in own
        )

    def renders(self, stack: str, tier: str, path: str) -> bool:
        """Whether the cell has `path` (a path of template/<stack>/, without `.jinja`)."""
        parts = path.split("/")
        for pattern in self.paths_outside(stack, tier):
            segments = pattern.lstrip("/").split("/")
            if len(segments) <= len(parts) and all(
                fnmatchcase(part, segment) for part, segment in zip(parts, segments, strict=False)
            ):
                return False
        return True

    def tier_files(self, stack: str, tier: str, path: str) -> list[str]:
        """Where a file that differs by tier comes from: the cell's tier, then those it contains."""
        return [f"{TIERS_ROOT}/{stack}/{t}/{path}.jinja" for t in self.chain(tier)]
