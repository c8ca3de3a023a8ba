"""The plan as geokernel-dask reads it: partitions in index order, each weighed as geokernel's cut
weighs it (a chunk the selection reaches counts 4 times), which orders the tasks heaviest first."""
from geokernel_dask.plan import parse_plan


def report(items):
    return {"runDigest": "abc", "partitions": items}


def test_partitions_are_weighed_by_their_selected_chunks():
    plan = parse_plan(report([
        {"index": 1, "window": {"x": 0, "y": 0, "width": 1, "height": 1}, "chunks": 10, "selectedChunks": 0},
        {"index": 0, "window": {"x": 0, "y": 0, "width": 1, "height": 1}, "chunks": 4, "selectedChunks": 4},
        {"index": 2, "window": {"x": 0, "y": 0, "width": 1, "height": 1}, "chunks": 8, "selectedChunks": 2},
    ]), 3)
    assert [p.index for p in plan.partitions] == [0, 1, 2]
    assert [p.weight for p in plan.partitions] == [16, 10, 14]
    heaviest_first = sorted(plan.partitions, key=lambda p: (-p.weight, p.index))
    assert [p.index for p in heaviest_first] == [0, 2, 1]
