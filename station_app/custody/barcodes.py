"""Parcel identities from what a barcode scanner types.

A keyboard-wedge scanner types the barcode into the scan field like a
keyboard. :func:`parse_parcel_code` turns that text into a :class:`ParcelCode`
or raises :class:`BarcodeError` with a sentence a clerk can act on.

Before anything else, surrounding whitespace (including the CR/LF a scanner
sends after each code) and inner spaces (from hand-typed label text such as
``(00) 3 7613032 110910342 0``) are removed. Then:

* **SSCC-18**, the GS1 Serial Shipping Container Code, always with a valid
  GS1 mod-10 check digit, in any of these forms:

  - 18 bare digits: ``376130321109103420``;
  - application identifier (AI) 00 and the 18 digits:
    ``00376130321109103420``;
  - the human-readable form: ``(00)376130321109103420(420)12345``;
  - a GS1 element string, usually behind the symbology identifier ``]C1``
    (GS1-128), with GS (ASCII 29) after variable-length fields, e.g.
    ``]C100376130321109103420401ABC-123<GS>42012345``.

  Fields other than the SSCC, such as AI 401 (consignment) or AI 420 (ship-to
  postcode), are kept in :attr:`ParcelCode.gs1_data`.

* **Carrier tracking number**: the pattern ``(?=.*[0-9])[A-Z0-9]{10,35}``
  after upper-casing, i.e. 10 to 35 letters and digits with at least one
  digit (e.g. UPS ``1Z999AA10123456784``). Each carrier has its own
  check-digit scheme, so tracking numbers are not checksummed here.

A digit-only scan is read as GS1 when it can be: exactly 18 digits is an SSCC,
and more than 18 digits starting with ``00`` is an element string. A mistyped
SSCC is therefore reported as such instead of passing as a tracking number.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString
from biip.sscc import Sscc
from biip.symbology import GS1Symbology, SymbologyIdentifier
from django.db.models import TextChoices

GS = "\x1d"
SSCC_AI = "00"
SSCC_LENGTH = 18
TRACKING_MIN_LENGTH = 10
TRACKING_MAX_LENGTH = 35
# A GS1-128 label holds at most 48 data characters; the limit leaves room for
# hand-typed spacing while refusing runaway input before any per-character work.
MAX_SCAN_LENGTH = 256

_HRI = re.compile(r"(?:\(\d+\)[^()]*)+")
_HRI_FIELD = re.compile(r"\((\d+)\)([^()]*)")


class ParcelFormat(TextChoices):
    SSCC = "sscc", "SSCC"
    TRACKING = "tracking", "Tracking number"


class BarcodeError(ValueError):
    """A scan that is not a parcel identity; the message is meant for the clerk."""


@dataclass(frozen=True)
class ParcelCode:
    raw: str
    """The text exactly as the scanner sent it."""

    normalized_id: str
    """The 18-digit SSCC, or the upper-case tracking number."""

    format: ParcelFormat

    gs1_data: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Other GS1 fields scanned with an SSCC, by AI, e.g. ``{"420": "12345"}``."""

    def __post_init__(self):
        object.__setattr__(self, "gs1_data", MappingProxyType(dict(self.gs1_data)))


def parse_parcel_code(raw: str) -> ParcelCode:
    """Read a scanned or typed parcel code; raise :class:`BarcodeError` if it is not one."""
    # str.strip() also drops GS characters at either end, which some scanners
    # send around GS1 data; they carry no meaning there.
    text = raw.strip().replace(" ", "")
    if not text:
        raise BarcodeError("Nothing was scanned. Scan the parcel's barcode again.")
    if len(text) > MAX_SCAN_LENGTH:
        raise BarcodeError(
            f"The scan is too long ({len(text):,} characters; a parcel label has at most "
            f"{MAX_SCAN_LENGTH}). Scan only the parcel's label."
        )
    _reject_foreign_characters(text)
    parcel_format, normalized_id, gs1_data = _identify(text)
    return ParcelCode(raw=raw, normalized_id=normalized_id, format=parcel_format, gs1_data=gs1_data)


def _reject_foreign_characters(text: str) -> None:
    """Refuse anything but printable ASCII and GS: nothing else is on a parcel label."""
    for char in text:
        if char == GS or "!" <= char <= "~":
            continue
        if unicodedata.category(char).startswith("C"):
            raise BarcodeError(
                f"The scan contains an invisible control character ({_describe(char)}). "
                "Check the scanner's settings and scan again."
            )
        raise BarcodeError(
            f"The scan contains a character that is not used on parcel labels "
            f"({_describe(char)}). Check that the scanner's keyboard layout matches "
            "the station's, then scan again."
        )


def _identify(text: str) -> tuple[ParcelFormat, str, dict[str, str]]:
    if text.startswith("]"):
        return _identify_with_symbology(text)
    if text.startswith("("):
        return _sscc_from_fields(_hri_fields(text))
    if GS in text or (text.isdigit() and len(text) > SSCC_LENGTH and text.startswith(SSCC_AI)):
        return _sscc_from_fields(_element_string_fields(text))
    return _identify_plain(text)


