#include "pipeline/stac_catalog.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"

namespace paddymrv {

using nlohmann::json;

std::string canonical_s2_asset(const std::string& name) {
  static const std::map<std::string, std::string> keys = {
      {"B02", "B02"}, {"B03", "B03"}, {"B04", "B04"}, {"B05", "B05"}, {"B06", "B06"},
      {"B07", "B07"}, {"B08", "B08"}, {"B8A", "B8A"}, {"B11", "B11"}, {"B12", "B12"},
      {"SCL", "SCL"},
      // Common names as used by Earth Search / Planetary Computer style catalogues.
      {"blue", "B02"}, {"green", "B03"}, {"red", "B04"}, {"rededge1", "B05"},
      {"rededge2", "B06"}, {"rededge3", "B07"}, {"nir", "B08"}, {"nir08", "B8A"},
      {"swir16", "B11"}, {"swir22", "B12"}, {"scl", "SCL"}};
  const auto it = keys.find(name);
  return it == keys.end() ? std::string() : it->second;
}

std::vector<const Scene*> Catalog::used(Sensor s) const {
  std::vector<const Scene*> out;
  for (const auto& sc : scenes)
    if (sc.sensor == s && sc.status == SceneStatus::used) out.push_back(&sc);
  return out;
}

std::size_t Catalog::count(SceneStatus st) const {
  return static_cast<std::size_t>(
      std::count_if(scenes.begin(), scenes.end(), [st](const Scene& s) { return s.status == st; }));
}

namespace {

std::string resolve_href(const std::filesystem::path& folder, const std::string& href) {
  if (href.rfind("/vsi", 0) == 0) return href;
  std::string h = href;
  if (h.rfind("file://", 0) == 0) h = h.substr(7);
  const std::filesystem::path p(h);
  return (p.is_absolute() ? p : folder / p).lexically_normal().string();
}

std::string text_or(const json& j, const char* key, const std::string& fallback = "") {
  const auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : fallback;
}

// raster:bands[0] of an asset: scale, offset, nodata ("nan" strings allowed).
void read_raster_band(const json& asset, Asset& a) {
  const auto bands = asset.find("raster:bands");
  if (bands == asset.end() || !bands->is_array() || bands->empty()) return;
  const json& b = (*bands)[0];
  if (auto s = b.find("scale"); s != b.end() && s->is_number()) a.scale = s->get<double>();
  if (auto o = b.find("offset"); o != b.end() && o->is_number()) a.offset = o->get<double>();
  if (auto n = b.find("nodata"); n != b.end()) {
    if (n->is_number()) {
      a.nodata = n->get<double>();
    } else if (n->is_string()) {
      const std::string t = n->get<std::string>();
      if (t == "nan" || t == "NaN") a.nodata = std::nan("");
    }
  }
}

bool is_network_path(const std::string& p) {
  for (const char* prefix : {"http://", "https://", "ftp://", "s3://", "gs://", "/vsicurl", "/vsis3", "/vsigs",
                             "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift", "/vsihdfs", "/vsiwebhdfs"}) {
    if (p.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// A relative href must stay inside the catalogue's folder: "../../etc/…"
// in a catalogue is either a mistake or an attack.
bool escapes(const std::filesystem::path& folder, const std::string& href) {
  if (href.rfind("/vsi", 0) == 0 || std::filesystem::path(href).is_absolute()) return false;
  const auto rel = std::filesystem::path(href).lexically_normal();
  return !rel.empty() && *rel.begin() == "..";
}

Scene parse_item(const json& item, const std::filesystem::path& folder, bool allow_network) {
  Scene s;
  if (!item.is_object()) throw std::invalid_argument("item is not a JSON object");
  s.id = text_or(item, "id");
  if (s.id.empty()) throw std::invalid_argument("item has no id");
  const auto props = item.find("properties");
  if (props == item.end() || !props->is_object()) throw std::invalid_argument("no properties");
  s.datetime = text_or(*props, "datetime");
  // Bounded first: std::regex recurses per character, and a hostile
  // 100 kB "fraction" would overflow the stack.
  if (s.datetime.size() > 64) throw std::invalid_argument("properties.datetime is not RFC 3339 (" +
                                                          std::to_string(s.datetime.size()) + " characters)");
  const auto t = parse_rfc3339(s.datetime);
  if (!t) throw std::invalid_argument("properties.datetime '" + s.datetime + "' is not RFC 3339");
  s.time = *t;
  s.platform = text_or(*props, "platform");
  std::string constellation = text_or(*props, "constellation");
  if (constellation.empty()) constellation = s.platform.substr(0, std::min<std::size_t>(10, s.platform.size()));
  if (constellation == "sentinel-1") {
    s.sensor = Sensor::sentinel1;
  } else if (constellation == "sentinel-2") {
    s.sensor = Sensor::sentinel2;
  } else {
    throw std::invalid_argument("not a Sentinel-1 or Sentinel-2 item (constellation '" + constellation +
                                "', platform '" + s.platform + "')");
  }
  s.orbit_state = text_or(*props, "sat:orbit_state");
  if (auto r = props->find("sat:relative_orbit"); r != props->end() && r->is_number_integer())
    s.relative_orbit = r->get<int>();
  if (auto cc = props->find("eo:cloud_cover"); cc != props->end() && cc->is_number())
    s.cloud_cover = cc->get<double>();

  const auto assets = item.find("assets");
  if (assets == item.end() || !assets->is_object()) throw std::invalid_argument("no assets");
  for (const auto& [name, asset] : assets->items()) {
    const std::string key = s.sensor == Sensor::sentinel1 ? (name == "vv" || name == "vh" ? name : "")
                                                           : canonical_s2_asset(name);
    if (key.empty()) continue;  // thumbnails, metadata, bands we do not use
    Asset a;
    a.key = key;
    a.href = text_or(asset, "href");
    if (a.href.empty()) throw std::invalid_argument("asset " + name + " has no href");
    if (!allow_network && is_network_path(a.href)) {
      throw std::invalid_argument("asset " + name + " is a network path (" + a.href +
                                  "), not allowed (inputs.allow_network)");
    }
    if (a.href.rfind("file://", 0) != 0 && escapes(folder, a.href)) {
      throw std::invalid_argument("asset " + name + " href " + a.href + " leaves the catalogue's folder");
    }
    a.path = resolve_href(folder, a.href);
    read_raster_band(asset, a);
    if (s.assets.count(key)) throw std::invalid_argument("asset " + key + " given twice (" + name + ")");
    s.assets.emplace(key, std::move(a));
  }
  if (s.sensor == Sensor::sentinel1) {
    for (const char* k : {"vv", "vh"})
      if (!s.assets.count(k)) throw std::invalid_argument(std::string("Sentinel-1 item lacks asset ") + k);
  } else if (!s.assets.count("SCL")) {
    throw std::invalid_argument("Sentinel-2 item lacks the SCL asset (scl)");
  }
  return s;
}

}  // namespace

Catalog read_stac_catalog(const std::filesystem::path& items_json, const CatalogOptions& opt) {
  std::ifstream in(items_json, std::ios::binary);
  if (!in) throw InputError(items_json.string() + ": cannot open the STAC catalogue");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(items_json.string() + ": cannot read the STAC catalogue");
  return parse_stac_catalog(text, items_json, opt);
}

Catalog parse_stac_catalog(const std::string& text, const std::filesystem::path& items_json,
                           const CatalogOptions& opt) {
  const std::string where = items_json.string();
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // syntax, and numbers out of range (1e400)
    throw InputError(where + ": malformed JSON (" + std::string(e.what()) + ")");
  }
  if (!doc.is_object() || text_or(doc, "type") != "FeatureCollection" || !doc.contains("features") ||
      !doc["features"].is_array()) {
    throw InputError(where + ": not a STAC ItemCollection (expected a GeoJSON FeatureCollection with features)");
  }
  Catalog cat;
  cat.source = items_json;
  const auto folder = items_json.has_parent_path() ? items_json.parent_path() : std::filesystem::path(".");
  std::size_t index = 0;
  for (const auto& item : doc["features"]) {
    Scene s;
    try {
      s = parse_item(item, folder, opt.allow_network);
    } catch (const std::exception& e) {
      s = Scene{};
      s.id = item.is_object() ? text_or(item, "id", "#" + std::to_string(index)) : "#" + std::to_string(index);
      s.status = SceneStatus::quarantined;
      s.reason = where + ": item " + s.id + ": " + e.what();
    }
    ++index;
    cat.scenes.push_back(std::move(s));
  }
  std::stable_sort(cat.scenes.begin(), cat.scenes.end(), [](const Scene& a, const Scene& b) {
    return a.time != b.time ? a.time < b.time : a.id < b.id;
  });

  const auto first_day = opt.season_start - std::chrono::days{opt.lookback_days};
  std::set<std::string> ids;
  std::map<std::string, std::string> acquisitions;  // sensor|platform|datetime → id
  for (auto& s : cat.scenes) {
    if (s.status != SceneStatus::used) continue;
    if (!ids.insert(s.id).second) {
      s.status = SceneStatus::skipped;
      s.reason = "duplicate item id";
      continue;
    }
    const std::string acq = std::string(sensor_name(s.sensor)) + "|" + s.platform + "|" + format_rfc3339(s.time);
    if (auto [it, fresh] = acquisitions.emplace(acq, s.id); !fresh) {
      s.status = SceneStatus::skipped;
      s.reason = "duplicate acquisition of " + it->second;
      continue;
    }
    if (s.day() < first_day || s.day() > opt.season_end) {
      s.status = SceneStatus::skipped;
      s.reason = "outside the season " + format_iso_date(opt.season_start) + "/" + format_iso_date(opt.season_end);
    }
  }
  return cat;
}

}  // namespace paddymrv
