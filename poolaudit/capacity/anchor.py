"""Where capacity findings are reported and fixed: the setting at the place a pool's value in
force is written (a Deployment's env entry, an env file, the literal in code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from poolaudit.capacity import Analysis
    from poolaudit.capacity.pools import Catalog
    from poolaudit.capacity.records import DatabaseDemand, Pool
    from poolaudit.model import Setting


def size_place(pool: Pool, catalog: Catalog | None) -> Setting | None:
    """The setting where the pool's size in force is written, else the pool's own size setting."""
    if catalog is not None and pool.size_at is not None:
        found = catalog.written_at(pool.size_at[0], pool.size_at[1], "max_size")
        if found is not None:
            return found
    return pool.size_setting


def overflow_place(pool: Pool, catalog: Catalog | None) -> Setting | None:
    if catalog is not None and pool.overflow_at is not None:
        found = catalog.written_at(pool.overflow_at[0], pool.overflow_at[1], "overflow")
        if found is not None:
            return found
    return pool.overflow_setting


def anchor_of(db: DatabaseDemand, analysis: Analysis) -> Setting | None:
    """The size setting of the largest pool of the service with the largest demand."""
    ranked = sorted(
        ((u.demand or 0, s.service, pool) for s in db.services for u in s.usages for pool in u.pools),
        key=lambda item: (-item[0], item[1], -(item[2].per_process or 0), item[2].name),
    )
    for _, _, pool in ranked:
        setting = size_place(pool, analysis.catalog)
        if setting is not None:
            return setting
    return None
