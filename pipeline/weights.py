"""artifacts/weights.npz: a trained network and the params that made it.

Only this module reads or writes the file. It holds `sizes` (int64), `weights_<l>`
and `biases_<l>` for l = 0..L-1, and `params`, the params as JSON in a 0-d str array.
"""

import json
import zipfile
from pathlib import Path

import numpy as np

from model.network import Network
from pipeline.files import atomic_path
from pipeline.stage import StageError

WEIGHTS = Path("artifacts/weights.npz")


def save(path, network, params):
    """Write `network` and `params` to `path`, atomically."""
    arrays = {"sizes": np.array(network.sizes, dtype=np.int64), "params": np.array(json.dumps(params))}
    for l, (w, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"weights_{l}"], arrays[f"biases_{l}"] = w, b
    with atomic_path(path) as temporary:
        np.savez(temporary, **arrays)


def load(path=WEIGHTS):
    """Return (network, params) as saved in `path`, or raise StageError saying what is wrong."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as stored:
            sizes = stored["sizes"].tolist()
            layers = range(len(sizes) - 1)
            weights = [stored[f"weights_{l}"] for l in layers]
            biases = [stored[f"biases_{l}"] for l in layers]
            params = json.loads(stored["params"].item())
        network = Network.from_arrays(weights, biases, loss=params["model"]["loss"])
    except FileNotFoundError:
        raise StageError(f"{path} not found; run `dvc repro train` first") from None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        raise StageError(f"{path} is not a weights file written by the train stage ({error}); run `dvc repro train` again") from None
    if network.sizes != sizes:
        raise StageError(f"{path} says sizes {sizes} but holds arrays of sizes {network.sizes}; run `dvc repro train` again")
    return network, params
