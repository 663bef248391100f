"""`predict`: people's images in, the network's digits out; each bad input is one line on stderr."""

import io
import json
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from drawn import forward, mnist_like, png, random_network, seven, write_model
from serve import cli, runtime
from serve.images import BadInput, read
from serve.preprocess import to_mnist

ROOT = Path(__file__).resolve().parents[1]
PREDICT = Path(sys.executable).parent / "predict"
LINE = re.compile(r"(?P<path>.+): (?P<digit>\d) \((?P<score>[01]\.\d{3})\)")


@pytest.fixture(scope="module")
def network():
    return random_network([784, 16, 10])


@pytest.fixture(scope="module")
def model(tmp_path_factory, network):
    return write_model(tmp_path_factory.mktemp("model") / "model.onnx", *network)


@pytest.fixture(scope="module")
def digits():
    """MNIST-style 28x28 digits: taken as they are, so the network's scores for them are known."""
    return mnist_like(np.random.default_rng(1), 12)


@pytest.fixture
def folder(tmp_path, digits):
    """A folder of the digits as PNGs, and a text file that is no image."""
    (tmp_path / "digits").mkdir()
    for i, digit in enumerate(digits):
        Image.fromarray(digit).save(tmp_path / "digits" / f"{i:02d}.png")
    (tmp_path / "digits" / "notes.txt").write_text("not an image")
    return tmp_path / "digits"


def expected_scores(network, digits):
    return forward(*network, digits.reshape(len(digits), -1) / np.float32(255))


def predict(model, *args, input=None, env=None):
    """Run `predict --model MODEL ARGS...` in-process; return click's result (stdout and stderr apart)."""
    return CliRunner(env=env).invoke(cli.predict, ["--model", str(model), *map(str, args)], input=input)


def test_each_image_in_a_folder_gets_the_networks_digit_and_score(model, network, folder, digits):
    result = predict(model, folder)
    assert result.exit_code == 0 and result.stderr == ""
    lines = [LINE.fullmatch(line) for line in result.stdout.splitlines()]
    expected = expected_scores(network, digits)
    assert [m["path"] for m in lines] == [str(folder / f"{i:02d}.png") for i in range(12)]   # sorted, no notes.txt
    assert [int(m["digit"]) for m in lines] == list(expected.argmax(axis=1))
    np.testing.assert_allclose([float(m["score"]) for m in lines], expected.max(axis=1), atol=6e-4)


def test_top_k_gives_the_k_best_digits_best_first(model, network, folder, digits):
    result = predict(model, "--top-k", 3, folder / "00.png")
    pairs = re.findall(r"(\d) \(([01]\.\d{3})\)", result.stdout)
    expected = expected_scores(network, digits[:1])[0]
    assert [int(d) for d, _ in pairs] == list(np.argsort(-expected)[:3])


def test_json_gives_one_object_per_image_with_all_ten_scores(model, network, folder, digits, tmp_path):
    Image.new("L", (40, 40), 255).save(tmp_path / "blank.png")
    result = predict(model, "--json", "--top-k", 4, folder / "03.png", folder / "07.png", tmp_path / "blank.png")
    assert result.exit_code == 0
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["path"] for o in objects] == [str(folder / "03.png"), str(folder / "07.png"), str(tmp_path / "blank.png")]
    keys = {"path", "blank", "digit", "score", "top", "scores"}
    for o, expected in zip(objects, expected_scores(network, digits[[3, 7]])):
        assert set(o) == keys and o["blank"] is False
        assert len(o["scores"]) == 10 and all(isinstance(s, float) for s in o["scores"])
        np.testing.assert_allclose(o["scores"], expected, atol=1e-5)
        assert o["digit"] == int(expected.argmax()) and o["score"] == o["scores"][o["digit"]]
        assert o["top"] == [{"digit": int(d), "score": o["scores"][d]} for d in np.argsort(-np.array(o["scores"]))[:4]]
    assert objects[2] == {"path": str(tmp_path / "blank.png"), "blank": True, "digit": None, "score": None,
                          "top": [], "scores": None}


