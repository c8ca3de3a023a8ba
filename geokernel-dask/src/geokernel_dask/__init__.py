"""geokernel-dask: one `geokernel apply` run across a Dask cluster.

The raster is cut into the partitions `geokernel plan --partitions N` lists; each partition is one
Dask task that runs the geokernel binary (`apply --partition I/N`) on a worker, and `geokernel mosaic`
joins the parts into a raster equal, bit for bit, to the one-machine `geokernel apply`.
"""

__version__ = "0.1.0"
