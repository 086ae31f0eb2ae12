"""Start-up of a single build, beside the import of python-docx, in one run.

    python benchmarks/startup.py [--input inputs/seeds/002-huu-lung-2024.yaml] [--repeat 15] [--installed]

Times, interleaved (one of each per round, so a change in the machine's load hits all alike):
(a) ``python -m generator build INPUT -o TEMP --force``, a whole cold process, (b)
``python -c "import docx"``, and (c) the packages alone: a process that imports every module of another
package the build imported (found by running the build once; not ours, not the standard library's, which
come as those packages need them) and builds and uses one pydantic model: what no work of ours can take off
a build's start-up; and (d) the four of them no build can do without (``_FOUR``: Jinja, the template language;
click, the command; pydantic, the validation; PyYAML, the input's format), with that one model. Bytecode is
cached first: ``PYTHONDONTWRITEBYTECODE`` is dropped and the bytecode goes to a temporary
``PYTHONPYCACHEPREFIX`` (the repository is not written to), one warm-up run of each fills it; the same run
fills the compiled-template cache (``render.sandbox.CodeCache``), kept in a temporary folder too
(``XDG_CACHE_HOME``, ``LOCALAPPDATA``), not the user's. So (a) is a build as a clerk runs it every day;
the first build after installing, or after editing a template, also compiles that template once. Prints the
median and the minimum of each, in milliseconds, and the ratio; the last line is
``startup_ms build=B import_docx=D ratio=B/D`` (the packages' figures on the lines before it).

The ``generator`` timed is this checkout's (the commands run in the repository's folder, which ``-m`` puts
first on the path), whichever Python runs the benchmark. With ``--installed`` they run in an empty folder, so
the one timed is what that Python has installed: ``venv/bin/python benchmarks/startup.py --installed`` times
a build as a clerk's own environment runs it (``pip install .``). The first line says which was timed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


_LISTED = """
import sys
sys.argv = {argv!r}
from generator.cli import main
try:
    main()
except SystemExit:
    pass
print("\\nMODULES", *sorted(sys.modules))
"""
_ONE_MODEL = "pydantic.create_model('M', x=(int, ...)).model_validate({'x': 1})"
# (d): the packages without which there is no build: the guide names Jinja, click and pydantic, and the input is YAML
_FOUR = f"import jinja2, click, yaml, pydantic\n{_ONE_MODEL}\n"


def _packages_alone(build: list[str], env: dict[str, str], cwd: Path) -> str:
    """The code of (c): every module of another package a build imports (not ours, not the standard library's:
    those the packages need come with them), imported; one pydantic model made and used. Asked after a first
    build, which keeps the compiled templates (the very first one also loads docxtpl to make them)."""
    argv = ["dispatch", *build[3:]]  # build: [python, -m, generator, build, …]
    out = subprocess.run([sys.executable, "-c", _LISTED.format(argv=argv)], cwd=cwd, env=env, check=True,
                         capture_output=True, text=True, encoding="utf-8").stdout
    listed = out.rsplit("\nMODULES ", 1)[1].split()
    names = [n for n in listed if n.split(".")[0] not in (*sys.stdlib_module_names, "generator", "__main__")
             and all(part.isidentifier() for part in n.split("."))]
    imports = "\n".join(f"try:\n    import {n}\nexcept Exception:\n    pass" for n in names)
    return f"{imports}\nimport pydantic\n{_ONE_MODEL}\n"


def main() -> None:
    from generator.cli import safe_streams  # lazy: Vietnamese output on any console (cp1252 on Windows)

    safe_streams()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=ROOT / "inputs" / "seeds" / "002-huu-lung-2024.yaml")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--installed", action="store_true",
                        help="time the generator this Python has installed, not this checkout's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dispatch-startup-") as tmp:
        cwd = Path(tmp) / "run" if args.installed else ROOT
        cwd.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["XDG_CACHE_HOME"] = env["LOCALAPPDATA"] = str(Path(tmp) / "cache")  # the compiled templates
        build = [sys.executable, "-m", "generator", "build", str(args.input.resolve()), "-o",
                 str(Path(tmp) / "letter.docx"), "--force"]
        docx = [sys.executable, "-c", "import docx"]
        timed = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=cwd, env=env,
                               check=True, capture_output=True, text=True).stdout.strip()
        print(f"generator timed: {Path(timed).parent} ({sys.executable})")
        _time(build, env, cwd), _time(docx, env, cwd)  # warm-up: bytecode cached, the files in the OS cache
        packages = [sys.executable, "-c", _packages_alone(build, env, cwd)]  # after it: a build as every day
        _time(packages, env, cwd)
        four = [sys.executable, "-c", _FOUR]
        _time(four, env, cwd)
        builds, imports, alone, fours = [], [], [], []
        for _ in range(args.repeat):
            builds.append(_time(build, env, cwd))
            imports.append(_time(docx, env, cwd))
            alone.append(_time(packages, env, cwd))
            fours.append(_time(four, env, cwd))
    b, d, p, f = (statistics.median(x) for x in (builds, imports, alone, fours))
    print(f"dispatch build {args.input.name}: median {b:.0f} ms, min {min(builds):.0f} ms ({args.repeat} runs)")
    print(f"python -c 'import docx':  median {d:.0f} ms, min {min(imports):.0f} ms ({args.repeat} runs)")
    print(f"chỉ các gói bên ngoài mà lệnh build nạp: median {p:.0f} ms, min {min(alone):.0f} ms "
          f"({p / d:.2f} × import docx)")
    print(f"chỉ jinja2, click, pydantic, PyYAML: median {f:.0f} ms, min {min(fours):.0f} ms "
          f"({f / d:.2f} × import docx)")
    print(f"startup_ms build={b:.0f} import_docx={d:.0f} ratio={b / d:.2f}")


if __name__ == "__main__":
    main()
