#!/usr/bin/python3
"""Writes scipy_footprint_golden.json: scipy.ndimage footprint filters the Swift tests compare against.

Run with Debian's python3 (apt-get install python3-scipy):  /usr/bin/python3 make_scipy_footprint_golden.py
(make_scipy_golden.py calls it too). Inputs are small deterministic arrays; the fixture is committed.

Without holes, median/min/max/percentile come from scipy's own rank filters (checked equal to the nan-aware
reference below), mean/variance/stddev from generic_filter(np.mean/np.var/np.std). With holes (nodata or
NaN), every method is generic_filter with a function that drops invalid values; a pixel with no valid
neighbour, and an invalid pixel, keep their value.
"""
import json, os, warnings
import numpy as np
import scipy
from scipy import ndimage

MODES = ["reflect", "mirror", "nearest", "constant", "wrap"]

def disk(r):
    y, x = np.ogrid[-r:r + 1, -r:r + 1]
    return (x * x + y * y <= r * r)

FOOTPRINTS = {
    "square:3": np.ones((3, 3), bool),
    "rect:4x3": np.ones((3, 4), bool),
    "rect:2x2": np.ones((2, 2), bool),
    "disk:2": disk(2),
    "0,1,0,1;1,1,0,0;0,0,1,1": np.array([[0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]], bool),
}
METHODS = ["median", "min", "max", "range", "percentile:0", "percentile:25", "percentile:90", "percentile:100",
           "mean", "variance", "stddev", "mode", "lee:4"]
INTEGER = {"byte": (0, 255), "uint16": (0, 65535), "int16": (-32768, 32767)}

def values(sample, w, h, rng):
    if sample == "byte":
        return (rng.integers(0, 8, size=(h, w)) * 30).astype(np.float64)  # a class map: many ties
    if sample == "uint16":
        return rng.integers(0, 65536, size=(h, w)).astype(np.float64)
    if sample == "int16":
        return rng.integers(-32768, 32768, size=(h, w)).astype(np.float64)
    if sample == "float32":
        return (rng.standard_normal((h, w)) * 100 + 500).astype(np.float32).astype(np.float64)
    return rng.uniform(-1e3, 1e3, size=(h, w))

def rank_of(method, k):
    if method == "median":
        return k // 2
    if method == "min":
        return 0
    if method == "max":
        return k - 1
    p = float(method.split(":")[1])
    return k - 1 if p == 100.0 else int(float(k) * p / 100.0)

def lee(m, v, centre, looks=4.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        cu = 1 / np.sqrt(looks)
        ci = np.sqrt(v) / m
        w = np.clip(1 - cu * cu / (ci * ci), 0, 1)
        return np.where((m == 0) | ~(ci > cu), m, m + w * (centre - m))

def nan_aware(method):
    """A generic_filter function over one footprint's values, NaN = invalid; NaN when none is valid."""
    def f(v):
        v = v[~np.isnan(v)]
        if v.size == 0:
            return np.nan
        if method in ("median", "min", "max") or method.startswith("percentile"):
            return np.sort(v)[rank_of(method, v.size)]
        if method == "range":
            return v.max() - v.min()
        if method == "mean":
            return np.mean(v)
        if method == "variance":
            return np.var(v)
        if method == "stddev":
            return np.std(v)
        if method == "mode":
            u, c = np.unique(v, return_counts=True)
            return u[np.argmax(c)]
        raise ValueError(method)
    return f

def filtered(img, method, fp, mode, cval, holes):
    """The whole-image result before compositing (NaN where no valid neighbour)."""
    kw = dict(footprint=fp, mode=mode, cval=cval)
    if method.startswith("lee"):
        m = filtered(img, "mean", fp, mode, cval, holes)
        v = filtered(img, "variance", fp, mode, cval, holes)
        return lee(m, v, img)
    reference = ndimage.generic_filter(img, nan_aware(method), **kw)
    if holes:
        return reference
    if method == "median":
        out = ndimage.median_filter(img, **kw)
    elif method == "min":
        out = ndimage.minimum_filter(img, **kw)
    elif method == "max":
        out = ndimage.maximum_filter(img, **kw)
    elif method.startswith("percentile"):
        out = ndimage.percentile_filter(img, float(method.split(":")[1]), **kw)
    elif method == "range":
        out = ndimage.maximum_filter(img, **kw) - ndimage.minimum_filter(img, **kw)
    elif method == "mean":
        out = ndimage.generic_filter(img, np.mean, **kw)
    elif method == "variance":
        out = ndimage.generic_filter(img, np.var, **kw)
    elif method == "stddev":
        out = ndimage.generic_filter(img, np.std, **kw)
    else:
        return reference
    if method in ("median", "min", "max", "range") or method.startswith("percentile"):
        assert np.array_equal(out, reference), (method, mode)
    else:
        assert np.allclose(out, reference, rtol=1e-12, atol=0), (method, mode)
    return out

def case(sample, w, h, fpname, mode, holes, seed):
    rng = np.random.default_rng(seed)
    img = values(sample, w, h, rng)
    valid = np.ones((h, w), bool) if not holes else rng.random((h, w)) > 0.3
    if holes:
        valid.flat[0] = False
    nan_holes = holes and sample.startswith("float")
    cval = 1.5 if sample.startswith("float") else 7.0
    work = np.where(valid, img, np.nan)
    expected = {}
    for method in METHODS:
        if method == "mode" and sample not in INTEGER:
            continue
        out = filtered(work, method, FOOTPRINTS[fpname], mode, cval, holes)
        expected[method] = np.where(valid & ~np.isnan(out), out, img).ravel().tolist()
    return {
        "name": f"{sample}-{fpname}-{mode}-{w}x{h}{'-holes' if holes else ''}",
        "sample": sample, "width": w, "height": h, "image": img.ravel().tolist(),
        "valid": valid.astype(int).ravel().tolist(), "nanHoles": bool(nan_holes),
        "footprint": fpname, "mode": mode, "cval": cval, "expected": expected,
    }

def morphology():
    out = []
    rng = np.random.default_rng(99)
    for (w, h) in [(12, 9), (1, 7), (7, 1), (5, 5)]:
        plane = rng.random((h, w)) > 0.6
        for r in [0, 1, 2, 3]:
            s = disk(r)
            out.append({
                "name": f"disk:{r}-{w}x{h}", "width": w, "height": h, "radius": r,
                "selected": plane.astype(int).ravel().tolist(),
                "grown": ndimage.binary_dilation(plane, structure=s).astype(int).ravel().tolist(),
                "shrunk": ndimage.binary_erosion(plane, structure=s).astype(int).ravel().tolist(),
            })
    return out

def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    cases = []
    seed = 100
    for sample in ["byte", "uint16", "int16", "float32", "float64"]:
        for fpname in FOOTPRINTS:
            for mode in MODES:
                for holes in (False, True):
                    seed += 1
                    cases.append(case(sample, 7, 6, fpname, mode, holes, seed))
    for sample in ["uint16", "float32"]:
        for (w, h) in [(1, 5), (6, 1)]:
            for fpname in ["square:3", "rect:4x3", "disk:2"]:
                for mode in MODES:
                    seed += 1
                    cases.append(case(sample, w, h, fpname, mode, seed % 2 == 0, seed))
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "scipy_footprint_golden.json"), "w") as f:
        json.dump({"scipy": scipy.__version__, "cases": cases, "morphology": morphology()}, f,
                  separators=(",", ":"))
    print(len(cases), "footprint cases written with scipy", scipy.__version__)

if __name__ == "__main__":
    main()
