import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from station_app.resources import resource_path

SOUNDS = {
    # name: (shortest, longest) in seconds, number of separate beeps
    "scan_ok.wav": ((0.08, 0.20), 1),
    "scan_error.wav": ((0.25, 0.40), 2),
}
ICONS = [
    "station.svg",
    "verified.svg",
    "tampered.svg",
    "unverifiable.svg",
    "pending.svg",
    "scan_ok.svg",
    "scan_error.svg",
]
GENERATED = [("sounds", name) for name in SOUNDS] + [("icons", name) for name in ICONS]
REFERENCED = GENERATED + [("style.qss",), ("generate.py",), ("README.md",)]


@pytest.mark.parametrize("parts", REFERENCED, ids="/".join)
def test_referenced_file_exists(parts):
    assert resource_path(*parts).is_file()


def test_resources_are_found_in_a_source_checkout():
    assert resource_path() == Path(__file__).resolve().parents[1] / "resources"


def test_resources_are_found_in_a_pyinstaller_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("icons", "station.svg") == tmp_path / "resources" / "icons" / "station.svg"


def test_committed_assets_are_what_generate_py_makes(tmp_path):
    subprocess.run(
        [sys.executable, str(resource_path("generate.py")), "--out", str(tmp_path)], check=True
    )
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert generated == sorted(Path(*parts) for parts in GENERATED)
    for relative in generated:
        assert (tmp_path / relative).read_bytes() == resource_path(*relative.parts).read_bytes()


def read_mono_16bit(path):
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44_100)
        samples = array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def beeps(samples, rate=44_100):
    """Sounding stretches separated by at least 20 ms of near-silence."""
    loud = [i for i, s in enumerate(samples) if abs(s) > 1_000]
    count = 1 if loud else 0
    for before, after in zip(loud, loud[1:]):
        if after - before > 0.020 * rate:
            count += 1
    return count


def pitch_hz(samples, rate=44_100):
    """Rough pitch from zero crossings of the sounding part."""
    sounding = [s for s in samples if abs(s) > 1_000]
    crossings = sum(1 for a, b in zip(sounding, sounding[1:]) if (a < 0) != (b < 0))
    return crossings / 2 / (len(sounding) / rate)


@pytest.mark.parametrize("name", SOUNDS)
def test_sound_is_a_valid_wav_of_the_right_shape(name):
    (shortest, longest), beep_count = SOUNDS[name]
    samples = read_mono_16bit(resource_path("sounds", name))
    assert shortest <= len(samples) / 44_100 <= longest
    assert max(abs(s) for s in samples) > 10_000, "audible on a warehouse floor"
    assert abs(samples[0]) < 500 and abs(samples[-1]) < 500, "fades in and out without a click"
    assert beeps(samples) == beep_count


def test_ok_and_error_sounds_are_easy_to_tell_apart():
    ok = read_mono_16bit(resource_path("sounds", "scan_ok.wav"))
    error = read_mono_16bit(resource_path("sounds", "scan_error.wav"))
    assert pitch_hz(ok) > 1_000
    assert pitch_hz(error) < 400


@pytest.mark.parametrize("name", ICONS)
def test_icon_is_a_valid_svg(qapp, name):
    renderer = QSvgRenderer(str(resource_path("icons", name)))
    assert renderer.isValid()
    box = renderer.viewBox()
    if name == "station.svg":
        assert box.width() == box.height() >= 64
    else:
        assert (box.width(), box.height()) == (24, 24)


@pytest.fixture
def styled_app(qapp):
    qapp.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    yield qapp
    qapp.setStyleSheet("")


def test_stylesheet_parses(styled_app, qtlog):
    field = QLineEdit()
    field.ensurePolished()
    assert not [r for r in qtlog.records if "Could not parse" in r.message]


def test_stylesheet_styles_the_scan_field_and_feedback(styled_app):
    field = QLineEdit(objectName="scanField")
    field.ensurePolished()
    assert field.font().pointSize() == 28
    colours = {}
    for state in ("idle", "ok", "error"):
        feedback = QLabel(objectName="scanFeedback")
        feedback.setProperty("state", state)
        feedback.ensurePolished()
        colours[state] = feedback.palette().window().color().name()
    assert colours == {"idle": "#eeeeee", "ok": "#2e7d32", "error": "#c62828"}


def test_stylesheet_makes_condition_buttons_big_and_marks_checked_ones(styled_app):
    button = QPushButton(checkable=True)
    button.setProperty("condition", True)
    button.resize(200, 80)
    button.ensurePolished()
    assert button.minimumHeight() >= 72
    plain = QPushButton()
    plain.ensurePolished()
    assert plain.minimumHeight() < button.minimumHeight()

    def fill():
        return button.grab().toImage().pixelColor(100, 40).name()

    assert fill() == "#ffffff"
    button.setChecked(True)
    assert fill() == "#e65100"
