#pragma once
// A scene as the pipeline knows it once the catalogue has been read: one
// acquisition of one sensor, its assets under canonical keys, and its
// provenance status (used / quarantined / skipped, with the reason).
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace paddymrv {

enum class Sensor { sentinel1, sentinel2 };

inline const char* sensor_name(Sensor s) { return s == Sensor::sentinel1 ? "sentinel-1" : "sentinel-2"; }

struct Asset {
  std::string key;   // canonical: vv, vh; B02 … B12, B8A, SCL
  std::string href;  // as written in the catalogue
  std::string path;  // resolved: absolute file path or GDAL /vsi… path
  double scale = 1.0;
  double offset = 0.0;
  std::optional<double> nodata;  // from raster:bands[0].nodata; NaN allowed
  std::string sha256;            // filled by provenance hashing
  // Backscatter delivered in dB instead of linear power (found by the scene
  // check); the reader converts it, so kernels always see linear power.
  bool decibels = false;
};

// The canonical Sentinel-2 band keys the products read (stac_catalog maps
// common names such as "red" or "nir" onto them). Declared once: the readers
// and the scene check (provenance.cpp, required bands) use these names.
namespace s2_band {
inline constexpr const char* red = "B04";        // NDVI
inline constexpr const char* red_edge1 = "B05";  // NDRE
inline constexpr const char* nir = "B08";        // NDVI, LSWI, NDRE
inline constexpr const char* swir1 = "B11";      // LSWI
}  // namespace s2_band

enum class SceneStatus { used, quarantined, skipped };

inline const char* status_name(SceneStatus s) {
  switch (s) {
    case SceneStatus::used: return "used";
    case SceneStatus::quarantined: return "quarantined";
    case SceneStatus::skipped: return "skipped";
  }
  return "?";
}

struct Scene {
  std::string id;
  Sensor sensor = Sensor::sentinel1;
  std::string platform;
  std::string datetime;  // as written (RFC 3339)
  std::chrono::sys_seconds time{};
  double cloud_cover = -1;  // eo:cloud_cover in %, −1 unknown (S1)
  std::string orbit_state;
  int relative_orbit = -1;
  std::map<std::string, Asset> assets;  // canonical key → asset
  std::string sha256;                   // over the assets' hashes, see provenance.hpp
  SceneStatus status = SceneStatus::used;
  std::string reason;  // why quarantined / skipped

  std::chrono::sys_days day() const { return std::chrono::floor<std::chrono::days>(time); }
};

}  // namespace paddymrv
