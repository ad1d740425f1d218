"""Seed N synthetic published datasets (Chinese and English, small files).

Records go through the real RDM service (drafts, files, publish) as the bench
user; only the search indexing is batched: each record is indexed by the
service as usual, but the index refresh is left to OpenSearch's interval.
"""

import random
import time

import click
from flask.cli import with_appcontext
from invenio_accounts.models import User

from ..demo.loader import demo_record_data, depositor_identity, publish_record

TOPICS_ZH = ["土壤", "水质", "大气", "气象", "地震", "生物多样性", "新能源", "集成电路",
             "生物医药", "航空航天", "人工智能", "轨道交通", "农业", "中医药", "材料"]
KINDS_ZH = ["监测数据集", "观测数据", "调查数据", "实验数据", "检测数据", "统计数据"]
PLACES_ZH = ["成都平原", "龙泉山", "天府新区", "川西高原", "岷江流域", "高新区", "双流", "郫都"]
TOPICS_EN = ["soil", "water quality", "air", "weather", "seismic", "biodiversity",
             "new energy", "integrated circuits", "biomedicine", "aerospace", "AI",
             "rail transit", "agriculture", "traditional medicine", "materials"]


def synthetic_spec(i, rnd):
    """Metadata of synthetic record number ``i`` (deterministic for a seed)."""
    t = rnd.randrange(len(TOPICS_ZH))
    place = rnd.choice(PLACES_ZH)
    year = rnd.randint(2015, 2025)
    zh = f"{place}{TOPICS_ZH[t]}{rnd.choice(KINDS_ZH)}（{year}年，第{i}号）"
    en = f"{TOPICS_EN[t].capitalize()} dataset {i} of {place} ({year})"
    return {
        "title": zh if i % 3 else en,
        "additional_title": en if i % 3 else zh,
        "description": f"合成基准数据 {i}：{place}{TOPICS_ZH[t]}研究。Synthetic benchmark record {i} on {TOPICS_EN[t]}.",
        "creators": [[rnd.choice("李王张刘陈杨赵黄周吴"), rnd.choice(["伟", "芳", "敏", "静", "强", "磊"])]],
        "subjects": [TOPICS_ZH[t], TOPICS_EN[t]],
        "date": f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        "file": {"name": f"data_{i}.csv", "content": f"id,value\n{i},{rnd.random():.6f}\n"},
        "category": rnd.choice(["rd", "observation", "transfer", "service", "resources"]),
        "update_cycle": rnd.choice(["yearly", "monthly", "irregular"]),
        "storage_format": "CSV",
        "entity": rnd.choice(["scu", "uestc", "swjtu", "cdut", "cib-cas", "cdkjxxzx"]),
        "department": rnd.choice(["kjj", "jxj", "sthjj", "nyncj"]),
        "bench": True,
    }


def count_bench_records():
    """How many synthetic bench records are already published."""
    from invenio_access.permissions import system_identity
    from invenio_rdm_records.proxies import current_rdm_records_service as records

    records.indexer.refresh()
    return records.search(system_identity, q='metadata.description:"合成基准数据"', size=1).total


def seed_range(start, stop, owner, progress=None):
    """Publish synthetic records ``start`` .. ``stop - 1`` as ``owner``."""
    identity = depositor_identity(User.query.filter_by(email=owner).one())
    rnd = random.Random(20261123 + start)
    for i in range(start, stop):
        spec = synthetic_spec(i, rnd)
        publish_record(identity, demo_record_data(spec), spec["file"])
        if progress is not None:
            progress.value += 1


def _worker(start, stop, owner, progress):
    """Process entry point: own app, own connections, one slice of records."""
    from invenio_app.factory import create_api

    app = create_api()
    with app.app_context():
        seed_range(start, stop, owner, progress)


@click.command("bench-seed")
@click.option("--count", "-n", default=10000, show_default=True, help="Records wanted in all.")
@click.option("--owner", default="researcher@example.org", show_default=True)
@click.option("--workers", "-w", default=2, show_default=True, help="Parallel processes.")
@with_appcontext
def bench_seed(count, owner, workers):
    """Publish synthetic records until ``count`` bench records exist."""
    import multiprocessing as mp

    have = count_bench_records()
    todo = max(0, count - have)
    click.echo(f"bench records present: {have}; to create: {todo}; workers: {workers}")
    if not todo:
        return
    ctx = mp.get_context("spawn")
    progress = ctx.Value("i", 0, lock=False)
    bounds = [have + todo * k // workers for k in range(workers + 1)]
    procs = [
        ctx.Process(target=_worker, args=(bounds[k], bounds[k + 1], owner, progress))
        for k in range(workers)
    ]
    t0 = time.time()
    for p in procs:
        p.start()
    with click.progressbar(length=todo, label="publishing", show_pos=True, show_eta=True) as bar:
        done = 0
        while any(p.is_alive() for p in procs):
            time.sleep(1)
            bar.update(progress.value - done)
            done = progress.value
        bar.update(progress.value - done)
    failed = [p.exitcode for p in procs if p.exitcode]
    dt = time.time() - t0
    click.echo(f"published {progress.value} records in {dt:.0f} s ({progress.value / dt:.1f}/s)")
    if failed:
        raise click.ClickException(f"{len(failed)} seeding worker(s) failed")
