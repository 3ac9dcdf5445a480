"""The import-linter contract in pyproject.toml: imports run one way, top to bottom.

The first test runs the contracts on the real package (CI fails when a module imports a layer
above it, or a face reads a skill's queries). The others prove each contract can fail: the same
contract on a copy of the package in which the model imports the web app, or a web route
imports a skill's queries, must report it broken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "socialdesk"
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    assert LINT.exists(), "lint-imports is missing: run ./scripts/setup (dev extras)"
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT), "--no-cache", "--no-logo", str(config)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_package_keeps_its_layers() -> None:
    result = _lint(ROOT / "pyproject.toml", ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def _broken(tmp_path: Path, contract_id: str, module: str, line: str) -> str:
    """Run one contract on a copy of the package with `line` added to `module`'s file."""
    copy = tmp_path / "src" / "socialdesk"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}\n")
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in settings["contracts"] if c["id"] == contract_id)
    lines = [
        "[tool.importlinter]",
        f'root_package = "{settings["root_package"]}"',
        "[[tool.importlinter.contracts]]",
        *(f"{key} = {_toml(value)}" for key, value in contract.items()),
    ]
    config = tmp_path / "pyproject.toml"
    config.write_text("\n".join(lines) + "\n")
    result = _lint(config, tmp_path, tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    return result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    out = _broken(tmp_path, "layers", "model.py", "import socialdesk.web.app  # upward")
    assert "socialdesk.model -> socialdesk.web.app" in out


def test_a_face_reading_queries_breaks_the_seams(tmp_path: Path) -> None:
    out = _broken(
        tmp_path, "faces-through-seams", "web/routes/ads.py", "from socialdesk.ads import queries"
    )
    assert "socialdesk.web.routes.ads -> socialdesk.ads.queries" in out


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
