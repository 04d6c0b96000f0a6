"""Spelling variants and format slips used to inject realistic data-quality defects.

The spelling-variant tables live in ``simulators.domain.names`` (shared with records search, so every
variant injected here is one that search knows).
"""

from __future__ import annotations

from random import Random

from simulators.domain.names import FORENAME_VARIANTS, SURNAME_VARIANTS


def surname_variant(surname: str, rng: Random) -> tuple[str, str]:
    """A plausible mis-recording of ``surname`` and a short description of the change."""
    if surname in SURNAME_VARIANTS:
        new = rng.choice(SURNAME_VARIANTS[surname])
        return new, "spelling variant"
    if "-" in surname:
        if rng.random() < 0.6:
            return surname.replace("-", " "), "hyphen missing"
        return surname.replace("-", ""), "hyphen missing, parts joined"
    if surname.startswith("O'"):
        return (
            ("O" + surname[2:], "apostrophe missing")
            if rng.random() < 0.5
            else (
                "O " + surname[2:],
                "apostrophe recorded as a space",
            )
        )
    if surname.startswith("Mac") and len(surname) > 4 and surname[3].islower():
        return "Mc" + surname[3].upper() + surname[4:], "Mac/Mc variant"
    if surname.startswith("Mc") and len(surname) > 3:
        return "Mac" + surname[2:], "Mc/Mac variant"
    return typo(surname, rng), "keying error"


def forename_variant(forename: str, rng: Random) -> tuple[str, str] | None:
    """A spelling variant of ``forename`` from the table, or None when it has none."""
    options = FORENAME_VARIANTS.get(forename)
    if not options:
        return None
    return rng.choice(options), "spelling variant"


def typo(name: str, rng: Random) -> str:
    """A keying error: a doubled letter dropped, else two adjacent inner letters swapped."""
    for i in range(1, len(name)):
        if name[i] == name[i - 1] and name[i].isalpha():
            return name[:i] + name[i + 1 :]
    if len(name) >= 4:
        i = 1 + int(rng.random() * (len(name) - 3))
        if name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name + name[-1]


def postcode_slip(postcode: str, rng: Random) -> str:
    """The same postcode as people type it: lower or mixed case, no space, extra space."""
    out, inw = postcode.split(" ")
    choice = int(rng.random() * 5)
    if choice == 0:
        return postcode.lower()
    if choice == 1:
        return out + inw
    if choice == 2:
        return (out + inw).lower()
    if choice == 3:
        mixed = "".join(c.lower() if i % 2 else c for i, c in enumerate(postcode))
        return mixed if mixed != postcode else postcode.lower()
    return f"{out}  {inw}"
