"""What the in-process stage benchmarks share (provenance_speed, staleness_speed): their
command line and the pages they time, read once with the public ingest API.

Why in process: these benchmarks time one stage's functions on pages already read, in CPU
seconds, so a loaded machine does not blur the figures as wall time through the CLI does.
"""

from __future__ import annotations

import argparse
from typing import Any


def stage_arguments(doc: str | None) -> argparse.Namespace:
    """``folder``, ``--pages`` (the first N pages only; 0: all) and ``--rounds``."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--pages", type=int, default=0, help="read only the first N pages (0: all)")
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def read_documents(folder: str, pages: int, config: Any) -> list[Any]:
    """The readable documents of ``folder`` (skipped inputs left out), the first ``pages``
    only when it is above 0."""
    from dedupe_audit.ingest.inputs import iter_inputs
    from dedupe_audit.model import Skipped

    documents = []
    for item in iter_inputs([folder], config):
        if not isinstance(item, Skipped):
            documents.append(item)
            if pages and len(documents) >= pages:
                break
    return documents
