// The one umbrella header through which Swift sees GDAL (Debian's libgdal-dev).
// Only GDALKit imports this module.
#ifndef CGDAL_H
#define CGDAL_H

#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/// GDAL_VERSION_NUM, which Swift cannot import (it is a function-like macro expansion).
static inline int CGDAL_VersionNum(void) { return GDAL_VERSION_NUM; }

#endif
