"""Applies ``windows_shim`` at start-up of every interpreter when DISPATCH_WINDOWS_SHIM=1 (see there)."""
import os

if os.environ.get("DISPATCH_WINDOWS_SHIM") == "1":
    import windows_shim

    windows_shim.apply()
