"""The data stages through the real `dvc repro prepare`: an HTTP mirror on 127.0.0.1, no npm, no internet."""

import numpy as np
import yaml

from mirror import serve
from project import SMALL, dvc, make_project

UP_TO_DATE = "Data and pipelines are up to date."


def test_repro_downloads_and_prepares_then_has_nothing_to_do(tmp_path):
    project = make_project(tmp_path)  # its PATH has no npm
    params = yaml.safe_load((project / "params.yaml").read_text())
    with serve(tmp_path / "mirror") as (url, requests):
        params["download"]["mirrors"] = [url]
        (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))

        first = dvc(project, "repro", "prepare").stdout
        assert "Running stage 'download'" in first and "Running stage 'prepare'" in first
        assert "Running stage 'train'" not in first
        assert sorted(requests) == sorted(f"/{name}.gz" for name in params["download"]["files"])
        sizes = SMALL["prepare"]
        for split, count in (("train", sizes["train_size"]), ("validation", sizes["validation_size"])):
            with np.load(project / f"data/prepared/{split}.npz") as data:
                assert data["images"].shape == (count, 784) and data["labels"].shape == (count,)
        assert {"download", "prepare"} <= set(yaml.safe_load((project / "dvc.lock").read_text())["stages"])

        requests.clear()
        second = dvc(project, "repro", "prepare").stdout
        assert UP_TO_DATE in second and "Running stage" not in second
        assert requests == []
