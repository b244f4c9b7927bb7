"""Loaded by getmail in the interop tests (PYTHONPATH): works around a race in getmail6 itself.

getmail6 (Debian 6.18) installs its SIGCHLD handler only after fork(). When the per-message
delivery child exits before that, no handler ever runs and getmail waits for the socket timeout
(180 s), then fails with "waiting child pid N timed out". Whether it happens depends only on
scheduling, so the POP3S test failed now and then while the server had done its part. Here the
parent polls for its child instead of relying on the signal.
"""
import os
import socket
import time

try:
    from getmailcore import baseclasses
    from getmailcore.exceptions import getmailOperationError
except ImportError:      # not getmail: nothing to patch
    baseclasses = None


def _wait_for_child(self, childpid):
    deadline = time.monotonic() + (socket.getdefaulttimeout() or 60)
    while True:
        # Set by getmail's own handler when it did run (it reaps the child itself).
        status = getattr(self, "_ForkingBase__child_status", None)
        if status is not None:
            break
        try:
            pid, status = os.waitpid(childpid, os.WNOHANG)
        except ChildProcessError:
            continue     # the handler reaped it meanwhile: its status is set now
        if pid == childpid:
            break
        if time.monotonic() > deadline:
            raise getmailOperationError("waiting child pid %d timed out" % childpid)
        time.sleep(0.005)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    raise getmailOperationError("child pid %d did not exit normally (status %d)" % (childpid, status))


if baseclasses is not None:
    baseclasses.ForkingBase._wait_for_child = _wait_for_child
