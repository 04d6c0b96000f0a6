"""The world of one seed: streets with postcodes and officers, shared by every shard.

Built once per seed and process (``world(seed)``) from its own RNG stream, so it does not depend on
how many people or shards there are.
"""

from __future__ import annotations

from functools import lru_cache
from random import Random

from simulators.population import data

#: A street: (name, town, county, three postcode units, custody station code or None outside the force).
Street = tuple[str, str, str, tuple[str, ...], str | None]


class World:
    """Population-wide pools (streets with postcodes, officers) shared by every shard of one seed."""

    def __init__(self, seed: int) -> None:
        rng = Random(f"{seed}:world")
        self.names = data.name_pools()
        suffixes = data.street_suffixes()
        pools = self.names
        letters = data.INWARD_LETTERS

        def streets(
            town: str, county: str, area: str, d1: int, d2: int, n: int, station: str | None
        ) -> list[Street]:
            seen: set[str] = set()
            out: list[Street] = []
            while len(out) < n:
                base = (
                    pools.surnames.pick(rng) if rng.random() < 0.7 else rng.choice(pools.male + pools.female)
                )
                name = f"{base} {rng.choice(suffixes)}"
                if name in seen:
                    continue
                seen.add(name)
                if area in ("SE", "E", "N") and rng.random() < 0.15:
                    outward = rng.choice(
                        [d for d in data.LONDON_SUFFIX_DISTRICTS if d.startswith(area[0])]
                        or data.LONDON_SUFFIX_DISTRICTS
                    )
                else:
                    outward = f"{area}{rng.randint(d1, d2)}"
                sector = rng.randint(0, 9)
                units = tuple(
                    f"{outward} {sector}{rng.choice(letters)}{rng.choice(letters)}" for _ in range(3)
                )
                out.append((name, town, county, units, station))
            return out

        home = []
        for town, county, area, d1, d2, weight, station in data.HOME_TOWNS:
            home.append((streets(town, county, area, d1, d2, 240, station), weight))
        other = []
        for town, county, area, d1, d2, weight in data.OTHER_TOWNS:
            other.append((streets(town, county, area, d1, d2, 50, None), weight))
        self.home_towns = data.Weighted(home)
        self.other_towns = data.Weighted(other)

        collars = rng.sample(range(1000, 10000), 700)

        def officer(collar: int) -> tuple[str, str]:
            first = rng.choice(pools.male) if rng.random() < 0.65 else rng.choice(pools.female)
            return (str(collar), f"{first} {pools.surnames.pick(rng)}")

        self.constables = [officer(c) for c in collars[:560]]
        self.sergeants = [officer(c) for c in collars[560:640]]
        self.inspectors = [officer(c) for c in collars[640:680]]
        self.superintendents = [officer(c) for c in collars[680:688]]


@lru_cache(maxsize=4)
def world(seed: int) -> World:
    """The (immutable) world of one seed, built once per process."""
    return World(seed)


HOME_TOWN_NAMES = frozenset(t[0] for t in data.HOME_TOWNS)
HOME_STATION = {t[0]: t[6] for t in data.HOME_TOWNS}
