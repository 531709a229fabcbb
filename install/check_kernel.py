"""Starts an installed kernelspec once through jupyter_client and checks that `1+1` gives 2.
   python3 check_kernel.py NAME EXPECTED_DIR      (install.sh runs it; prints one line, exit 1 on failure)"""
import os
import sys
import tempfile
import time

import jupyter_client
from jupyter_client.kernelspec import KernelSpecManager

name, expected_dir = sys.argv[1], sys.argv[2]
spec_dir = KernelSpecManager().find_kernel_specs().get(name)
if spec_dir is None or os.path.realpath(spec_dir) != os.path.realpath(expected_dir):
    sys.exit("Jupyter finds kernel '%s' at %s, not at the installed %s (another kernelspec of that name "
             "comes first on JUPYTER_PATH?)" % (name, spec_dir, expected_dir))
err = tempfile.TemporaryFile()
km = jupyter_client.KernelManager(kernel_name=name)
t0 = time.time()
try:
    km.start_kernel(stderr=err)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=90)
        results = []
        reply = kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: results.append(m))
        values = [m["content"]["data"].get("text/plain") for m in results if m["msg_type"] == "execute_result"]
        if reply["content"]["status"] != "ok" or values != ["2"]:
            raise RuntimeError("`1+1` gave %s %s" % (reply["content"].get("status"), values or reply["content"]))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
except Exception as e:  # whatever went wrong, say it and show the kernel's own stderr
    err.seek(0)
    log = err.read().decode("utf-8", "replace").strip()
    print("the kernel did not answer `1+1`: %s%s" % (e, ("\nkernel stderr:\n" + log[-3000:]) if log else ""),
          file=sys.stderr, flush=True)
    os._exit(1)  # skips jupyter_client's noisy destructors at interpreter exit
print("checked: `1+1` gave 2, %.1f s after start" % (time.time() - t0), flush=True)
os._exit(0)
