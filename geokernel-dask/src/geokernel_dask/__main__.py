"""`python -m geokernel_dask` is the `geokernel-dask` command."""
import sys

from .cli import main

sys.exit(main())
