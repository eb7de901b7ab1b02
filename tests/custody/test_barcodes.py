import dataclasses
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from station_app.custody.barcodes import (
    MAX_SCAN_LENGTH,
    BarcodeError,
    ParcelCode,
    ParcelFormat,
    parse_parcel_code,
)

GS = "\x1d"
SSCC = "376130321109103420"


def check_digit(payload: str) -> int:
    """GS1 mod-10, written out here so the tests do not trust the code under test."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return -total % 10


def test_check_digit_oracle_matches_published_sscc():
    assert check_digit(SSCC[:-1]) == int(SSCC[-1])


ACCEPTED = [
    # (scan, normalized_id, format, gs1_data)
    (SSCC, SSCC, "sscc", {}),
    (SSCC + "\r\n", SSCC, "sscc", {}),
    (SSCC + "\n", SSCC, "sscc", {}),
    ("00" + SSCC, SSCC, "sscc", {}),
    (f"(00){SSCC}", SSCC, "sscc", {}),
    ("(00) 3 7613032 110910342 0", SSCC, "sscc", {}),
    (f"(00){SSCC}(420)12345", SSCC, "sscc", {"420": "12345"}),
    (f"]C100{SSCC}", SSCC, "sscc", {}),
    (f"]C100{SSCC}\r\n", SSCC, "sscc", {}),
    (f"]C1{GS}00{SSCC}", SSCC, "sscc", {}),
    (f"]C100{SSCC}42012345", SSCC, "sscc", {"420": "12345"}),
    (f"]C100{SSCC}401ABC-123/4{GS}42012345", SSCC, "sscc", {"401": "ABC-123/4", "420": "12345"}),
    (f"]C142012345{GS}00{SSCC}", SSCC, "sscc", {"420": "12345"}),
    (f"00{SSCC}{GS}42012345", SSCC, "sscc", {"420": "12345"}),
    (f"00{SSCC}42012345", SSCC, "sscc", {"420": "12345"}),
    (f"]d200{SSCC}", SSCC, "sscc", {}),
    (f"]C0{SSCC}", SSCC, "sscc", {}),
    ("1Z999AA10123456784", "1Z999AA10123456784", "tracking", {}),
    (" 1z999aa10123456784\r\n", "1Z999AA10123456784", "tracking", {}),
    ("\t1Z999AA10123456784\t", "1Z999AA10123456784", "tracking", {}),
    ("]C01Z999AA10123456784", "1Z999AA10123456784", "tracking", {}),
    ("RR123456785DE", "RR123456785DE", "tracking", {}),
    ("JJD000390007123456789", "JJD000390007123456789", "tracking", {}),
    ("1234567890", "1234567890", "tracking", {}),
    ("A" * 34 + "1", "A" * 34 + "1", "tracking", {}),
]


@pytest.mark.parametrize(("scan", "normalized_id", "parcel_format", "gs1_data"), ACCEPTED)
def test_accepted_scans(scan, normalized_id, parcel_format, gs1_data):
    code = parse_parcel_code(scan)
    assert code == ParcelCode(
        raw=scan, normalized_id=normalized_id, format=parcel_format, gs1_data=gs1_data
    )
    assert code.raw == scan
    assert code.format == ParcelFormat(parcel_format)


REJECTED = [
    # (scan, words the clerk must see)
    ("", "Nothing was scanned"),
    ("  \r\n", "Nothing was scanned"),
    (SSCC[:-1] + "1", "should be 0, not 1"),
    ("00" + SSCC[:-1] + "7", "should be 0, not 7"),
    (f"]C100{SSCC[:-1]}9{GS}42012345", "should be 0, not 9"),
    (f"(00){SSCC[:-1]}5", "should be 0, not 5"),
    ("00" + SSCC[:-1], "18 digits, but this one has 17"),
    (f"(00){SSCC[:-1]}", "18 digits, but this one has 17"),
    (f"(00){SSCC}1", "18 digits, but this one has 19"),
    (f"]C100{SSCC[:-1]}{GS}42012345", "18 digits, but this one has 17"),
    ("(00)3761303211091034A0", 'only digits, but this one contains "A"'),
    ("(00)", "18 digits, but this one has 0"),
    ("]C10109506000134352", "no parcel number (SSCC"),
    ("(420)12345", "no parcel number (SSCC"),
    (f"]C100{SSCC}00{SSCC}", "more than one SSCC"),
    ("]E05901234123457", "product barcode"),
    ("]I109506000134352", "product barcode"),
    (f"]C12712345{GS}00{SSCC}", 'unknown GS1 field (AI) at "2712"'),
    (f"(00){SSCC}(27)123", "unknown GS1 field (AI) 27"),
    ("(4)2012345", "unknown GS1 field (AI) 4"),
    (f"]C100{SSCC}17991399", "(17) Expiration date"),
    (f"(00){SSCC}(17)991399", "(17) Expiration date"),
    ("(00" + SSCC, "brackets"),
    ("]", "unknown barcode type marker"),
    ("]!0" + SSCC, "unknown barcode type marker"),
    ("]C1", "no code"),
    ("1Z999-AA10123456784", 'contains "-"'),
    ("1Z99", "10 to 35 letters and digits, but this scan has 4"),
    ("A" * 35 + "1", "10 to 35 letters and digits, but this scan has 36"),
    ("ABCDEFGHIJKL", "no digits"),
    ("1Z999AA1\x0701234", "control character (U+0007)"),
    ("1Z999AA1\x1b01234", "control character (U+001B)"),
    ("\u200f1Z999AA10123456784", "control character (U+200F)"),
    ("\u202e1Z999AA10123456784", "control character (U+202E)"),
    ("שלום1234567890", "not used on parcel labels (U+05E9)"),
    ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨", "not used on parcel labels (U+0661)"),
    ("1Z999AA1\u00a001234", "not used on parcel labels (U+00A0)"),
    ("x" * (MAX_SCAN_LENGTH + 1), "too long"),
]


@pytest.mark.parametrize(("scan", "words"), REJECTED)
def test_rejected_scans_say_what_is_wrong(scan, words):
    with pytest.raises(BarcodeError) as caught:
        parse_parcel_code(scan)
    assert words in str(caught.value)


def test_barcode_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_parcel_code("nonsense")


def test_parcel_code_is_immutable():
    code = parse_parcel_code(f"(00){SSCC}(420)12345")
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.normalized_id = "0"
    with pytest.raises(TypeError):
        code.gs1_data["420"] = "99999"
    assert hash(code) == hash(parse_parcel_code(f"(00){SSCC}(420)12345"))


def test_parcel_format_works_as_django_choices():
    assert ParcelFormat.choices == [("sscc", "SSCC"), ("tracking", "Tracking number")]
    assert ParcelFormat.SSCC == "sscc"


def test_a_megabyte_of_input_is_refused_quickly():
    started = time.perf_counter()
    with pytest.raises(BarcodeError, match="too long"):
        parse_parcel_code("\u05d0" * 1_000_000 + SSCC)
    assert time.perf_counter() - started < 0.1


valid_ssccs = st.text(alphabet="0123456789", min_size=17, max_size=17).map(
    lambda payload: payload + str(check_digit(payload))
)


@given(valid_ssccs)
@example("000000000000000000")
def test_every_valid_sscc_parses_to_itself_in_every_form(sscc):
    for scan in (sscc, f"00{sscc}", f"(00){sscc}", f"]C100{sscc}\r\n", f"]C100{sscc}{GS}42012345"):
        code = parse_parcel_code(scan)
        assert code.normalized_id == sscc
        assert code.format == ParcelFormat.SSCC


@given(
    valid_ssccs,
    st.integers(0, 17),
    st.integers(1, 9),
    st.sampled_from(["{}", "00{}", "(00){}", "]C100{}"]),
)
def test_any_single_digit_change_is_rejected_with_its_check_digit(sscc, position, shift, form):
    changed = sscc[:position] + str((int(sscc[position]) + shift) % 10) + sscc[position + 1 :]
    with pytest.raises(BarcodeError) as caught:
        parse_parcel_code(form.format(changed))
    expected = check_digit(changed[:-1])
    assert f"should be {expected}, not {changed[-1]}" in str(caught.value)


tracking_numbers = st.from_regex(r"[A-Za-z0-9]{9,34}", fullmatch=True).map(
    lambda text: text + "7"
).filter(lambda text: not text.isdigit())


@given(tracking_numbers, st.sampled_from(["", " ", "\r\n", "\n", "\t"]))
def test_tracking_numbers_are_trimmed_and_upper_cased(number, suffix):
    scan = f" {number}{suffix}"
    code = parse_parcel_code(scan)
    assert code == ParcelCode(raw=scan, normalized_id=number.upper(), format="tracking")


def _parses_or_refuses_with_a_message(scan):
    try:
        code = parse_parcel_code(scan)
    except BarcodeError as error:
        assert str(error).strip()
    else:
        assert code.normalized_id


@given(st.text())
def test_random_text_only_ever_raises_barcode_error(scan):
    _parses_or_refuses_with_a_message(scan)


@given(
    st.sampled_from(["", "]C1", "]d2", "]C0", "]E0", "(", "00", f"00{SSCC}"]),
    st.text(alphabet="0123456789()]C1AZaz-/ \r\n" + GS, max_size=60),
)
def test_random_barcode_like_text_only_ever_raises_barcode_error(prefix, rest):
    _parses_or_refuses_with_a_message(prefix + rest)


@given(
    tracking_numbers,
    st.characters(categories=["Cc", "Cf"], exclude_characters=GS),
    st.integers(1, 9),
)
def test_control_characters_inside_a_scan_are_named(number, control, position):
    with pytest.raises(BarcodeError, match=rf"control character \(U\+{ord(control):04X}\)"):
        parse_parcel_code(number[:position] + control + number[position:])


# Hebrew, Arabic, Syriac, Thaana and N'Ko letters, digits and marks.
right_to_left = st.characters(
    min_codepoint=0x0590, max_codepoint=0x08FF, categories=["L", "N", "M"]
)


@given(st.text(alphabet=right_to_left, min_size=1))
def test_right_to_left_text_is_refused(text):
    with pytest.raises(BarcodeError, match="not used on parcel labels|too long"):
        parse_parcel_code(text + "1Z999AA10123456784")