def test_a_blank_image_is_reported_as_blank_not_guessed(model, tmp_path):
    Image.new("RGB", (60, 40), "white").save(tmp_path / "paper.jpg")
    result = predict(model, tmp_path / "paper.jpg")
    assert result.exit_code == 0 and result.stdout == f"{tmp_path / 'paper.jpg'}: blank (no ink found)\n"


def test_many_images_are_classified_in_batches_not_one_run_each(model, folder, monkeypatch):
    whole = predict(model, folder).stdout
    runs = []
    scores = runtime.scores
    monkeypatch.setattr(runtime, "scores", lambda session, images: runs.append(len(images)) or scores(session, images))
    monkeypatch.setattr(cli, "BATCH", 5)
    assert predict(model, folder).stdout == whole
    assert runs == [5, 5, 2]


def test_image_bytes_on_stdin(model, network, digits):
    result = predict(model, "-", input=png(Image.fromarray(digits[0])))
    match = LINE.fullmatch(result.stdout.strip())
    assert match["path"] == "-" and int(match["digit"]) == expected_scores(network, digits[:1]).argmax()


def test_save_preprocessed_writes_what_the_network_saw(model, folder, tmp_path):
    seven().save(tmp_path / "seven.jpg")
    seven(ink=255, paper=0).save(folder / "seven.png")   # the same stem again: saved as seven-2.png
    out = tmp_path / "seen"
    result = predict(model, "--save-preprocessed", out, tmp_path / "seven.jpg", folder / "seven.png", folder / "00.png")
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["00.png", "seven-2.png", "seven.png"]
    saved = Image.open(out / "seven.png")
    assert saved.size == (28, 28) and saved.mode == "L"
    np.testing.assert_array_equal(np.asarray(saved), np.round(to_mnist(Image.open(tmp_path / "seven.jpg")) * 255))
    again = predict(model, out / "seven.png", out / "seven-2.png", out / "00.png").stdout.splitlines()
    assert [line.split(": ")[1] for line in again] == [line.split(": ")[1] for line in result.stdout.splitlines()]


def test_the_model_comes_from_the_option_else_the_environment_else_the_project(model, folder, tmp_path, monkeypatch):
    first = predict(model, folder / "00.png").stdout
    environment = CliRunner(env={"DIGITNET_MODEL": str(model)}).invoke(cli.predict, [str(folder / "00.png")])
    assert environment.stdout == first
    monkeypatch.chdir(tmp_path)
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts" / "model.onnx").write_bytes(model.read_bytes())
    assert CliRunner(env={"DIGITNET_MODEL": None}).invoke(cli.predict, [str(folder / "00.png")]).stdout == first


# Bad input: one line on stderr naming the file and the problem; the good images are still classified.

def png_claiming(width, height):
    """A PNG whose header claims width x height pixels (a decompression bomb is small on disk)."""
    data = png(Image.new("L", (1, 1)))
    header = struct.pack(">II", width, height) + data[24:29]
    return data[:16] + header + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + data[33:]


