"""descend.show_config(): how descend was built and what it runs on this machine."""

from __future__ import annotations

import platform
import sys
from typing import Any, TextIO

import numpy as np

from . import _core

__all__ = ["show_config"]


def show_config(file: TextIO | None = None) -> dict[str, Any]:
    """Print how descend was built and which code path and threads it uses here.

    Parameters
    ----------
    file : text stream, optional
        Where to print (default: ``sys.stdout``).

    Returns
    -------
    dict
        ``version``, ``compiler``, ``build_type``, ``compile_flags``, ``runtime_dispatch``
        (the hot kernels are compiled for AVX2/FMA and for baseline x86-64, and the loader
        picks one by this CPU), ``code_path`` (the one this CPU runs), ``cpu_features``,
        ``threads`` (what ``n_threads=None`` uses on a large enough pass),
        ``parallel_min_entries`` (from how many entries of X a gradient pass does),
        ``parallel_min_elements`` (from how many elements an update step does), and the ``python``,
        ``numpy`` and ``machine`` it runs with.

    Examples
    --------
    >>> import io, descend
    >>> config = descend.show_config(file=io.StringIO())
    >>> config["threads"] >= 1
    True
    """
    config: dict[str, Any] = dict(_core.build_config())
    config["compile_flags"] = " ".join(str(config["compile_flags"]).split())
    config["cpu_features"] = dict(config["cpu_features"])
    config["python"] = platform.python_version()
    config["numpy"] = np.__version__
    config["machine"] = platform.machine()
    features = ", ".join(name for name, present in config["cpu_features"].items() if present)
    lines = [
        f"descend {config['version']}",
        f"  compiler:      {config['compiler']} ({config['build_type']})",
        f"  flags:         {config['compile_flags']}",
        f"  code path:     {config['code_path']}"
        + ("" if config["runtime_dispatch"] else " [no runtime dispatch]"),
        f"  CPU features:  {features or 'none detected'} ({config['machine']})",
        f"  threads:       {config['threads']} (n_threads=None, from "
        f"{config['parallel_min_entries']:,} entries of X, or "
        f"{config['parallel_min_elements']:,} elements of an update)",
        f"  python {config['python']}, numpy {config['numpy']}",
    ]
    print("\n".join(lines), file=sys.stdout if file is None else file)
    return config
