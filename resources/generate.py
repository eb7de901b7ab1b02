"""Generate the station's sounds and icons; run it again after changing them.

Uses only the standard library, and the output depends on nothing but this
file, so running it again reproduces the committed files byte for byte.

    python resources/generate.py [--out DIR]
"""

import argparse
import math
import struct
import wave
from pathlib import Path

SAMPLE_RATE = 44_100
FULL_SCALE = 32_767

GREEN = "#2e7d32"
RED = "#c62828"
AMBER = "#f0a500"
GREY = "#757575"
WHITE = "#ffffff"
INK = "#212121"


# Sounds


def tone(duration, start_hz, end_hz, *, square=False, volume=0.6):
    """A tone sliding from start_hz to end_hz, as floats in -1..1."""
    count = round(duration * SAMPLE_RATE)
    fade = round(0.005 * SAMPLE_RATE)  # 5 ms in and out, so the speaker does not click
    samples = []
    phase = 0.0
    for i in range(count):
        frequency = start_hz + (end_hz - start_hz) * i / count
        # Advance the phase by the current frequency so a slide stays continuous.
        phase += 2 * math.pi * frequency / SAMPLE_RATE
        value = math.sin(phase)
        if square:
            # A soft-clipped sine: a buzz that stays below harsh aliasing.
            value = math.tanh(4 * value)
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(volume * envelope * value)
    return samples


def silence(duration):
    return [0.0] * round(duration * SAMPLE_RATE)


def write_wav(path, samples):
    frames = struct.pack(f"<{len(samples)}h", *(round(s * FULL_SCALE) for s in samples))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)


SOUNDS = {
    # Bright and short: the clerk can move on.
    "scan_ok.wav": tone(0.120, 1200, 1800),
    # Low, long and repeated: hard to mistake for success in a noisy hall.
    "scan_error.wav": tone(0.120, 180, 160, square=True)
    + silence(0.060)
    + tone(0.120, 180, 160, square=True),
}


# Icons

SHIELD = "M12 2 L20 5 V11 C20 16.5 16.6 20.6 12 22 C7.4 20.6 4 16.5 4 11 V5 Z"
CHECK = (
    '<path d="M8 12.2 L11 15.2 L16.2 9.4" fill="none" stroke="{color}" stroke-width="2.2" '
    'stroke-linecap="round" stroke-linejoin="round"/>'
)
CROSS = (
    '<path d="M9 9 L15 15 M15 9 L9 15" fill="none" stroke="{color}" stroke-width="2.2" '
    'stroke-linecap="round"/>'
)
QUESTION = (
    '<path d="M9.6 9.6 A2.5 2.5 0 1 1 13.2 11.9 C12.5 12.2 12 12.8 12 13.6 V14.2" fill="none" '
    'stroke="{color}" stroke-width="2" stroke-linecap="round"/>'
    '<circle cx="12" cy="17.2" r="1.2" fill="{color}"/>'
)


def svg(title, size, body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">\n'
        f"  <title>{title}</title>\n"
        f"  {body}\n"
        "</svg>\n"
    )


def shield_icon(title, fill, glyph, glyph_color):
    shield = f'<path d="{SHIELD}" fill="{fill}"/>'
    return svg(title, 24, shield + glyph.format(color=glyph_color))


def disc_icon(title, fill, glyph):
    disc = f'<circle cx="12" cy="12" r="10" fill="{fill}"/>'
    return svg(title, 24, disc + glyph.format(color=WHITE))


CLOCK = svg(
    "Pending",
    24,
    f'<circle cx="12" cy="12" r="9" fill="none" stroke="{GREY}" stroke-width="2.2"/>'
    f'<path d="M12 7 V12 L15.5 14" fill="none" stroke="{GREY}" stroke-width="2.2" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
)

# A cardboard box seen from above at an angle, taped shut, with a check badge.
PARCEL = svg(
    "Handover station",
    64,
    '<path d="M32 6 L56 17 L32 28 L8 17 Z" fill="#dda66a"/>'
    '<path d="M8 17 L32 28 V56 L8 45 Z" fill="#c8894d"/>'
    '<path d="M32 28 L56 17 V45 L32 56 Z" fill="#a86b32"/>'
    '<path d="M22.7 10.2 L46.7 21.2 V29.2 L41.3 31.7 V23.7 L17.3 12.7 Z" fill="#f2d7a8"/>'
    f'<circle cx="48" cy="48" r="13" fill="{GREEN}" stroke="{WHITE}" stroke-width="3"/>'
    f'<path d="M41.5 48.5 L46 53 L54.5 43.5" fill="none" stroke="{WHITE}" stroke-width="3.5" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
)

ICONS = {
    "station.svg": PARCEL,
    "verified.svg": shield_icon("Verified", GREEN, CHECK, WHITE),
    "tampered.svg": shield_icon("Tampered", RED, CROSS, WHITE),
    "unverifiable.svg": shield_icon("Unverifiable", AMBER, QUESTION, INK),
    "pending.svg": CLOCK,
    "scan_ok.svg": disc_icon("Scan accepted", GREEN, CHECK),
    "scan_error.svg": disc_icon("Scan refused", RED, CROSS),
}


def generate(out_dir):
    (out_dir / "sounds").mkdir(parents=True, exist_ok=True)
    (out_dir / "icons").mkdir(parents=True, exist_ok=True)
    for name, samples in SOUNDS.items():
        write_wav(out_dir / "sounds" / name, samples)
    for name, text in ICONS.items():
        (out_dir / "icons" / name).write_text(text, encoding="utf-8", newline="\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