def animated_gif():
    frames = [Image.new("L", (30, 30), level) for level in (0, 255)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


BAD = {
    "missing.png": (None, "no such file"),
    "empty.png": (b"", "empty file"),
    "truncated.png": (png(seven())[:400], "truncated or corrupt image data"),
    "truncated.jpg": (jpeg(seven())[:600], "truncated or corrupt image data"),
    "notes.png": (b"these are my notes, not a picture\n", "not an image"),
    "drawing.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L9 9"/></svg>', "unsupported image format (SVG)"),
    "bomb.png": (png_claiming(100_000, 100_000), "too many pixels (limit 50,000,000)"),
    "large.png": (png_claiming(8_000, 8_000), "too many pixels"),   # over the limit, under twice it
    "animated.gif": (animated_gif(), "animated image (2 frames)"),
    "tiny.png": (png(Image.new("L", (5, 7))), "5x7 pixels is too small to hold a digit"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_input_is_one_line_naming_it_and_the_rest_are_classified(model, folder, tmp_path, name):
    content, problem = BAD[name]
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = predict(model, folder / "00.png", tmp_path / name, folder / "01.png")
    assert result.exit_code == 1
    assert result.stderr == f"predict: error: {tmp_path / name}: {problem}" + result.stderr.split(problem, 1)[1]
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert [LINE.fullmatch(line)["path"] for line in result.stdout.splitlines()] == [str(folder / "00.png"), str(folder / "01.png")]


def test_a_folder_without_images_is_one_line(model, folder, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("no images here")
    result = predict(model, tmp_path / "empty", folder / "00.png")
    assert result.exit_code == 1 and len(result.stdout.splitlines()) == 1
    assert result.stderr == f"predict: error: {tmp_path / 'empty'}: folder holds no image files (by extension: .png, .jpg, ...)\n"


def test_nothing_on_stdin_is_one_line(model):
    result = predict(model, "-", input=b"")
    assert result.exit_code == 1 and result.stderr == "predict: error: -: nothing on standard input\n"


def model_with_input(tmp_path, pixels):
    return write_model(tmp_path / "other.onnx", *random_network([pixels, 4, 10]))


@pytest.mark.parametrize("make, problem", [
    (lambda tmp_path: tmp_path / "nowhere.onnx", "no such model file; run `dvc repro export`, or pass --model or set DIGITNET_MODEL"),
    (lambda tmp_path: (tmp_path / "junk.onnx").write_bytes(b"\x08junk" * 50) and tmp_path / "junk.onnx", "not a loadable ONNX model ("),
    (lambda tmp_path: model_with_input(tmp_path, 100), "not a digitnet model (expected input image [N, 784]"),
])
def test_a_missing_or_corrupt_model_is_one_line_and_nothing_is_classified(folder, tmp_path, make, problem):
    path = make(tmp_path)
    result = predict(path, folder)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"predict: error: model {path}: {problem}") and len(result.stderr.splitlines()) == 1


SAMPLES = [png(seven()), jpeg(seven()), animated_gif(), png(Image.new("P", (20, 20)))]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_damaged_files_are_refused_with_a_reason_or_read(tmp_path_factory, sample, data):
    """Truncated or corrupted bytes of real images never escape as anything but BadInput."""
    cut = data.draw(st.integers(0, len(sample)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(sample) - 1), st.integers(0, 255)), max_size=4))
    damaged = bytearray(sample[:cut])
    for at, value in flips:
        if at < len(damaged):
            damaged[at] = value
    path = tmp_path_factory.mktemp("fuzz") / "damaged"
    path.write_bytes(bytes(damaged))
    try:
        image = read(str(path))
    except BadInput as problem:
        assert str(problem) and "\n" not in str(problem)
    else:
        field = to_mnist(image)
        assert field is None or field.shape == (28, 28)


# As installed: the console script in a real process.

def test_the_installed_command_classifies_and_reports_bad_input(model, folder, tmp_path):
    done = subprocess.run([PREDICT, "--model", model, folder / "00.png", tmp_path / "missing.png"],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert LINE.fullmatch(done.stdout.strip())["path"] == str(folder / "00.png")
    assert done.stderr == f"predict: error: {tmp_path / 'missing.png'}: no such file\n"


def test_help_needs_no_onnxruntime():
    """`predict --help` is instant because onnxruntime is imported only to predict."""
    done = subprocess.run([sys.executable, "-c", "import sys\nfrom serve.cli import predict\n"
                           "print('onnxruntime' in sys.modules, 'model' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]   # and serve/ never loads model/
    assert subprocess.run([PREDICT, "--help"], capture_output=True, text=True).stdout.startswith("Usage: predict")


REAL = [ROOT / "data/prepared/test.npz", ROOT / "artifacts/weights.npz", ROOT / "artifacts/model.onnx"]


@pytest.mark.skipif(not all(p.exists() for p in REAL), reason="needs the pipeline's outputs (dvc repro)")
def test_predict_on_pngs_of_real_test_digits_agrees_with_the_evaluate_stage(tmp_path):
    from pipeline.weights import load

    with np.load(REAL[0]) as test:
        images = test["images"][:1000]
    network, _ = load(REAL[1])
    for i, pixels in enumerate(images):
        Image.fromarray(np.round(pixels * 255).astype(np.uint8).reshape(28, 28)).save(tmp_path / f"{i:04d}.png")
    result = predict(REAL[2], "--json", tmp_path)
    assert result.exit_code == 0
    predicted = [json.loads(line)["digit"] for line in result.stdout.splitlines()]
    assert predicted == list(network.forward(images).argmax(axis=1))
