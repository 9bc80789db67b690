"""No data leaves the machine: codecheck imports no network library (SECURITY.md)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "codecheck"
NETWORK = {"socket", "ssl", "http.client", "urllib.request", "urllib3", "requests", "httpx", "aiohttp", "ftplib",
           "smtplib", "telnetlib", "xmlrpc.client", "webbrowser"}


def test_no_module_imports_a_network_library():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name in NETWORK or any(name.startswith(n + ".") for n in NETWORK):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {name}")
    assert not found, found
