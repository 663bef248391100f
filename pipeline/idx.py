"""Read IDX files, the format of the MNIST database.

An IDX file of unsigned bytes is: the magic number 0x000008NN (N = number of
dimensions), N big-endian uint32 sizes, then the bytes of the array in C order.
"""

import struct
from math import prod
from pathlib import Path

import numpy as np

from pipeline.stage import StageError

UNSIGNED_BYTE = 0x08


def read_idx(path, ndim):
    """Return the array of unsigned bytes with `ndim` dimensions stored in the IDX file `path`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StageError(f"cannot read {path}: {error.strerror}; run the download stage") from None
    magic, expected = int.from_bytes(data[:4], "big"), UNSIGNED_BYTE << 8 | ndim
    if len(data) >= 4 and magic != expected:
        raise StageError(
            f"{path} has magic number 0x{magic:08x}, expected 0x{expected:08x} "
            f"(IDX of unsigned bytes in {ndim} dimension{'s' if ndim > 1 else ''})"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise StageError(f"{path} is truncated: {len(data)} bytes, less than its {header}-byte IDX header")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    needed = header + prod(shape)
    if len(data) != needed:
        problem = "is truncated" if len(data) < needed else "has trailing bytes"
        raise StageError(
            f"{path} {problem}: {len(data)} bytes, but its header says "
            f"{'x'.join(map(str, shape))} so it must be {needed}"
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)
