"""The type check: mypy with the configuration in pyproject.toml ([tool.mypy]).

The first test runs mypy on the package (CI fails on a type error): standard checking
everywhere, strict on the store, model, catalogue and estimates. It keeps mypy's cache in
.mypy_cache, so a second run takes seconds. The second proves the check can fail, and that
it is strict where the configuration says: the same configuration on two small modules, an
unannotated function in the store and a wrong return type in the demo, must report both and
leave the demo's unannotated function alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"


def _mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(CONFIG), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_package_type_checks() -> None:
    result = _mypy(cwd=ROOT)
    assert result.returncode == 0, "mypy found type errors:\n" + result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_a_type_error_fails_the_check(tmp_path: Path) -> None:
    package = tmp_path / "socialdesk"
    for folder in (package, package / "store", package / "demo"):
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").write_text("")
    store = package / "store" / "bad.py"
    store.write_text("def total(rows):\n    return sum(rows)\n")
    demo = package / "demo" / "bad.py"
    demo.write_text(
        "def label(n: int) -> str:\n    return n\n\n\ndef loose(rows):\n    return rows\n"
    )
    result = _mypy("--cache-dir", str(tmp_path / "cache"), str(store), str(demo), cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "store/bad.py:1: error: Function is missing a type annotation" in out  # strict
    assert "demo/bad.py:2: error: Incompatible return value type" in out
    assert "demo/bad.py:5" not in out, out  # standard checking outside the strict modules
