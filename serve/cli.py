"""`predict IMAGE...`: the digit in each image, as the exported network reads it."""

import json
import sys
from itertools import islice
from pathlib import Path

import click
import numpy as np
from PIL import Image

from pipeline.files import atomic_path
from serve import runtime
from serve.images import BadInput, expand, read
from serve.preprocess import to_mnist

BATCH = 1024   # images per onnxruntime run: one run per image would dominate a big folder


@click.command()
@click.argument("images", nargs=-1, required=True, metavar="IMAGE...")
@click.option("--model", envvar="DIGITNET_MODEL", default="artifacts/model.onnx", show_default=True, metavar="FILE",
              help="ONNX model written by the export stage (or set DIGITNET_MODEL).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per image (schema above).")
@click.option("--top-k", type=click.IntRange(1, 10), default=1, show_default=True,
              help="How many of the best digits to give, best first.")
@click.option("--save-preprocessed", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write the 28x28 image the network saw for each input to DIR/<name>.png "
                   "(<name>-2.png, ... if names repeat; none for a blank image).")
def predict(images, model, as_json, top_k, save_preprocessed):
    """Print the digit in each IMAGE: a PNG, JPEG or other image file, a folder (its
    image files), or - for image bytes on standard input. Each image is made to look
    like an MNIST digit first (light ink on black, fitted to 20x20, centred in 28x28).

    \b
    Output, one line per image:   PATH: DIGIT (SCORE)[, DIGIT (SCORE)...]
    or                            PATH: blank (no ink found)
    Scores are the network's sigmoid outputs in [0,1], not probabilities.

    \b
    With --json, one object per line per image:
      {"path": str, "blank": bool,
       "digit": int | null, "score": float | null,      best digit and its score
       "top": [{"digit": int, "score": float}, ...],    --top-k best, best first ([] if blank)
       "scores": [float x 10] | null}                   index = digit

    A bad input gets one line on stderr and the others are still classified;
    the exit status is 1 if any input (or the model) failed, else 0.
    """
    try:
        session = runtime.load(model)
    except runtime.ModelError as error:
        click.echo(f"predict: error: model {error}", err=True)
        sys.exit(1)
    saved, failed = set(), False
    examined = examine(images)
    while chunk := list(islice(examined, BATCH)):
        digits = [result for _, result in chunk if isinstance(result, np.ndarray)]
        rows = iter(runtime.scores(session, np.stack(digits).reshape(len(digits), -1)) if digits else [])
        for name, result in chunk:
            if isinstance(result, BadInput):
                click.echo(f"predict: error: {name}: {result}", err=True)
                failed = True
                continue
            click.echo(line(name, None if result is None else next(rows), top_k, as_json))
            if save_preprocessed and result is not None:
                try:
                    save(result, save_preprocessed, name, saved)
                except OSError as error:
                    click.echo(f"predict: error: {name}: cannot save the preprocessed image "
                               f"in {save_preprocessed}: {error.strerror}", err=True)
                    failed = True
    sys.exit(1 if failed else 0)


def examine(names):
    """Yield (name, 28x28 image) per image, with None for a blank one and a BadInput for a bad one."""
    for name in names:
        try:
            members = expand(name)
        except BadInput as problem:
            yield name, problem
            continue
        for member in members:
            try:
                yield member, to_mnist(read(member))
            except BadInput as problem:
                yield member, problem


def line(name, scores, top_k, as_json):
    """The output line for one image; `scores` are its ten outputs, None if it is blank."""
    best = [] if scores is None else [int(d) for d in np.argsort(-scores, kind="stable")[:top_k]]
    if as_json:
        return json.dumps({
            "path": name,
            "blank": scores is None,
            "digit": best[0] if best else None,
            "score": round(float(scores[best[0]]), 6) if best else None,
            "top": [{"digit": d, "score": round(float(scores[d]), 6)} for d in best],
            "scores": None if scores is None else [round(float(s), 6) for s in scores],
        })
    if scores is None:
        return f"{name}: blank (no ink found)"
    return f"{name}: " + ", ".join(f"{d} ({scores[d]:.3f})" for d in best)


def save(digit, folder, name, saved):
    """Write `digit` as an 8-bit PNG in `folder`, named after the input; `saved` holds names taken."""
    stem = "stdin" if name == "-" else Path(name).stem
    unique, n = stem, 1
    while unique in saved:
        n += 1
        unique = f"{stem}-{n}"
    saved.add(unique)
    with atomic_path(Path(folder) / f"{unique}.png") as temporary:
        Image.fromarray(np.round(digit * 255).astype(np.uint8)).save(temporary, "PNG")
