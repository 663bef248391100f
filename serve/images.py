"""Finding and decoding the images given to `predict`, and saying plainly what is wrong with bad ones."""

import io
import sys
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# Pillow's default (~89 Mpixels) is far beyond any photo of a digit; a file that
# claims more is a decompression bomb (tiny on disk, gigabytes once decoded).
Image.MAX_IMAGE_PIXELS = 50_000_000
MIN_SIDE = 8   # pixels; fewer cannot hold a recognisable digit
STDIN = "-"


class BadInput(Exception):
    """An input that cannot be classified; the message says what is wrong with it."""


def expand(name):
    """The image paths that one command-line input stands for: a folder's image files, sorted, or itself."""
    path = Path(name)
    if name == STDIN or not path.is_dir():
        return [name]
    extensions = Image.registered_extensions()
    found = sorted(str(p) for p in path.iterdir()
                   if p.suffix.lower() in extensions and p.is_file() and not p.name.startswith("."))
    if not found:
        raise BadInput("folder holds no image files (by extension: .png, .jpg, ...)")
    return found


def read(name):
    """The decoded image in file `name` (or stdin for "-"), or BadInput saying why not."""
    data = read_bytes(name)
    if not data:
        raise BadInput("empty file" if name != STDIN else "nothing on standard input")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Pillow's notes on damaged metadata: the decode decides
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return decode(data)
        except UnidentifiedImageError:
            kind = unreadable_format(data)
            raise BadInput(f"unsupported image format ({kind}); save it as PNG or JPEG" if kind
                           else "not an image (no format Pillow reads recognises it)") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadInput(f"too many pixels (limit {Image.MAX_IMAGE_PIXELS:,}); "
                           "refusing a possible decompression bomb") from None
        except BadInput:
            raise
        except Exception as error:  # Pillow reports damaged data as OSError, SyntaxError, ValueError, struct.error...
            raise BadInput(f"truncated or corrupt image data ({error})") from None


def decode(data):
    """The still image encoded in `data`, decoded in full, or BadInput if it cannot hold a digit."""
    image = Image.open(io.BytesIO(data))
    # A multi-picture JPEG from a camera (MPO) is one photo plus previews, not an animation.
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format != "MPO":
        raise BadInput(f"animated image ({frames} frames); save the frame to classify as a still image")
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        raise BadInput(f"{width}x{height} pixels is too small to hold a digit (need at least {MIN_SIDE}x{MIN_SIDE})")
    image.load()
    image.getexif()   # parsed (and cached for preprocessing) here, where damage is reported
    return image


def read_bytes(name):
    """The bytes of file `name`, or of stdin for "-"."""
    if name == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise BadInput("no such file") from None
    except OSError as error:
        raise BadInput(f"cannot read: {error.strerror}") from None


def unreadable_format(data):
    """The name of the image format of `data` if it is one Pillow cannot read, else None."""
    head = data[:1024].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "SVG"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "HEIC"
    if data.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL ")):
        return "JPEG XL"
    if data.startswith(b"%PDF"):
        return "PDF"
    return None
