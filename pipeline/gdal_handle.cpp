#include "pipeline/gdal_handle.hpp"

#include <cpl_conv.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "pipeline/errors.hpp"

namespace paddymrv {

namespace {
const char* const kRasterDrivers[] = {"GTiff", "JP2OpenJPEG", nullptr};
const char* const kVectorDrivers[] = {"GeoJSON", "GPKG", "ESRI Shapefile", "FlatGeobuf", nullptr};
}  // namespace

void gdal_init(int cache_mb) {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // GDAL's messages go to our log (debug level): errors that matter are
    // raised as exceptions naming the file, with CPLGetLastErrorMsg() text.
    CPLSetErrorHandler([](CPLErr cls, CPLErrorNum, const char* msg) {
      if (cls >= CE_Warning) spdlog::debug("GDAL: {}", msg ? msg : "");
    });
    // Scenes are local files: never let a catalogue make GDAL list folders
    // or reach the network behind our back.
    CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
    CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "30");
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".tif,.tiff,.jp2");
  });
  GDALSetCacheMax64(static_cast<GIntBig>(cache_mb) * 1024 * 1024);
}

std::string last_gdal_error(const std::string& fallback) {
  const char* msg = CPLGetLastErrorMsg();
  return (msg && *msg) ? std::string(msg) : fallback;
}

GDALDatasetUniquePtr open_raster(const std::string& path) {
  CPLErrorReset();
  auto* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                               kRasterDrivers, nullptr, nullptr);
  if (!ds) throw InputError(path + ": cannot open as a GeoTIFF/JPEG2000 raster: " + last_gdal_error());
  return GDALDatasetUniquePtr(ds);
}

GDALDatasetUniquePtr open_vector(const std::string& path) {
  CPLErrorReset();
  auto* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                               kVectorDrivers, nullptr, nullptr);
  if (!ds) throw InputError(path + ": cannot open as a vector file: " + last_gdal_error());
  return GDALDatasetUniquePtr(ds);
}

bool parse_crs(const std::string& definition, OGRSpatialReference& out) {
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  const OGRErr err = out.SetFromUserInput(definition.c_str());
  CPLPopErrorHandler();
  if (err != OGRERR_NONE) return false;
  out.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return true;
}

}  // namespace paddymrv
