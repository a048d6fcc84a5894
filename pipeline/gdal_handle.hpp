#pragma once
// RAII for the GDAL/OGR handles the pipeline holds, and the one place where
// rasters and vectors are opened: with an allow-list of drivers (a hostile
// catalogue must not make us parse arbitrary formats) and errors that name
// the file.
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

namespace paddymrv {

struct TransformerDeleter {
  void operator()(void* t) const {
    if (t) GDALDestroyGenImgProjTransformer(t);
  }
};
using TransformerPtr = std::unique_ptr<void, TransformerDeleter>;

struct CoordinateTransformationDeleter {
  void operator()(OGRCoordinateTransformation* t) const { OGRCoordinateTransformation::DestroyCT(t); }
};
using CoordinateTransformationPtr = std::unique_ptr<OGRCoordinateTransformation, CoordinateTransformationDeleter>;

// Registers drivers and sets process-wide GDAL options once (thread-safe).
void gdal_init(int cache_mb = 256);

// Opens a single raster read-only with the allowed drivers (GeoTIFF/COG,
// JPEG2000 for Sentinel-2 SAFE bands). Throws InputError "<path>: <problem>".
GDALDatasetUniquePtr open_raster(const std::string& path);

// Opens a vector (GeoJSON, GeoPackage, Shapefile, FlatGeobuf).
GDALDatasetUniquePtr open_vector(const std::string& path);

// Parses a CRS definition (EPSG:…, WKT, PROJ string) in GIS axis order.
// Returns false when GDAL does not know it.
bool parse_crs(const std::string& definition, OGRSpatialReference& out);

// The last GDAL error message, or fallback when there is none.
std::string last_gdal_error(const std::string& fallback = "unknown GDAL error");

}  // namespace paddymrv
