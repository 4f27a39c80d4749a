"""The benchmark's measure() works, so the project's bot benchmark can reuse it."""

import asyncio
import importlib.util
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "telegram_echo_baseline.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("telegram_echo_baseline", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_measure_counts_every_echo_of_every_user() -> None:
    benchmark = load_benchmark()
    prepared: list[int] = []

    async def prepare(fake, user_id: int) -> None:
        prepared.append(user_id)

    result = asyncio.run(
        benchmark.measure(benchmark.inprocess_echo_bot, users=3, messages=4, prepare_user=prepare)
    )
    assert result.messages == 12 and len(result.latencies) == 12
    assert result.msgs_per_s > 0 and result.percentile_ms(0.95) >= result.percentile_ms(0.5)
    assert sorted(prepared) == [1001, 1002, 1003]
