"""Seed N synthetic datasets (Chinese and English, one small file each) for the bench.

The records come in through the bulk import (``techdata.importer``), as a
city's historical catalogue would: its fast path by default (the same checks,
the batch written table by table; ``--service``: every row through the records
service and our components), with the deposit and confidentiality decisions
recorded as imported, in batches, indexed in bulk after each batch. Resumable:
the keys ``BENCH-<n>`` already imported are skipped.
"""

import random
import tempfile
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from invenio_access.permissions import system_identity

from ..importer.cli import owner_identity
from ..importer.proxies import current_import_service
from ..importer.service import imported_keys

TOPICS_ZH = ["土壤", "水质", "大气", "气象", "地震", "生物多样性", "新能源", "集成电路",
             "生物医药", "航空航天", "人工智能", "轨道交通", "农业", "中医药", "材料"]
KINDS_ZH = ["监测数据集", "观测数据", "调查数据", "实验数据", "检测数据", "统计数据"]
PLACES_ZH = ["成都平原", "龙泉山", "天府新区", "川西高原", "岷江流域", "高新区", "双流", "郫都"]
TOPICS_EN = ["soil", "water quality", "air", "weather", "seismic", "biodiversity",
             "new energy", "integrated circuits", "biomedicine", "aerospace", "AI",
             "rail transit", "agriculture", "traditional medicine", "materials"]

KEY_FORMAT = "BENCH-{:07d}"
"""Source keys of the synthetic datasets."""


def synthetic_row(i, rnd):
    """The manifest row of synthetic dataset number ``i`` (deterministic for a seed)."""
    t = rnd.randrange(len(TOPICS_ZH))
    place = rnd.choice(PLACES_ZH)
    year = rnd.randint(2015, 2025)
    day = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    return {
        "key": KEY_FORMAT.format(i),
        "title_zh": f"{place}{TOPICS_ZH[t]}{rnd.choice(KINDS_ZH)}（{year}年，第{i}号）",
        "title_en": f"{TOPICS_EN[t].capitalize()} dataset {i} of {place} ({year})",
        "abstract_zh": f"合成基准数据 {i}：{place}{TOPICS_ZH[t]}研究。",
        "abstract_en": f"Synthetic benchmark record {i} on {TOPICS_EN[t]}.",
        "category": rnd.choice(["rd", "observation", "transfer", "service", "resources"]),
        "secrecy": "non-classified",
        "grade": "general",
        "update_cycle": rnd.choice(["yearly", "monthly", "irregular"]),
        "storage_format": "CSV",
        "providing_entity": rnd.choice(["scu", "uestc", "swjtu", "cdut", "cib-cas", "cdkjxxzx"]),
        "responsible_department": rnd.choice(["kjj", "jxj", "sthjj", "nyncj"]),
        "subjects": [TOPICS_ZH[t], TOPICS_EN[t]],
        "creators": [f"{rnd.choice('李王张刘陈杨赵黄周吴')},{rnd.choice(['伟', '芳', '敏', '静'])}"],
        "publication_date": day,
        "files": [f"data_{i}.csv"],
        "review_decided_by": "基准数据审核员 / bench curator",
        "review_decided_at": day,
        "confidentiality_decided_by": "基准数据保密审查员 / bench reviewer",
        "confidentiality_decided_at": day,
    }


def bench_rows(numbers, folder, seed=20261123):
    """``[(i, row)]`` of the datasets ``numbers``, their files written into ``folder``."""
    rows = []
    for i in numbers:
        rnd = random.Random(seed + i)
        row = synthetic_row(i, rnd)
        (Path(folder) / row["files"][0]).write_text(f"id,value\n{i},{rnd.random():.6f}\n",
                                                    "utf-8")
        rows.append((i, row))
    return rows


@click.command("bench-seed")
@click.option("--count", "-n", default=10000, show_default=True, help="Records wanted in all.")
@click.option("--owner", default="researcher@example.org", show_default=True)
@click.option("--batch-size", default=200, show_default=True, help="Rows per transaction.")
@click.option("--service/--fast", "service", default=False, show_default=True,
              help="Through the records service row by row, or the fast import (default).")
@with_appcontext
def bench_seed(count, owner, batch_size, service):
    """Import synthetic datasets until ``count`` bench datasets exist (resumable)."""
    have = {k for k in imported_keys() if k.startswith("BENCH-")}
    todo = [i for i in range(count) if KEY_FORMAT.format(i) not in have]
    click.echo(f"bench records present: {len(have)}; to import: {len(todo)}")
    if not todo:
        return
    identity = owner_identity(owner)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="techdata-bench-") as folder:
        rows = bench_rows(todo, folder)
        with click.progressbar(length=len(rows), label="importing", show_pos=True,
                               show_eta=True) as bar:
            report = current_import_service.import_rows(
                system_identity, rows, identity, files_dir=folder, batch_size=batch_size,
                progress=bar.update, fast=not service)
    dt = time.time() - t0
    click.echo(f"imported {len(report.imported)} records in {dt:.0f} s "
               f"({len(report.imported) / dt:.1f}/s), errors {len(report.errors)}")
    for line, key, errors in report.errors[:10]:
        click.echo(f"  {key}: {errors}", err=True)
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} rows failed")
