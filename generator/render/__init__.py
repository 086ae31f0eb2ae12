"""Stage 4: fill the Word template with a ``Letter`` (compiled once, sandboxed) and append annexes."""
