"""Let the plugin's tests run from a source checkout too, installed or not."""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("codecheck_promise") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
