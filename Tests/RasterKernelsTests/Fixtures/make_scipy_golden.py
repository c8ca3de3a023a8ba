#!/usr/bin/python3
"""Writes scipy_golden.json: scipy.ndimage.convolve results the Swift tests compare against.

Run with Debian's python3 (apt-get install python3-scipy):  /usr/bin/python3 make_scipy_golden.py
The inputs are small deterministic arrays; the fixture is committed with this script.
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import scipy
from scipy import ndimage

def image(w, h, seed):
    rng = np.random.default_rng(seed)
    # smooth ramp plus a few integer steps and noise: not symmetric in any direction
    y, x = np.mgrid[0:h, 0:w]
    return (3.0 * x + 0.5 * y * y + rng.integers(-20, 20, size=(h, w))).astype(np.float64)

kernels = {
    "asymmetric3x3": [[1, 2, 0], [0, 1, -1], [3, 0, 1]],
    "even2x2": [[1, 2], [3, 4]],
    "even4x3": [[1, 0, 2, -1], [0, 3, 0, 1], [2, 1, 0, 5]],
    "row1x5": [[1, -2, 3, 0, 4]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "large9x7": (np.arange(63).reshape(7, 9) % 5 - 2).tolist(),
}
cases = []
for (w, h, seed) in [(7, 6, 1), (5, 4, 2), (1, 3, 3)]:
    img = image(w, h, seed)
    for kname, k in kernels.items():
        for mode in ["reflect", "mirror", "nearest", "constant", "wrap"]:
            cval = 1.5 if mode == "constant" else 0.0
            out = ndimage.convolve(img, np.array(k, dtype=np.float64), mode=mode, cval=cval)
            cases.append({
                "name": f"{kname}-{mode}-{w}x{h}",
                "width": w, "height": h, "image": img.ravel().tolist(),
                "kernel": k, "mode": mode, "cval": cval,
                "expected": out.ravel().tolist(),
            })
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "scipy_golden.json"), "w") as f:
    json.dump({"scipy": scipy.__version__, "cases": cases}, f, separators=(",", ":"))
print(len(cases), "cases written with scipy", scipy.__version__)

# The footprint filters' fixture (median, min, …, mode, lee, and the mask morphology).
import make_scipy_footprint_golden
make_scipy_footprint_golden.main()
