"""The suite's view of cells.toml: which cells exist, which are built, how tiers grow."""

from __future__ import annotations

from extensions.cells import Cells

CELLS = Cells.load()
ALL_CELLS = CELLS.all_cells
BUILT = CELLS.built_cells
NOT_BUILT = [cell for cell in ALL_CELLS if cell not in BUILT]
# Growing a tier: each built tier to the next built one above it, per stack.
GROWTH = [
    (stack, small, big)
    for stack in CELLS.stacks
    for small, big in zip(CELLS.tiers, CELLS.tiers[1:], strict=False)
    if CELLS.is_built(stack, small) and CELLS.is_built(stack, big)
]
