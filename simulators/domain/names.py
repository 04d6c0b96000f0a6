"""Spelling variants of UK names: spellings that are the same name when a person is recorded twice.

Police systems really confuse these when the same person is recorded twice (docs/domain.md 6: duplicate
nominals, false or varying identity details). One table serves both sides: the population generator
injects these variants as data-quality defects, and records search treats each group as one name.
The first name of each group is the one search uses as the group's representative. Records search
adds a few spellings of its own (simulators/records/names.py); the whole table is published in
docs/conventions.md (name matching), and tests/domain/test_name_table.py keeps the two the same.
"""

from __future__ import annotations

FORENAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Steven", "Stephen"),
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed"),
    ("John", "Jon"),
    ("Sean", "Shaun", "Shawn"),
    ("Catherine", "Katherine", "Kathryn"),
    ("Sarah", "Sara"),
    ("Philip", "Phillip"),
    ("Geoffrey", "Jeffrey"),
    ("Alan", "Allan", "Allen"),
    ("Ann", "Anne"),
    ("Clare", "Claire"),
    ("Rebecca", "Rebekah"),
    ("Nicola", "Nichola"),
    ("Lewis", "Louis"),
    ("Elliot", "Elliott"),
    ("Matthew", "Mathew"),
    ("Graham", "Graeme"),
    ("Stuart", "Stewart"),
    ("Carl", "Karl"),
    ("Neil", "Neal"),
    ("Brian", "Bryan"),
    ("Tracy", "Tracey"),
    ("Hayley", "Haley"),
    ("Leanne", "Lianne"),
    ("Jane", "Jayne"),
    ("Mark", "Marc"),
    ("Zoe", "Zoë"),
    ("Aisha", "Ayesha"),
    ("Yusuf", "Yousef"),
    ("Jack", "Jak"),
    ("Gemma", "Jemma"),
    ("Katie", "Katy"),
    ("Jonathan", "Johnathan"),
    ("Dominic", "Dominick"),
)

SURNAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Macdonald", "McDonald", "MacDonald"),
    ("Thompson", "Thomson"),
    ("Phillips", "Philips"),
    ("Matthews", "Mathews"),
    ("Reid", "Reed", "Read"),
    ("Gray", "Grey"),
    ("Clarke", "Clark"),
    ("Brown", "Browne"),
    ("Davies", "Davis"),
    ("Hussain", "Hussein", "Husain"),
    ("Ahmed", "Ahmad"),
    ("Chowdhury", "Choudhury"),
    ("Mohammed", "Mohamed"),
    ("Stephens", "Stevens"),
    ("Smith", "Smyth"),
    ("Jones", "Jone"),
    ("Lloyd", "Loyd"),
    ("Kerr", "Carr"),
)


def variant_index(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """name -> the other spellings in its group, in table order."""
    out: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for name in group:
            out[name] = tuple(n for n in group if n != name)
    return out


FORENAME_VARIANTS = variant_index(FORENAME_GROUPS)
SURNAME_VARIANTS = variant_index(SURNAME_GROUPS)
