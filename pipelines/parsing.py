"""Small parsers for the list-valued cells of the raw catalogues. Pure functions, unit-tested."""
from __future__ import annotations

import re

# EDIH "Formatted technologies/sectors/services": "Label - level" items joined by ", ". Labels can contain commas
# ("Micro- and nanoelectronics, optoelectronics - 3"), so never split on ", ".
_LEVEL_TAG = re.compile(r"(.+?) - (\d)(?:, |$)")


class TagParseError(ValueError):
    pass


def parse_level_tags(cell: str | None) -> list[tuple[str, int]]:
    """'AI & Decision support - 5, Micro- and nanoelectronics, optoelectronics - 3' → [(label, level), …].

    Raises TagParseError when the cell is not entirely made of such items (nothing is silently skipped)."""
    if cell is None or not cell.strip():
        return []
    text = cell.strip()
    items, pos = [], 0
    for match in _LEVEL_TAG.finditer(text):
        if match.start() != pos:
            break
        items.append((match.group(1).strip(), int(match.group(2))))
        pos = match.end()
    if pos != len(text):
        raise TagParseError(f"cannot parse {text[pos:pos + 60]!r} as 'Label - level' (at character {pos})")
    return items


def split_semicolon_list(cell: str | None) -> list[str]:
    """'Agriculture and food;Energy and utilities' → ['Agriculture and food', 'Energy and utilities'] (trimmed,
    empty items dropped, order kept, duplicates removed)."""
    if cell is None:
        return []
    seen, out = set(), []
    for item in cell.split(";"):
        item = item.strip()
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out
