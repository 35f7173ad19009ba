"""Cost of the runtime guard for an application at startup and per readiness probe.

Prints in one run the median wall time of:
  import classifier.guard          (fresh interpreter, minus `python -c pass`)
  check_startup, no database       (environment guards only)
  check_startup against SQLite     (a database migrated to the expected head, no scripts)
  check_startup with scripts       (the same, plus the code's Alembic script directory)
  /ready                           (one readiness evaluation against SQLite)

Usage: python benchmarks/guard.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ENV = {
    "VERSION_HASH": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "EXPECTED_ALEMBIC_HEAD": "r3",
    "RELEASE_SUPPORTED_API_VERSIONS": "v1,v2",
    "RELEASE_FEATURE_FLAGS": "",
    "SIGNING_MODE": "required",
    "SIGNING_REQUIRED": "true",
    "ENV": "prod",
    "LOG_LEVEL": "INFO",
}
ENV_PY = """
from alembic import context
context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
"""
REVISION = """
revision = {rev!r}
down_revision = {down!r}
def upgrade():
    pass
"""


def median_ms(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def interpreter_ms(code: str, runs: int) -> float:
    return median_ms(lambda: subprocess.run([sys.executable, "-c", code], check=True), runs)


def migrated_sqlite(root: Path):  # -> tuple[Engine, Path]
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    scripts = root / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(ENV_PY)
    for index, down in ((1, None), (2, "r1"), (3, "r2")):
        (scripts / "versions" / f"r{index}.py").write_text(REVISION.format(rev=f"r{index}", down=down))
    engine = sa.create_engine(f"sqlite:///{root / 'app.db'}")
    config = Config()
    config.set_main_option("script_location", str(scripts))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return engine, scripts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    floor = interpreter_ms("pass", runs)
    imported = interpreter_ms("import classifier.guard", runs)

    from classifier.guard import GuardConfig, Readiness, check_startup

    with tempfile.TemporaryDirectory() as tmp:
        engine, scripts = migrated_sqlite(Path(tmp))
        plain, with_scripts = GuardConfig(), GuardConfig(script_location=str(scripts))
        env_only = {k: v for k, v in ENV.items() if k != "EXPECTED_ALEMBIC_HEAD"}
        assert check_startup(plain, ENV, engine) == [] and check_startup(with_scripts, ENV, engine) == []
        rows = [
            ("import classifier.guard", imported - floor),
            ("check_startup, no database", median_ms(lambda: check_startup(plain, env_only), runs)),
            ("check_startup against SQLite", median_ms(lambda: check_startup(plain, ENV, engine), runs)),
            ("check_startup with scripts", median_ms(lambda: check_startup(with_scripts, ENV, engine), runs)),
        ]
        readiness = Readiness(with_scripts, ENV, engine)
        rows.append(("/ready against SQLite", median_ms(readiness.ready, runs)))
        engine.dispose()

    print(f"python {sys.version.split()[0]}, median of {runs} runs (interpreter start-up {floor:.1f} ms excluded)")
    for name, value in rows:
        print(f"{name:<32} {value:8.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
