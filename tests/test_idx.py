"""IDX parsing: valid files round-trip; a wrong magic number or length is refused, naming the file."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from idxdata import idx_bytes
from pipeline.idx import read_idx
from pipeline.stage import StageError

IMAGES = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("idx")


@given(array=arrays(np.uint8, array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5)))
def test_valid_file_round_trips(folder, array):
    path = folder / "file-idx"
    path.write_bytes(idx_bytes(array))
    read = read_idx(path, array.ndim)
    assert read.dtype == np.uint8
    np.testing.assert_array_equal(read, array)


def test_labels_read_as_images_is_a_wrong_magic_number(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(
        StageError, match=r"train-images-idx3-ubyte has magic number 0x00000801, expected 0x00000803"
    ):
        read_idx(path, 3)


def test_other_element_type_is_a_wrong_magic_number(tmp_path):
    path = tmp_path / "floats-idx"
    path.write_bytes(bytes([0, 0, 0x0D, 1]) + (2).to_bytes(4, "big") + bytes(8))
    with pytest.raises(StageError, match=r"floats-idx has magic number 0x00000d01, expected 0x00000801"):
        read_idx(path, 1)


@given(cut=st.integers(1, len(idx_bytes(IMAGES))))
def test_every_truncation_is_refused(folder, cut):
    path = folder / "short-idx"
    path.write_bytes(idx_bytes(IMAGES)[:-cut])
    with pytest.raises(StageError, match=r"short-idx is truncated"):
        read_idx(path, 3)


def test_trailing_bytes_are_refused(tmp_path):
    path = tmp_path / "long-idx"
    path.write_bytes(idx_bytes(IMAGES) + b"\0")
    with pytest.raises(
        StageError, match=r"long-idx has trailing bytes: 41 bytes, but its header says 2x3x4 so it must be 40"
    ):
        read_idx(path, 3)


def test_count_in_header_larger_than_the_data_is_truncation(tmp_path):
    path = tmp_path / "labels-idx"
    path.write_bytes(bytes([0, 0, 8, 1]) + (60000).to_bytes(4, "big") + bytes(100))
    with pytest.raises(StageError, match=r"labels-idx is truncated: 108 bytes, but its header says 60000"):
        read_idx(path, 1)


def test_missing_file_says_which_and_what_to_do(tmp_path):
    with pytest.raises(StageError, match=r"cannot read .*absent-idx: No such file or directory; run the"):
        read_idx(tmp_path / "absent-idx", 1)