def _identify_with_symbology(text: str) -> tuple[ParcelFormat, str, dict[str, str]]:
    """Strip a symbology identifier such as ``]C1`` and read the data as it says."""
    unknown = BarcodeError(
        f"The scan starts with an unknown barcode type marker ({text[:3]}). "
        "Check the scanner's symbology identifier setting."
    )
    if len(text) < 3:
        raise unknown
    try:
        symbology = SymbologyIdentifier.extract(text)
    except (ParseError, ValueError):
        raise unknown from None
    data = text[len(symbology) :]
    if not data:
        raise BarcodeError("The scanner sent a barcode type marker but no code. Scan again.")
    if symbology.gs1_symbology in GS1Symbology.with_gtin():
        raise BarcodeError(
            "This is a product barcode (EAN/GTIN), not a parcel label. "
            "Scan the parcel's shipping label."
        )
    if symbology.gs1_symbology in GS1Symbology.with_gs1_messages():
        return _sscc_from_fields(_element_string_fields(data))
    return _identify_plain(data)


def _identify_plain(text: str) -> tuple[ParcelFormat, str, dict[str, str]]:
    if text.isdigit() and len(text) == SSCC_LENGTH:
        return ParcelFormat.SSCC, _validated_sscc(text), {}
    return ParcelFormat.TRACKING, _validated_tracking_number(text), {}


def _validated_sscc(digits: str) -> str:
    non_digit = next((char for char in digits if not char.isdigit()), None)
    if non_digit is not None:
        raise BarcodeError(
            f"An SSCC has only digits, but this one contains {_describe(non_digit)}."
        )
    if len(digits) != SSCC_LENGTH:
        raise BarcodeError(
            f"An SSCC has {SSCC_LENGTH} digits, but this one has {len(digits)}. "
            "Scan the label again or check the number."
        )
    try:
        return Sscc.parse(digits).value
    except ParseError:
        expected = gs1_standard_check_digit(digits[:-1])
        raise BarcodeError(
            f"Wrong check digit in SSCC {digits}: the last digit should be {expected}, "
            f"not {digits[-1]}. The label may be damaged or mistyped; scan it again."
        ) from None


def _validated_tracking_number(text: str) -> str:
    number = text.upper()
    illegal = next((char for char in number if not ("A" <= char <= "Z" or char.isdigit())), None)
    if illegal is not None:
        raise BarcodeError(
            f"A tracking number has only letters A-Z and digits 0-9, "
            f"but this scan contains {_describe(illegal)}."
        )
    if not TRACKING_MIN_LENGTH <= len(number) <= TRACKING_MAX_LENGTH:
        raise BarcodeError(
            f"A tracking number has {TRACKING_MIN_LENGTH} to {TRACKING_MAX_LENGTH} "
            f"letters and digits, but this scan has {len(number)}."
        )
    if not any(char.isdigit() for char in number):
        raise BarcodeError(
            f"{number} has no digits, so it is not a tracking number. "
            "Scan the parcel's barcode."
        )
    return number


def _element_string_fields(data: str) -> list[GS1ElementString]:
    """Split a GS1 element string such as ``00…<GS>420…`` into its fields.

    This is biip's GS1Message.parse loop, done field by field so that an
    error can name the field that is wrong.
    """
    fields = []
    rest = data.strip(GS)
    while rest:
        try:
            ai = GS1ApplicationIdentifier.extract(rest)
        except ParseError:
            raise _unknown_field_error(f'at "{rest.split(GS, 1)[0][:4]}"') from None
        try:
            element = GS1ElementString.extract(rest)
        except ParseError:
            raise _invalid_field_error(ai, rest[len(ai.ai) :].split(GS, 1)[0]) from None
        fields.append(element)
        rest = rest[len(element) :].lstrip(GS)
    return fields


def _hri_fields(text: str) -> list[GS1ElementString]:
    """Read the human-readable form ``(00)…(420)…``, as printed under the barcode."""
    if not _HRI.fullmatch(text):
        raise BarcodeError(
            "The brackets in this code are not in the GS1 form printed on labels, "
            "such as (00)376130321109103420."
        )
    fields = []
    for ai_code, value in _HRI_FIELD.findall(text):
        try:
            ai = GS1ApplicationIdentifier.extract(ai_code + value)
        except ParseError:
            ai = None
        if ai is None or ai.ai != ai_code:
            raise _unknown_field_error(ai_code)
        try:
            fields.append(GS1ElementString.parse(ai_code + value))
        except ParseError:
            raise _invalid_field_error(ai, value) from None
    return fields


def _sscc_from_fields(fields: list[GS1ElementString]) -> tuple[ParcelFormat, str, dict[str, str]]:
    ssccs = [element.value for element in fields if element.ai.ai == SSCC_AI]
    if not ssccs:
        raise BarcodeError(
            "This GS1 barcode has no parcel number (SSCC, field 00). "
            "Scan the SSCC barcode on the parcel's shipping label."
        )
    if len(ssccs) > 1:
        raise BarcodeError(
            "This barcode holds more than one SSCC. Scan the label of a single parcel."
        )
    others = {element.ai.ai: element.value for element in fields if element.ai.ai != SSCC_AI}
    return ParcelFormat.SSCC, _validated_sscc(ssccs[0]), others


def _unknown_field_error(where: str) -> BarcodeError:
    return BarcodeError(
        f"The barcode contains an unknown GS1 field (AI) {where}. "
        "Scan the SSCC barcode on the parcel's shipping label."
    )


def _invalid_field_error(ai: GS1ApplicationIdentifier, value: str) -> BarcodeError:
    if ai.ai == SSCC_AI:
        try:
            _validated_sscc(value)
        except BarcodeError as sscc_error:
            return sscc_error
    return BarcodeError(
        f"The barcode's field ({ai.ai}) {ai.description} has an invalid value: "
        f"{value or 'nothing'}."
    )


def _describe(char: str) -> str:
    """Show a character so a clerk can recognise it; invisible ones by code point."""
    if "!" <= char <= "~":
        return f'"{char}"'
    return f"U+{ord(char):04X}"
