#pragma once
// `paddymrv export`: a result's maps as Cloud-Optimised GeoTIFFs and its
// commune table as a GeoPackage layer, ready for QGIS. Maps are streamed in
// row strips, so exporting a province does not need the map in memory.
#include <filesystem>
#include <string>
#include <vector>

namespace paddymrv {

struct ExportSummary {
  std::vector<std::filesystem::path> written;
};

// Writes <dir>/<group>_<name>.tif for every map and <dir>/communes.gpkg.
// Each file goes to a temporary name first and is renamed when complete.
ExportSummary export_result(const std::filesystem::path& result, const std::filesystem::path& dir);

}  // namespace paddymrv
