#!/usr/bin/env python3
"""Anchor for the footprint-method benchmark: a rasterio windowed median filter with a halo,
what a careful Python user would write.

    anchor_median.py IMG MASK OUT --engine cv2|scipy --size N [--threads 2] [--win 256] [--edge E]

Every WIN x WIN window (on the 256 block grid) reads its mask first; a window the mask selects
nowhere is copied through unchanged. Any other window reads the image window grown by the
footprint's radius (clipped to the raster), filters it, keeps the window's core and composites
where(mask, filtered, original), in the image's own type. The windows run on a thread pool, each
thread with its own dataset handles; writes go through one lock.

  --engine cv2    cv2.medianBlur(x, N): square odd N only, replicated edges (BORDER_REPLICATE,
                  scipy's 'nearest'); N > 5 only for 8-bit images, so not for UInt16 or Float32.
                  OpenCV's own threads are pinned to 1 (the pool gives the parallelism).
  --engine scipy  scipy.ndimage.median_filter(x, footprint=ones((N, N)), mode=E), E = reflect
                  by default (geokernel's default --edge), any of scipy's modes.
Needs rasterio, numpy and opencv-python-headless or scipy (a venv from PyPI).
"""
import argparse, threading
from concurrent.futures import ThreadPoolExecutor
import numpy as np
import rasterio
from rasterio.windows import Window

ap = argparse.ArgumentParser()
ap.add_argument("img"); ap.add_argument("mask"); ap.add_argument("out")
ap.add_argument("--engine", required=True, choices=["cv2", "scipy"])
ap.add_argument("--size", type=int, required=True, help="square footprint edge N")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--win", type=int, default=256)
ap.add_argument("--edge", default="reflect", help="scipy mode (the cv2 engine always replicates)")
a = ap.parse_args()
N = a.size
R = N // 2

if a.engine == "cv2":
    import cv2
    cv2.setNumThreads(1)
    if N % 2 == 0 or N < 3:
        raise SystemExit("cv2.medianBlur needs an odd size >= 3")

    def median(x):
        if N > 5 and x.dtype != np.uint8:
            raise SystemExit(f"cv2.medianBlur {N}x{N} takes only 8-bit images, not {x.dtype}")
        return cv2.medianBlur(x, N)
else:
    from scipy import ndimage
    FOOT = np.ones((N, N), bool)
    median = lambda x: ndimage.median_filter(x, footprint=FOOT, mode=a.edge)

local = threading.local()
wlock = threading.Lock()


def handles():
    if not hasattr(local, "img"):
        local.img, local.mask = rasterio.open(a.img), rasterio.open(a.mask)
    return local.img, local.mask


def window(win, dst, H, W):
    src, msk = handles()
    m = msk.read(1, window=win)
    if not m.any():
        res = src.read(1, window=win)
    else:
        y0, x0, h, w = win.row_off, win.col_off, win.height, win.width
        # Halo clipped to the raster: the filter's own edge rule then applies at the raster's
        # border only, and the core equals the whole-image result.
        ys, ye = max(0, y0 - R), min(H, y0 + h + R)
        xs, xe = max(0, x0 - R), min(W, x0 + w + R)
        x = src.read(1, window=Window(xs, ys, xe - xs, ye - ys))
        core = (slice(y0 - ys, y0 - ys + h), slice(x0 - xs, x0 - xs + w))
        res = np.where(m > 0, median(x)[core], x[core])
    with wlock:
        dst.write(res, 1, window=win)


with rasterio.open(a.img) as src:
    prof = src.profile.copy()
    H, W = src.height, src.width
prof.update(tiled=True, blockxsize=256, blockysize=256, compress=None, predictor=None, BIGTIFF="IF_SAFER")
prof = {k: v for k, v in prof.items() if v is not None}
wins = [Window(c, r, min(a.win, W - c), min(a.win, H - r))
        for r in range(0, H, a.win) for c in range(0, W, a.win)]
with rasterio.open(a.out, "w", **prof) as dst:
    with ThreadPoolExecutor(max(1, a.threads)) as ex:
        list(ex.map(lambda w: window(w, dst, H, W), wins))
