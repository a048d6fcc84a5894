#pragma once
// Shared by the two floor programs of the end-to-end benchmark (issue #6):
// the asset paths of a STAC ItemCollection, resolved as the pipeline does
// (relative hrefs against the JSON file's folder), and an optional filter on
// asset keys. Deliberately independent of paddymrv's own catalogue code: a
// floor must not inherit the engine's costs.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace floor_bench {

struct AssetRef {
  std::string key;
  std::string path;
};

inline std::set<std::string> split_keys(const std::string& csv) {
  std::set<std::string> keys;
  std::stringstream ss(csv);
  for (std::string k; std::getline(ss, k, ',');) {
    if (!k.empty()) keys.insert(k);
  }
  return keys;
}

// Every raster asset of every item (keys in `only` when it is not empty).
inline std::vector<AssetRef> stac_assets(const std::string& items_json, const std::set<std::string>& only) {
  std::ifstream in(items_json);
  if (!in) throw std::runtime_error(items_json + ": cannot open");
  const auto doc = nlohmann::json::parse(in);
  const auto folder = std::filesystem::path(items_json).parent_path();
  std::vector<AssetRef> out;
  for (const auto& item : doc.at("features")) {
    if (!item.contains("assets")) continue;
    for (const auto& [key, asset] : item.at("assets").items()) {
      if (!only.empty() && !only.count(key)) continue;
      const std::string href = asset.value("href", "");
      if (href.empty()) continue;
      const std::string type = asset.value("type", "");
      if (!type.empty() && type.find("image/tiff") == std::string::npos && type.find("jp2") == std::string::npos) {
        continue;  // thumbnails, metadata
      }
      const bool absolute = href.front() == '/' || href.rfind("/vsi", 0) == 0;
      out.push_back({key, absolute ? href : (folder / href).lexically_normal().string()});
    }
  }
  return out;
}

}  // namespace floor_bench
