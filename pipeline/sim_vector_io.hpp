#pragma once
// Vector output of the simulator: polygons built in UTM (EPSG:32648) and
// written as GeoJSON in EPSG:4326 (lon/lat order), their edges densified
// first so that a straight UTM edge stays on the same ground after the
// transformation. Coordinates keep full double precision: the communes
// must still tile the analysis rectangle exactly when read back to UTM.
#include <ogr_geometry.h>

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace paddymrv::sim {

// Densifies to ≤ max_segment_m and transforms EPSG:32648 → EPSG:4326.
OGRGeometryUniquePtr utm_to_wgs84(const OGRGeometry& utm, double max_segment_m);

OGRGeometryUniquePtr utm_rectangle(double xmin, double ymin, double xmax, double ymax);

struct AttributeDef {
  std::string name;
  bool integer = false;  // else string
};
using AttributeValue = std::variant<int, std::string>;

struct VectorFeature {
  OGRGeometryUniquePtr geometry;  // UTM
  std::vector<AttributeValue> values;  // in AttributeDef order
};

// Writes a GeoJSON FeatureCollection (replacing the file). Throws
// paddymrv::Error naming the file on failure.
void write_geojson(const std::filesystem::path& path, const std::string& layer_name,
                   const std::vector<AttributeDef>& attributes, const std::vector<VectorFeature>& features,
                   double max_segment_m);

}  // namespace paddymrv::sim
