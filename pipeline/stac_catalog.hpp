#pragma once
// Reads a STAC ItemCollection (items.json) into scenes (DESIGN §3).
// Sentinel-1 items need assets vv and vh; Sentinel-2 L2A items may name
// their bands the ESA way (B02 … SCL) or by common name (blue … scl) and are
// normalised to the ESA keys. Relative hrefs resolve against the JSON file's
// folder. Items the run cannot use are kept, with a reason, so that
// provenance lists every scene that was offered.
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/scene.hpp"

namespace paddymrv {

struct CatalogOptions {
  std::chrono::sys_days season_start{};
  std::chrono::sys_days season_end{};
  int lookback_days = 0;
  bool allow_network = false;  // http(s)://, s3:// and /vsicurl/-style hrefs
};

struct Catalog {
  std::filesystem::path source;
  // Every item offered, sorted by (time, id): status used, skipped (outside the
  // season, duplicate) or quarantined (malformed item).
  std::vector<Scene> scenes;

  std::vector<const Scene*> used(Sensor s) const;
  std::size_t count(SceneStatus st) const;
};

// Throws InputError naming the file when it is missing or not a STAC
// FeatureCollection; a malformed single item is quarantined instead.
Catalog read_stac_catalog(const std::filesystem::path& items_json, const CatalogOptions& options);

// The same from the JSON text in memory (the fuzz target's entry point);
// `items_json` names the text in messages and its folder resolves hrefs.
Catalog parse_stac_catalog(const std::string& json_text, const std::filesystem::path& items_json,
                           const CatalogOptions& options);

// The ESA key for an S2 asset name of either naming, "" if not a band we use.
std::string canonical_s2_asset(const std::string& name);

}  // namespace paddymrv
