"""Stage prepare: Nielsen's split of the training file, pixels in [0, 1], clear errors on bad data."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from idxdata import NAMES, idx_bytes, write_dataset
from pipeline.idx import read_idx
from pipeline.prepare import prepare
from pipeline.stage import StageError

PROJECT = Path(__file__).resolve().parents[1]
TRAIN, TEST = NAMES["train"], NAMES["test"]


@pytest.fixture
def raw(tmp_path):
    write_dataset(tmp_path / "raw", train=60, test=20)
    return tmp_path / "raw"


def test_splits_are_first_train_last_validation_and_t10k_test(raw, tmp_path):
    counts = prepare({"train_size": 40, "validation_size": 15}, raw, tmp_path / "prepared")
    assert counts == {"train": 40, "validation": 15, "test": 20}
    train_images, train_labels = read_idx(raw / TRAIN[0], 3), read_idx(raw / TRAIN[1], 1)
    test_images, test_labels = read_idx(raw / TEST[0], 3), read_idx(raw / TEST[1], 1)
    expected = {
        "train": (train_images[:40], train_labels[:40]),
        "validation": (train_images[45:], train_labels[45:]),
        "test": (test_images, test_labels),
    }
    for name, (images, labels) in expected.items():
        with np.load(tmp_path / "prepared" / f"{name}.npz") as split:
            assert split["images"].dtype == np.float32 and split["labels"].dtype == np.uint8
            assert split["images"].shape == (len(labels), 784)
            assert 0 <= split["images"].min() and split["images"].max() <= 1
            np.testing.assert_array_equal(np.rint(split["images"] * 255), images.reshape(len(images), 784))
            np.testing.assert_array_equal(split["labels"], labels)
    assert {path.name for path in (tmp_path / "prepared").iterdir()} == {f"{name}.npz" for name in expected}


def test_splits_larger_than_the_training_file_are_refused(raw, tmp_path):
    with pytest.raises(StageError, match=r"train_size 50 \+ prepare.validation_size 11 is more than the 60"):
        prepare({"train_size": 50, "validation_size": 11}, raw, tmp_path / "prepared")
    assert not (tmp_path / "prepared").exists()


def test_image_and_label_counts_must_match(raw, tmp_path):
    (raw / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(59, np.uint8)))
    with pytest.raises(StageError, match=r"train-images-idx3-ubyte has 60 images but .*has 59 labels"):
        prepare({"train_size": 40, "validation_size": 10}, raw, tmp_path / "prepared")


def test_labels_must_be_digits(raw, tmp_path):
    (raw / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.full(20, 10, np.uint8)))
    with pytest.raises(StageError, match=r"t10k-labels-idx1-ubyte has label 10; digit labels are 0 to 9"):
        prepare({"train_size": 40, "validation_size": 10}, raw, tmp_path / "prepared")


def test_images_must_be_28_by_28(raw, tmp_path):
    (raw / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((20, 14, 56), np.uint8)))
    with pytest.raises(StageError, match=r"images-idx3-ubyte holds images of 14x56 pixels, expected 28x28"):
        prepare({"train_size": 40, "validation_size": 10}, raw, tmp_path / "prepared")


def test_invalid_params_stop_the_stage_before_any_work(raw, tmp_path):
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["prepare"]["validation_size"] = 0
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    (tmp_path / "data").mkdir()
    raw.rename(tmp_path / "data" / "raw")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.prepare"], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(PROJECT)},
    )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("prepare: error: params.yaml: prepare.validation_size is 0")
    assert not (tmp_path / "data" / "prepared").exists()
