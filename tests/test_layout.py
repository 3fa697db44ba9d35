"""The code's flow runs one way: reading/ and writing/ use the model and two leaf modules, the
model uses nothing of them; only the bridge and the top level tie them to Pelican."""

import ast
from pathlib import Path

from conftest import ROOT
from tracker.settings import INTERNAL, SCHEMA

PLUGIN = ROOT / "plugins/tracker"
LEAVES = {"problems", "workers"}  # top-level modules that import nothing of the tracker


def tracker_imports(path: Path) -> set[str]:
    """The tracker modules a file imports at run time (not those only a type checker reads)."""
    package = path.relative_to(PLUGIN.parent).with_suffix("").parts[:-1]
    found, tree = set(), ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []  # read by the type checker only
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found |= {module} if node.module else {f"{module}.{a.name}" for a in node.names}
    return found


def test_imports_run_one_way():
    leaves = {f"tracker.{leaf}" for leaf in LEAVES}
    for layer in ("model", "reading", "writing"):
        for path in sorted((PLUGIN / layer).rglob("*.py")):
            for module in tracker_imports(path):
                top = module.split(".")[1] if module.count(".") else ""
                if layer == "model":
                    assert top == "model" or module in leaves, f"{path.relative_to(ROOT)} imports {module}"
                else:
                    assert top in ("model", layer) or module in leaves, (
                        f"{path.relative_to(ROOT)} imports {module}"
                    )
    for leaf in LEAVES:
        assert not tracker_imports(PLUGIN / f"{leaf}.py"), leaf


# Settings whose values are URL or file patterns, looked up by kind (`PROVINCE_URL`, `TRACKER_FEED_RSS`).
PATTERN = ("_URL", "_SAVE_AS", "_RSS", "_ATOM", "_JSON")
# Modules that read the settings mapping before a build has its typed settings: the checks, the
# typed settings themselves, the command line, the bridge's merge of defaults and the session's mode.
BEFORE_A_BUILD = {"settings.py", "model/config.py", "cli.py", "bridge.py", "session.py"}


def test_the_build_reads_its_own_settings_typed_not_by_key():
    """A tracker setting that is not a URL pattern is read from the build's `TrackerSettings`."""
    read_by_key = []
    for path in sorted(PLUGIN.rglob("*.py")):
        if str(path.relative_to(PLUGIN)) in BEFORE_A_BUILD:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            key = None
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                key = node.slice.value
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get" and node.args:
                key = getattr(node.args[0], "value", None)
            if key in SCHEMA.keys() | INTERNAL and key.startswith("TRACKER_") and not key.endswith(PATTERN):
                read_by_key.append(f"{path.relative_to(ROOT)}:{node.lineno}: {key}")
    assert read_by_key == []
