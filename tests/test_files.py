"""A stage's file appears whole or not at all, and an old one survives a failed rewrite."""

import json

import pytest

from pipeline.files import atomic_path, write_csv, write_json


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "reports" / "train.json"
    write_json(path, {"epochs": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(path) as temporary:
            temporary.write_text('{"epo')
            raise RuntimeError("killed halfway")
    assert json.loads(path.read_text()) == {"epochs": 1}
    assert sorted(p.name for p in path.parent.iterdir()) == ["train.json"]


def test_the_temporary_keeps_the_suffix_and_the_folder(tmp_path):
    with atomic_path(tmp_path / "new" / "weights.npz") as temporary:
        assert temporary.parent == tmp_path / "new" and temporary.suffix == ".npz"
        temporary.write_bytes(b"x")
    assert (tmp_path / "new" / "weights.npz").read_bytes() == b"x"


def test_csv_and_json_contents(tmp_path):
    write_csv(tmp_path / "c.csv", ["epoch", "error"], [(0, 0.5), (1, 0.25)])
    assert (tmp_path / "c.csv").read_text() == "epoch,error\n0,0.5\n1,0.25\n"
    write_json(tmp_path / "m.json", {"a": [1, 2]})
    assert json.loads((tmp_path / "m.json").read_text()) == {"a": [1, 2]}
