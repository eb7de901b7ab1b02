"""Standard SQL spellings that immudb's grammar lacks, rewritten as the driver sends a statement.

immudb knows ``LEFT JOIN`` but not the keyword ``OUTER``: ``LEFT OUTER
JOIN`` (as Django and most hand-written SQL spell it) is a syntax error on
both 1.9 and 1.11. Rewriting in the driver keeps compiled queries in the
standard spelling and lets raw SQL use it too. String literals and quoted
names are left as they are.
"""

import re

# A string literal (a quote inside is doubled) or a double-quoted name.
QUOTED = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"")
OUTER_JOIN = re.compile(r"\b(LEFT|RIGHT)\s+OUTER\s+JOIN\b", re.IGNORECASE)


def to_immudb(sql):
    """``sql`` with ``LEFT OUTER JOIN`` and ``RIGHT OUTER JOIN`` spelled as immudb reads them."""
    if "OUTER" not in sql.upper():
        return sql
    parts, position = [], 0
    for quoted in QUOTED.finditer(sql):
        parts.append(OUTER_JOIN.sub(r"\1 JOIN", sql[position : quoted.start()]))
        parts.append(quoted.group())
        position = quoted.end()
    parts.append(OUTER_JOIN.sub(r"\1 JOIN", sql[position:]))
    return "".join(parts)
