"""Kernel managers whose kernels talk over IPC sockets, for every kernel the book starts (``cocoon run`` and scans,
the book build's executor in book/_ext/cocoon_execute.py, nbval in the tests).

With TCP, a kernel manager picks free ports and the kernel binds them a moment later: two kernels started at the
same moment (a scan's workers, the build's side-by-side chapters, the tests on two cores) can be given the same port,
and one dies with "Address already in use". IPC sockets named after the kernel's own connection file (a new name
for every kernel, in the temporary folder, short enough for a socket path) cannot collide."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager, KernelManager

__all__ = ["AsyncIPCKernelManager", "IPCKernelManager", "ipc_settings"]


def ipc_settings() -> dict[str, str]:
    """Transport, connection file and socket prefix of one new kernel (keyword arguments of a kernel manager)."""
    connection_file = Path(tempfile.gettempdir()) / f"cocoon-kernel-{uuid.uuid4().hex}.json"
    return {"transport": "ipc", "connection_file": str(connection_file), "ip": f"{connection_file.with_suffix('')}-ipc"}


class IPCKernelManager(KernelManager):
    """jupyter_client's KernelManager on IPC sockets of its own (:func:`ipc_settings`; ``kw`` may override them)."""

    def __init__(self, **kw):
        super().__init__(**{**ipc_settings(), **kw})


class AsyncIPCKernelManager(AsyncKernelManager):
    """jupyter_client's AsyncKernelManager on IPC sockets of its own (:func:`ipc_settings`)."""

    def __init__(self, **kw):
        super().__init__(**{**ipc_settings(), **kw})
