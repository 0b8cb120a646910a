"""Linux: the bridge as child subreaper, so that processes which left the job's process group
(setsid, double fork) are re-parented to the bridge instead of init when their parent dies, and
can be ended with the job. Elsewhere nothing here does anything: only the job's process group is
ended (README, 'Cancelling')."""

from __future__ import annotations

import os
import re
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
# The SDK's own service process is a child of the bridge too, and stays.
_SDK_SERVICE = re.compile(r"wandb-core|wandb[/ ]+service|wandb_internal|-m wandb ")


def become_subreaper():
    """True when the kernel agreed (Linux 3.4+)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


def children(zombies=False):
    """The bridge's children from /proc: the live ones, or those that ended and wait to be reaped."""
    me = os.getpid()
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        state, ppid = stat[stat.rfind(")") + 2 :].split()[:2]  # after "pid (comm) "
        if int(ppid) == me and (state == "Z") == zombies:
            found.append(int(name))
    return found


def is_sdk_service(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return True  # gone, or not ours to judge
    return bool(_SDK_SERVICE.search(cmdline))


def end_escaped(keep, seconds=2.0):
    """SIGKILL every child of the bridge but `keep` and the SDK's service, and whatever is
    re-parented to the bridge as they die, for up to `seconds`. Returns how many were ended."""
    ended = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        strays = [pid for pid in children() if pid not in keep and not is_sdk_service(pid)]
        reap(keep)
        if not strays:
            break
        for pid in strays:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            ended += 1
        time.sleep(0.05)
        reap(keep)
    return ended


def reap(keep):
    """Collect the exit status of re-parented children that have ended (the job's own, in `keep`,
    is left to its Popen)."""
    for pid in children(zombies=True):
        if pid in keep:
            continue
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
