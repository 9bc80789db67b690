import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import os
import tempfile

# Compiled rule patterns are cached between runs (codecheck.documents.compiled): the tests keep
# theirs in a folder of their own, never in the user's ~/.cache.
os.environ.setdefault("CODECHECK_CACHE_DIR", tempfile.mkdtemp(prefix="codecheck-test-cache-"))
