"""The plan of a partitioned run: what `geokernel plan --partitions N --json` says, and where parts go."""
import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Partition:
    """One partition of the plan: its index, pixel window and what it costs."""

    index: int
    window: dict
    bounds: list = field(default_factory=list)
    selected_chunks: int = 0
    bytes_to_read: int = 0
    bytes_to_write: int = 0
    chunks: int = 0

    @property
    def weight(self):
        """The partition's work as geokernel's cut weighs it: a chunk the selection reaches counts 4 times
        one it does not (RunPartitions.selectedCellCost)."""
        return 4 * self.selected_chunks + max(0, self.chunks - self.selected_chunks)


@dataclass(frozen=True)
class Plan:
    """The run's digest (the value every part carries as RUN) and its N partitions, in index order."""

    run: str
    partitions: tuple
    report: dict

    @property
    def count(self):
        return len(self.partitions)


def parse_plan(report, count):
    """Checks a `plan --partitions COUNT --json` object and returns its Plan.

    Raises ValueError naming what is missing or wrong (the plan is geokernel's contract with us).
    """
    run = report.get("runDigest")
    if not isinstance(run, str) or not run:
        raise ValueError("geokernel plan --json has no runDigest (is geokernel too old for --partitions?)")
    items = report.get("partitions")
    if not isinstance(items, list):
        raise ValueError("geokernel plan --json has no partitions list (is geokernel too old for --partitions?)")
    if len(items) != count:
        raise ValueError(f"geokernel plan listed {len(items)} partitions, not {count}")
    parts = []
    for position, item in enumerate(sorted(items, key=lambda p: p.get("index", -1))):
        if item.get("index") != position or not isinstance(item.get("window"), dict):
            raise ValueError(f"geokernel plan's partition {position} is missing or has no window")
        parts.append(Partition(index=position, window=item["window"], bounds=item.get("bounds", []),
                               selected_chunks=item.get("selectedChunks", 0), chunks=item.get("chunks", 0),
                               bytes_to_read=item.get("bytesToRead", 0), bytes_to_write=item.get("bytesToWrite", 0)))
    return Plan(run=run, partitions=tuple(parts), report=report)


def default_parts_dir(output):
    """Where the parts of OUTPUT go unless --parts-dir says otherwise: `OUTPUT.parts/` beside it."""
    return os.path.abspath(output) + ".parts"


def part_path(parts_dir, index, count):
    """The part of partition `index` of `count`: `part-IIII-of-NNNN.tif` (at least four digits,
    so a listing sorts in index order)."""
    digits = max(4, len(str(count)))
    return os.path.join(parts_dir, f"part-{index:0{digits}d}-of-{count:0{digits}d}.tif")
