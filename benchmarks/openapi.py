"""Cost of classifying a large real OpenAPI pair, against the floor of parsing it.

Uses GitHub's REST API description from the npm package ``@octokit/openapi``
(fetched once with ``npm pack`` into ``benchmarks/.cache/``, which git ignores)
and prints, in one run:

* for the JSON pairs 23.0.0 -> 23.0.1 and 22.0.0 -> 23.0.0: the wall and CPU time
  and peak memory of the full classification, the floor and their ratio
  (target <= 3). The floor is the time to parse both files into Python values
  with the fastest of the JSON parsers installed (orjson, msgspec, pysimdjson
  with full conversion, ujson, the standard library: each is measured, the
  fastest is kept and named);
* a synthetic series at 1x/2x/4x/8x the size (paths and components copied
  under new names), to show the cost grows linearly;
* for the YAML form of the first pair: the parse time of each YAML parser
  candidate installed, and the full classification, as a ratio to the
  classification of the same pair as JSON (target <= 3), without and with the
  parse cache keyed by git blob id (cold: the cache emptied before every run;
  base served from the cache; both served from the cache).

Each measurement runs in its own process so peak memory is its own, and is the
best of ``--repeat`` runs (3 by default), wall and CPU time each: load from
other programs only ever adds time, to the classification and to the floor alike.

Usage: python benchmarks/openapi.py [--sizes 1,2,4,8] [--no-yaml] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CACHE = Path(__file__).parent / ".cache"
PACKAGE = "@octokit/openapi"
MEMBER = "package/generated/api.github.com.json"
PAIRS = (("23.0.0", "23.0.1"), ("22.0.0", "23.0.0"))
REPEAT = 3


def spec_file(version: str) -> Path:
    """The JSON description of one published version, fetched on first use."""
    target = CACHE / version / "api.github.com.json"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"octokit-openapi-{version}.tgz"
    if not tarball.is_file():
        subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=CACHE, check=True, capture_output=True)
    with tarfile.open(tarball) as archive:
        source = archive.extractfile(MEMBER)
        assert source is not None, f"{MEMBER} missing from {tarball}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read())
    return target


# -- the measured children -------------------------------------------------------------


# Parsers that turn JSON bytes into the Python dicts and lists the classifier works on,
# each tried when installed; the floor is the fastest of them on this machine.
FLOOR_PARSERS = ("orjson", "msgspec", "simdjson", "ujson", "json")
# YAML parsers measured on their own (parse only, values or tree, no line table).
YAML_CANDIDATES = ("pyyaml-c-compose", "pyyaml-c-load", "yaml-rs", "rapidyaml")


def _parser(name: str):  # type: ignore[no-untyped-def]
    if name == "orjson":
        import orjson

        return orjson.loads
    if name == "msgspec":
        import msgspec  # type: ignore[import-not-found]

        return msgspec.json.decode
    if name == "simdjson":
        import simdjson  # type: ignore[import-not-found]

        # Full conversion to Python objects, like the others (its lazy proxies would not be a fair floor).
        return lambda blob: simdjson.Parser().parse(blob).as_dict()
    if name == "ujson":
        import ujson  # type: ignore[import-untyped]

        return ujson.loads
    return json.loads


def child_floor(base: str, head: str, parser: str) -> dict[str, object]:
    parse = _parser(parser)
    data = [Path(base).read_bytes(), Path(head).read_bytes()]
    started, cpu = time.perf_counter(), time.process_time()
    for blob in data:
        parse(blob)
    return {"parser": parser, **_usage(started, cpu)}


def child_classify(base_dir: str, head_dir: str, cache_dir: str = "") -> dict[str, object]:
    from classifier.check import run_check
    from classifier.policy.config import parse_config
    from classifier.sources.directory import DirectorySource

    source = DirectorySource(Path(base_dir), Path(head_dir))
    source.changed_files()  # hashing the folders is the directory source's cost, not the classifier's
    # Imports are a fixed cost of every process, whatever the spec, and left out like the floor's own
    # `import orjson` (where bytecode is not cached they are compiled from source, ~0.1-0.2 s).
    import classifier.rules.openapi  # noqa: F401
    import classifier.surfaces.openapi.compare  # noqa: F401
    import classifier.surfaces.openapi.yaml_tree  # noqa: F401
    section: dict[str, object] = {"max_file_mb": 2000}
    if cache_dir:
        section["cache_dir"] = cache_dir
    config = parse_config({"openapi": section, "limits": {"max_file_mb": 2000}}, origin="benchmark")
    started, cpu = time.perf_counter(), time.process_time()
    report = run_check(source, config)
    return {"findings": len(report.findings), **_usage(started, cpu)}


def child_warm(path: str, cache_dir: str) -> dict[str, object]:
    """Parse one file into the cache, as an earlier run would have (not a measurement)."""
    from classifier.model import Side
    from classifier.surfaces.openapi.load import parse_document

    started, cpu = time.perf_counter(), time.process_time()
    parse_document(Path(path).read_bytes(), Path(path).name, Side.BASE, 2_000_000_000, cache_dir)
    return _usage(started, cpu)


def child_yaml(path: str, parser: str) -> dict[str, object]:
    text = Path(path).read_text("utf-8")
    started, cpu = time.perf_counter(), time.process_time()
    if parser == "pyyaml-c-compose":
        import yaml

        yaml.compose(text, Loader=yaml.CSafeLoader)
    elif parser == "pyyaml-c-load":
        import yaml

        yaml.load(text, Loader=yaml.CSafeLoader)
    elif parser == "yaml-rs":
        import yaml_rs

        yaml_rs.loads(text)
    elif parser == "rapidyaml":
        import ryml

        ryml.parse_in_arena(text.encode("utf-8"))
    return {"parser": parser, **_usage(started, cpu)}


def _usage(started: float, cpu: float) -> dict[str, object]:
    return {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
    }


def _peak_mb() -> float:
    """This process's own peak memory.

    Linux carries ``ru_maxrss`` over ``exec`` from the parent, so a child of a
    large benchmark process would report the parent's peak; ``VmHWM`` starts
    afresh with the child's own address space.
    """
    try:
        status = Path("/proc/self/status").read_text("ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(*args: str, prepare: Callable[[], None] | None = None) -> dict[str, object]:
    """The best of ``REPEAT`` runs, each in its own process (the machine's load only ever adds time).

    ``prepare`` runs before each of them, outside the measurement (to empty a cache, say).
    """
    best: dict[str, object] = {}
    for _ in range(REPEAT):
        if prepare is not None:
            prepare()
        proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
        result: dict[str, object] = json.loads(proc.stdout)
        if not best:
            best = result
        # Wall and CPU time each keep their own best: a run slowed by the machine's load on one is not kept.
        best = {**best, **{key: min(best[key], result[key]) for key in ("wall", "cpu")}}  # type: ignore[type-var]
    return best


def floor(base: Path, head: Path) -> dict[str, object]:
    """Parsing both files with the fastest installed parser: the least any classification must spend."""
    results = [measure("floor", str(base), str(head), name) for name in FLOOR_PARSERS]
    timed = [result for result in results if "cpu" in result]
    return min(timed, key=lambda result: result["cpu"])  # type: ignore[arg-type,return-value]


# -- inputs ------------------------------------------------------------------------------


def pair_dirs(root: Path, name: str, base: Path, head: Path, filename: str = "openapi.json") -> tuple[Path, Path]:
    dirs = (root / name / "base", root / name / "head")
    for folder, source in zip(dirs, (base, head)):
        folder.mkdir(parents=True)
        shutil.copyfile(source, folder / filename)
    return dirs


_LOCAL_REF = re.compile(r'"#/components/([^/"]+)/([^"]+)"')


def scaled(spec: dict, copies: int) -> dict:  # type: ignore[type-arg]
    """``copies`` copies of every path and component, each copy referring to its own components."""
    result = dict(spec, paths={}, components={})
    for copy in range(copies):
        suffix = "" if copy == 0 else f"-copy{copy}"
        text = json.dumps({"paths": spec["paths"], "components": spec.get("components", {})})
        if suffix:
            text = _LOCAL_REF.sub(rf'"#/components/\1/\2{suffix}"', text)
        part = json.loads(text)
        prefix = "" if copy == 0 else f"/copy{copy}"
        result["paths"].update({prefix + path: item for path, item in part["paths"].items()})
        for section, members in part["components"].items():
            result["components"].setdefault(section, {}).update({name + suffix: v for name, v in members.items()})
    return result


def write_json(spec: dict, path: Path) -> None:  # type: ignore[type-arg]
    path.write_text(json.dumps(spec, indent=2, ensure_ascii=False), "utf-8")


def yaml_pair(base: Path, head: Path) -> tuple[Path, Path]:
    """The YAML form of a JSON pair (cached; written by the fastest YAML emitter installed)."""
    out = []
    for source in (base, head):
        target = source.with_suffix(".yaml")
        if not target.is_file():
            data = json.loads(source.read_text("utf-8"))
            try:
                import yaml_rs

                target.write_text(yaml_rs.dumps(data), "utf-8")
            except ImportError:
                import yaml

                target.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False), "utf-8")
        out.append(target)
    return out[0], out[1]


# -- report ------------------------------------------------------------------------------


def row(label: str, full: dict[str, object], bound: dict[str, object] | None, size_mb: float,
        bound_name: str = "floor") -> str:
    if "error" in full:
        return f"{label:<24} error: {full['error']}"
    if bound and "wall" in bound:
        versus = (f"{bound_name} {bound['wall']:.2f}s (cpu {bound['cpu']:.2f}s)  ratio wall {full['wall'] / bound['wall']:.1f}x"
                  f" cpu {full['cpu'] / bound['cpu']:.1f}x")  # type: ignore[operator]
    else:
        versus = "floor -"
    return (f"{label:<24} {size_mb:6.1f} MB  full {full['wall']:6.2f}s (cpu {full['cpu']:6.2f}s, "
            f"{full['peak_mb']:5.0f} MB peak, {full['findings']:4} findings)  {versus}  "
            f"cpu/MB {full['cpu'] / size_mb * 1000:3.0f} ms")  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,2,4,8")
    parser.add_argument("--no-yaml", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    if args.child:
        kind, *rest = args.child
        handler = {"floor": child_floor, "classify": child_classify, "yaml": child_yaml, "warm": child_warm}[kind]
        print(json.dumps(handler(*rest)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        run(Path(scratch), [int(s) for s in args.sizes.split(",")], not args.no_yaml)


def run(root: Path, sizes: list[int], with_yaml: bool) -> None:
    print("Wall times depend on the machine's load; CPU times are the steadier comparison.")
    json_runs: dict[tuple[str, str], dict[str, object]] = {}
    for old, new in PAIRS:
        base, head = spec_file(old), spec_file(new)
        dirs = pair_dirs(root, f"{old}-{new}", base, head)
        size = (base.stat().st_size + head.stat().st_size) / 1e6
        fastest = floor(base, head)
        json_runs[(old, new)] = measure("classify", *map(str, dirs))
        print(row(f"json {old} -> {new}", json_runs[(old, new)], fastest, size)
              + f"  [floor parser: {fastest.get('parser')}]")
    base_spec = json.loads(spec_file("23.0.0").read_text("utf-8"))
    head_spec = json.loads(spec_file("23.0.1").read_text("utf-8"))
    for copies in sizes:
        folder = root / f"x{copies}"
        files = []
        for side, spec in (("base", base_spec), ("head", head_spec)):
            (folder / side).mkdir(parents=True)
            write_json(scaled(spec, copies), folder / side / "openapi.json")
            files.append(folder / side / "openapi.json")
        size = sum(f.stat().st_size for f in files) / 1e6
        print(row(f"synthetic {copies}x", measure("classify", str(folder / "base"), str(folder / "head")),
                  floor(*files), size))
    if with_yaml:
        yaml_report(root, json_runs[PAIRS[0]])


def yaml_report(root: Path, json_pair: dict[str, object]) -> None:
    """The YAML form of the first pair, against the classification of its JSON form (target <= 3x)."""
    base, head = yaml_pair(spec_file("23.0.0"), spec_file("23.0.1"))
    size = (base.stat().st_size + head.stat().st_size) / 1e6
    print(f"\nYAML form of 23.0.0 -> 23.0.1 ({size:.1f} MB): parse of the head file by each candidate")
    for candidate in YAML_CANDIDATES:
        result = measure("yaml", str(head), candidate)
        timing = f"{result['wall']:6.2f}s (cpu {result['cpu']:5.2f}s, {result['peak_mb']:4.0f} MB peak)" \
            if "wall" in result else f"not available ({result['error']})"
        print(f"  {candidate:<18} {timing}")
    dirs = pair_dirs(root, "yaml", base, head, "openapi.yaml")
    versus = {"wall": json_pair["wall"], "cpu": json_pair["cpu"]} if "wall" in json_pair else None
    print("ratios below are to the classification of the same pair as JSON")
    print(row("yaml 23.0.0 -> 23.0.1", measure("classify", *map(str, dirs)), versus, size, "json"))
    cache = root / "parse-cache"

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def only_base_cached() -> None:
        empty_cache()
        measure_once("warm", str(dirs[0] / "openapi.yaml"), str(cache))

    print(row("yaml, cache cold", measure("classify", *map(str, dirs), str(cache), prepare=empty_cache), versus,
              size, "json"))
    # The next push: the base is unchanged (served from the cache), the head is new.
    print(row("yaml, base from cache", measure("classify", *map(str, dirs), str(cache), prepare=only_base_cached),
              versus, size, "json"))
    measure_once("warm", str(dirs[1] / "openapi.yaml"), str(cache))
    print(row("yaml, both from cache", measure("classify", *map(str, dirs), str(cache)), versus, size, "json"))


def measure_once(*args: str) -> None:
    """Run one child for its side effect (filling the cache), not measured."""
    subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, check=True)


if __name__ == "__main__":
    main()
