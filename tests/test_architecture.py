"""The shape of the code (issue 15): one kernel, features that don't lean sideways.

Read from the source with ``ast`` (nothing is imported):
- the kernel imports no feature package;
- no import cycle between our modules (module-level imports);
- no module imports another package's private (``_name``) names;
- a function-level import of our own modules carries a comment saying why;
- each role name is written once in ``site/`` (``kernel/roles.py``);
- each InvenioRDM setting is assigned in one module.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "site"
PKG = "techdata"
ROLE_NAMES = ("bureau-admin", "program-manager", "data-centre-curator",
              "confidentiality-reviewer", "entity-admin", "department-admin",
              "expert-committee")


def _modules():
    """``{dotted name: (path, ast)}`` of every module of the site package."""
    out = {}
    for path in sorted((SITE / PKG).rglob("*.py")):
        rel = path.relative_to(SITE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return out


MODULES = _modules()


def _is_package(name):
    return MODULES[name][0].name == "__init__.py"


def _resolve(module, node):
    """Absolute module name of an ``ImportFrom`` in ``module``."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module, tree, top_level_only):
    """``[(target module, imported names, node, at function level)]`` of our own package."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                target = _resolve(module, child)
                if target.split(".")[0] == PKG:
                    names = [a.name for a in child.names]
                    # ``from . import x`` where x is a module
                    for name in names:
                        if f"{target}.{name}" in MODULES:
                            found.append((f"{target}.{name}", [], child, in_function))
                    found.append((target, names, child, in_function))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == PKG:
                        found.append((alias.name, [], child, in_function))
            if not (top_level_only and inner):
                visit(child, inner)

    visit(tree, False)
    return found


def _feature(module):
    """The feature package of ``techdata.<feature>...`` (None for top-level modules)."""
    parts = module.split(".")
    if len(parts) < 3 and not _is_package(module):
        return None
    return parts[1] if len(parts) > 1 else None


def test_kernel_imports_no_feature():
    """The kernel uses InvenioRDM and itself only."""
    bad = []
    for name, (path, tree) in MODULES.items():
        if not name.startswith(f"{PKG}.kernel"):
            continue
        for target, _names, node, _fn in _imports(name, tree, top_level_only=False):
            if not target.startswith(f"{PKG}.kernel"):
                bad.append(f"{path.name}:{node.lineno} imports {target}")
    assert not bad, bad


def test_no_import_cycles():
    """Module-level imports between our modules form no cycle."""
    graph = defaultdict(set)
    for name, (_path, tree) in MODULES.items():
        for target, _names, _node, in_function in _imports(name, tree, top_level_only=True):
            if not in_function and target in MODULES and target != name:
                graph[name].add(target)
    # a package's __init__ importing its own modules is no cycle of features
    cycles, state = [], {}

    def walk(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                if not all(m == nxt or m.startswith(nxt + ".") or nxt.startswith(m + ".")
                           for m in cycle):
                    cycles.append(" -> ".join(cycle))
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [])
    assert not cycles, cycles


def test_no_private_names_across_packages():
    """No module imports a ``_private`` name of another feature package."""
    bad = []
    for name, (path, tree) in MODULES.items():
        for target, names, node, _fn in _imports(name, tree, top_level_only=False):
            if _feature(target) == _feature(name):
                continue
            private = [n for n in names if n.startswith("_") and n != "_" and not n.startswith("__")]
            if private:
                bad.append(f"{name}:{node.lineno} imports {private} from {target}")
    assert not bad, bad


def test_function_level_imports_say_why():
    """A function-level import of our own modules has a comment on its line or the one above."""
    bad = []
    for name, (path, tree) in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _target, _names, node, in_function in _imports(name, tree, top_level_only=False):
            if not in_function:
                continue
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2] if node.lineno > 1 else ""
            if "#" not in here and not above.strip().startswith("#"):
                bad.append(f"{path.relative_to(SITE)}:{node.lineno}")
    assert not bad, bad


def test_role_names_written_once():
    """Each domain role name is a literal in ``kernel/roles.py`` only."""
    bad = []
    for name, (path, tree) in MODULES.items():
        if name == f"{PKG}.kernel.roles":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ROLE_NAMES:
                bad.append(f"{path.relative_to(SITE)}:{node.lineno} {node.value!r}")
    assert not bad, bad


INVENIO_KEY = re.compile(
    r"^(ACCOUNTS|APP|BABEL|CACHE|CELERY|COMMUNITIES|DATACITE|FILES|I18N|IIIF|INSTANCE|JOBS|"
    r"MAIL|NOTIFICATIONS|OAISERVER|RATELIMIT|RDM|RECORDS|REQUESTS|SEARCH|SECURITY|SESSION|"
    r"SITE|THEME|USERS|VOCABULARIES|WTF)_[A-Z0-9_]+$")
"""Names of InvenioRDM settings (our own are ``TECHDATA_*``)."""


def test_each_invenio_setting_assigned_once():
    """An InvenioRDM setting (not ``TECHDATA_*``) is assigned in one config module only."""
    where = defaultdict(list)
    for name, (path, tree) in MODULES.items():
        if not (name.endswith(".config") or name.endswith("config")):
            continue
        for node in tree.body:
            targets = []
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            for target in targets:
                if INVENIO_KEY.match(target):
                    where[target].append(name)
    twice = {k: v for k, v in where.items() if len(v) > 1}
    assert not twice, twice
