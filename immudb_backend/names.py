"""Table and column names that immudb's SQL cannot spell.

immudb names, quoted or not, take only ASCII letters, digits and ``_``, and
the server folds them to lower case. A name made of those characters is sent
as it is, so existing tables keep their names. Any other name, such as
``prc(%) x`` or ``tamaño``, is stored under an encoded name: the prefix
``_enc_``, then the lower-cased name with every character other than a-z and
0-9 written as ``_`` and the two hex digits of each of its UTF-8 bytes::

    prc(%) x                     -> _enc_prc_28_25_29_20x
    inspectdb_pascal.PascalCase  -> _enc_inspectdb_5fpascal_2epascalcase

Introspection and result column names decode it back, lower-cased as the
server reports every name. A plain name that starts with ``_enc_`` is
encoded too, which keeps the mapping one-to-one.
"""

import re

PREFIX = "_enc_"
PLAIN = re.compile(r"[A-Za-z0-9_]+")
ENCODED = re.compile(rf"{PREFIX}(?:[a-z0-9]|_[0-9a-f]{{2}})*")
ESCAPED_BYTE = re.compile(r"_([0-9a-f]{2})|([a-z0-9])")


def encode(name):
    """The name immudb stores for Django's table or column ``name``."""
    if PLAIN.fullmatch(name) and not name.lower().startswith(PREFIX):
        return name
    return PREFIX + "".join(_escape(char) for char in name.lower())


def _escape(char):
    if "a" <= char <= "z" or "0" <= char <= "9":
        return char
    return "".join(f"_{byte:02x}" for byte in char.encode())


def decode(name):
    """Django's name for a table or column that immudb reports as ``name``."""
    if not ENCODED.fullmatch(name):
        return name
    raw = bytearray()
    for escaped, kept in ESCAPED_BYTE.findall(name[len(PREFIX) :]):
        raw += bytes.fromhex(escaped) if escaped else kept.encode()
    try:
        decoded = raw.decode()
    except UnicodeDecodeError:
        return name
    # Only what encode() makes is decoded: "_enc_ab" or "_enc__ff" are names of their own.
    return decoded if encode(decoded) == name else name
