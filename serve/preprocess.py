"""A person's own digit image turned into what the network was trained on, the way MNIST was built.

MNIST digits are light ink on a black ground, scaled to fit a 20x20 box keeping
their aspect ratio (with anti-aliasing), then placed in a 28x28 field so that
their centre of mass is at its centre. `to_mnist` does the same to any image;
an image that is already such a field is taken as it is.
"""

import numpy as np
from PIL import Image, ImageOps

FIELD = 28          # side of the image the network sees
BOX = 20            # side of the box the digit is scaled to fit
CENTRE = FIELD / 2  # row and column index of the centre of mass of every MNIST digit, +-0.5
MIN_CONTRAST = 0.1  # ink and ground closer than this (of full scale) are one blank level
FAINT = 0.2         # ink less than this fraction of the contrast above the ground is background


def gray_and_alpha(image):
    """The image as float32 gray levels in [0,1], and its alpha in [0,1] (None if opaque)."""
    if image.mode.startswith("I"):
        # 16-bit samples (I;16*, and Pillow's I for 16-bit files): Pillow's own
        # convert("L") would clip them at 255, turning nearly everything white.
        return np.clip(np.asarray(image, np.float32) / 65535, 0, 1), None
    if image.mode == "F":
        # 32-bit float samples (TIFF): [0, 1] in scientific images, else [0, 255]; Pillow's
        # convert("L") would take them as [0, 255], so a [0, 1] image would come out blank.
        pixels = np.asarray(image, np.float32)
        return np.clip(pixels / (1 if pixels.max() <= 1 else 255), 0, 1), None
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        gray, alpha = image.convert("RGBA").convert("LA").split()
        return np.asarray(gray, np.float32) / 255, np.asarray(alpha, np.float32) / 255
    return np.asarray(image.convert("L"), np.float32) / 255, None


def composite(gray, alpha):
    """The gray levels composited over white or black, whichever contrasts with the opaque pixels.

    So ink drawn only in the alpha channel (one colour everywhere, the shape in alpha) shows.
    """
    ground = 1.0 if (alpha * gray).sum() < 0.5 * alpha.sum() else 0.0
    return alpha * gray + (1 - alpha) * ground


def border(pixels):
    """The pixels along the four edges, where a digit's background is."""
    return np.concatenate([pixels[0], pixels[-1], pixels[1:-1, 0], pixels[1:-1, -1]])


def fit_box(ink):
    """The ink cropped to its bounding box and scaled so its longer side is BOX pixels."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = ink.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Lanczos widens its window when shrinking, so it anti-aliases; its slight ringing is clipped.
    # (Measured on MNIST test digits redrawn 10x larger, it comes closer to the originals than BOX.)
    return np.clip(np.asarray(Image.fromarray(ink).resize(size, Image.Resampling.LANCZOS)), 0, 1)


def centre(digit):
    """A FIELD x FIELD image holding `digit` with its centre of mass at the centre of the field."""
    height, width = digit.shape
    rows, cols = np.indices(digit.shape)
    mass = digit.sum()
    top = round(CENTRE - (rows * digit).sum() / mass)
    left = round(CENTRE - (cols * digit).sum() / mass)
    # A lopsided digit may not reach the centre of mass without leaving the field.
    top, left = min(max(top, 0), FIELD - height), min(max(left, 0), FIELD - width)
    field = np.zeros((FIELD, FIELD), np.float32)
    field[top:top + height, left:left + width] = digit
    return field


def to_mnist(image):
    """The 28x28 float32 image in [0,1] (light ink on black) for a PIL image, or None if blank."""
    image = ImageOps.exif_transpose(image)
    gray, alpha = gray_and_alpha(image)
    if alpha is not None:
        gray = composite(gray, alpha)
    ground = np.median(border(gray))   # the level most of the edge shows
    # Polarity: the ink lies on the side of the ground holding more of the image's mass,
    # so dark ink on light paper is inverted however bright or dim the picture is.
    darker, lighter = np.clip(ground - gray, 0, None).sum(), np.clip(gray - ground, 0, None).sum()
    ink, ground = (1 - gray, 1 - ground) if darker > lighter else (gray, ground)
    peak = ink.max()
    if peak - ground < MIN_CONTRAST:
        return None
    if ink.shape == (FIELD, FIELD) and ground == 0:
        return ink.astype(np.float32)  # already a field on a clean black ground, as in MNIST
    # Levels: the ground becomes black and the strongest ink white; whatever lies within
    # FAINT of the ground (paper grain, shadow, JPEG noise) is dropped.
    ink = np.where(ink > ground + FAINT * (peak - ground), (ink - ground) / (peak - ground), 0).astype(np.float32)
    return centre(fit_box(ink))
