"""The code's flow runs one way: reading/ and writing/ use the model and two leaf modules, the
model uses nothing of them; only the bridge and the top level tie them to Pelican."""

import ast
from pathlib import Path

from conftest import ROOT

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
