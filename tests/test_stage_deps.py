"""Each stage in dvc.yaml lists exactly the project source files it imports, so editing one reruns it."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
STAGES = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
LISTING = "import sys, importlib; importlib.import_module(sys.argv[1])\nfor m in list(sys.modules.values()): print(getattr(m, '__file__', None))"


def imported_sources(module):
    """The files of pipeline/ and model/ (packages' __init__ aside) that importing `module` loads."""
    done = subprocess.run([sys.executable, "-c", LISTING, module], cwd=ROOT, capture_output=True, text=True, check=True)
    files = [Path(line).resolve() for line in done.stdout.split() if line != "None"]
    return {
        f.relative_to(ROOT).as_posix() for f in files
        if f.is_relative_to(ROOT) and f.relative_to(ROOT).parts[0] in ("pipeline", "model") and f.name != "__init__.py"
    }


@pytest.mark.parametrize("stage", STAGES)
def test_deps_list_exactly_the_source_files_the_stage_imports(stage):
    module = STAGES[stage]["cmd"].removeprefix("python -m ")
    listed = {dep for dep in STAGES[stage]["deps"] if dep.endswith(".py")}
    assert listed == imported_sources(module)
