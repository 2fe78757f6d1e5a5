"""Image headers via Pillow (the one module that imports it): pixel and frame counts are checked before OCR.

Pillow's decompression-bomb guard stays on, set to our limit (``Image.MAX_IMAGE_PIXELS``, which makes Pillow
refuse anything over twice the limit as soon as it reads the header); every frame is also checked explicitly
against the limit itself. Only headers are read: no pixel is decoded here.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from documents.extract.limits import Limits
from documents.model import ExtractionError


def _too_large(width: int, height: int, limits: Limits) -> ExtractionError:
    return ExtractionError("image_too_large", f"{width}x{height} pixels > {limits.image_pixels}")


def check(path: Path, limits: Limits) -> int:
    """Number of frames (pages of a multi-page TIFF) of an image within the pixel and OCR-page limits."""
    Image.MAX_IMAGE_PIXELS = limits.image_pixels
    try:
        with Image.open(path) as image:
            frames = 0
            while True:
                width, height = image.size
                if width * height > limits.image_pixels:
                    raise _too_large(width, height, limits)
                frames += 1
                if frames > limits.ocr_pages:
                    raise ExtractionError("too_many_ocr_pages", f"more than {limits.ocr_pages} frames")
                try:
                    image.seek(frames)
                except EOFError:
                    return frames
    except Image.DecompressionBombError as exc:  # over twice the limit: Pillow names the size
        raise ExtractionError("image_too_large", str(exc)) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ExtractionError("corrupt", "image header cannot be read") from exc
