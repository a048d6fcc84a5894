#include "pipeline/sim_stac.hpp"

#include <cpl_conv.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kernels/sim_reflectance.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/sim_vector_io.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kCogType = "image/tiff; application=geotiff; profile=cloud-optimized";

// Common names (STAC eo / Earth Search style) and centre wavelengths (µm,
// Sentinel-2 MSI spec) in Spectrum band order.
struct BandInfo {
  const char* common_key;   // asset key under s2_asset_names = common
  const char* common_name;  // eo:common_name
  double center_um;
};
constexpr BandInfo kBandInfo[ks::kS2BandCount] = {
    {"blue", "blue", 0.490},        {"green", "green", 0.560},       {"red", "red", 0.665},
    {"rededge1", "rededge", 0.705}, {"rededge2", "rededge", 0.740},  {"rededge3", "rededge", 0.783},
    {"nir", "nir", 0.842},          {"nir08", "nir08", 0.865},       {"swir16", "swir16", 1.610},
    {"swir22", "swir22", 2.190}};

Json proj_transform(const RasterGrid& g) {  // affine order a b c d e f
  return Json::array({g.pixel, 0.0, g.origin_x, 0.0, -g.pixel, g.origin_y});
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

// Footprint (EPSG:4326 GeoJSON geometry) and bbox of a UTM polygon.
void footprint(const OGRGeometry& utm, Json& item) {
  OGRGeometryUniquePtr g = utm_to_wgs84(utm, 1000.0);
  char* text = g->exportToJson();
  item["geometry"] = Json::parse(text);
  CPLFree(text);
  OGREnvelope e;
  g->getEnvelope(&e);
  item["bbox"] = Json::array({e.MinX, e.MinY, e.MaxX, e.MaxY});
}

OGRGeometryUniquePtr grid_rectangle(const RasterGrid& g) {
  return utm_rectangle(g.origin_x, g.origin_y - g.height * g.pixel, g.origin_x + g.width * g.pixel, g.origin_y);
}

// The part of the grid inside the swath.
OGRGeometryUniquePtr s1_valid_area(const RasterGrid& g, const SwathEdge& edge) {
  OGRGeometryUniquePtr rect = grid_rectangle(g);
  if (!edge.active) return rect;
  const double big = 1e6;
  const double ya = g.origin_y + big, yb = g.origin_y - g.height * g.pixel - big;
  const double xa = edge.x0 + edge.slope * (ya - edge.y0), xb = edge.x0 + edge.slope * (yb - edge.y0);
  auto ring = std::make_unique<OGRLinearRing>();
  ring->addPoint(xa, ya);
  ring->addPoint(xb, yb);
  ring->addPoint(xb + edge.side * big, yb);
  ring->addPoint(xa + edge.side * big, ya);
  ring->closeRings();
  OGRPolygon half;
  half.addRingDirectly(ring.release());
  OGRGeometryUniquePtr valid(rect->Intersection(&half));
  if (!valid || valid->IsEmpty()) return rect;  // cannot happen: the edge crosses the area
  return valid;
}

Json raster_band(double nodata, const char* data_type) {
  return Json::array({Json{{"nodata", nodata}, {"data_type", data_type}}});
}

Json s1_item(const Acquisition& a, const StacInput& in) {
  const SimulationParams& p = *in.params;
  Json item;
  item["type"] = "Feature";
  item["stac_version"] = "1.0.0";
  item["stac_extensions"] = {"https://stac-extensions.github.io/sar/v1.0.0/schema.json",
                             "https://stac-extensions.github.io/sat/v1.0.0/schema.json",
                             "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
                             "https://stac-extensions.github.io/raster/v1.1.0/schema.json"};
  item["id"] = a.id;
  footprint(*s1_valid_area(in.s1_grid, a.edge), item);
  item["properties"] = Json{{"datetime", a.datetime},
                            {"platform", a.platform},
                            {"constellation", "sentinel-1"},
                            {"instruments", {"c-sar"}},
                            {"sar:instrument_mode", "IW"},
                            {"sar:frequency_band", "C"},
                            {"sar:product_type", "GRD"},
                            {"sar:polarizations", {"VV", "VH"}},
                            {"sat:orbit_state", "descending"},
                            {"sat:relative_orbit", p.s1_relative_orbit},
                            {"proj:epsg", 32648},
                            {"proj:shape", {in.s1_grid.height, in.s1_grid.width}},
                            {"proj:transform", proj_transform(in.s1_grid)}};
  Json assets;
  for (const char* pol : {"vv", "vh"}) {
    Json band = raster_band(-32768, "float32");
    band[0]["unit"] = "linear power";
    assets[pol] = Json{{"href", s1_href(a, pol)},
                       {"type", kCogType},
                       {"title", std::string(pol[1] == 'v' ? "VV" : "VH") + " backscatter, linear power"},
                       {"roles", {"data"}},
                       {"raster:bands", band}};
  }
  item["assets"] = assets;
  item["links"] = Json::array();
  return item;
}

Json s2_item(const Acquisition& a, double cloud_cover, const StacInput& in) {
  const bool common = in.params->s2_asset_names == "common";
  Json item;
  item["type"] = "Feature";
  item["stac_version"] = "1.0.0";
  item["stac_extensions"] = {"https://stac-extensions.github.io/eo/v1.1.0/schema.json",
                             "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
                             "https://stac-extensions.github.io/raster/v1.1.0/schema.json"};
  item["id"] = a.id;
  footprint(*grid_rectangle(in.s2_grids.g20), item);
  item["properties"] = Json{{"datetime", a.datetime},
                            {"platform", a.platform},
                            {"constellation", "sentinel-2"},
                            {"instruments", {"msi"}},
                            {"eo:cloud_cover", round2(cloud_cover)},
                            {"s2:processing_baseline", "05.10"},
                            {"s2:product_type", "S2MSI2A"},
                            {"proj:epsg", 32648}};
  Json assets;
  for (int b = 0; b < ks::kS2BandCount; ++b) {
    const RasterGrid& g = ks::is_10m_band(b) ? in.s2_grids.g10 : in.s2_grids.g20;
    const BandInfo& info = kBandInfo[b];
    Json band = raster_band(0, "uint16");
    band[0]["scale"] = 0.0001;
    band[0]["offset"] = -0.1;  // BOA_ADD_OFFSET −1000 DN since baseline 04.00
    band[0]["spatial_resolution"] = g.pixel;
    const std::string esa = ks::esa_band_name(b);
    assets[common ? info.common_key : esa] =
        Json{{"href", s2_href(a, esa)},
             {"type", kCogType},
             {"title", esa + " (" + info.common_name + ") surface reflectance"},
             {"roles", {"data", "reflectance"}},
             {"gsd", g.pixel},
             {"eo:bands", Json::array({Json{{"name", esa}, {"common_name", info.common_name},
                                            {"center_wavelength", info.center_um}}})},
             {"proj:shape", {g.height, g.width}},
             {"proj:transform", proj_transform(g)},
             {"raster:bands", band}};
  }
  Json scl_band = raster_band(0, "uint8");
  scl_band[0]["spatial_resolution"] = in.s2_grids.g20.pixel;
  assets[common ? "scl" : "SCL"] = Json{{"href", s2_href(a, "SCL")},
                                        {"type", kCogType},
                                        {"title", "Scene classification map (SCL)"},
                                        {"roles", {"data"}},
                                        {"gsd", in.s2_grids.g20.pixel},
                                        {"proj:shape", {in.s2_grids.g20.height, in.s2_grids.g20.width}},
                                        {"proj:transform", proj_transform(in.s2_grids.g20)},
                                        {"raster:bands", scl_band}};
  item["assets"] = assets;
  item["links"] = Json::array();
  return item;
}

}  // namespace

std::string s1_href(const Acquisition& acq, const std::string& pol) { return "s1/" + acq.id + "_" + pol + ".tif"; }
std::string s2_href(const Acquisition& acq, const std::string& band) { return "s2/" + acq.id + "_" + band + ".tif"; }

void write_items_json(const std::filesystem::path& path, const StacInput& in) {
  struct Entry {
    std::string datetime, id;
    Json item;
  };
  std::vector<Entry> entries;
  for (const auto& a : *in.s1) entries.push_back({a.datetime, a.id, s1_item(a, in)});
  for (std::size_t i = 0; i < in.s2->size(); ++i) {
    const auto& a = (*in.s2)[i];
    entries.push_back({a.datetime, a.id, s2_item(a, in.s2_cloud_cover_percent.at(i), in)});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    return x.datetime != y.datetime ? x.datetime < y.datetime : x.id < y.id;
  });
  Json fc;
  fc["type"] = "FeatureCollection";
  fc["features"] = Json::array();
  for (auto& e : entries) fc["features"].push_back(std::move(e.item));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path.string() + ": cannot write");
  out << fc.dump(1) << "\n";
  if (!out) throw Error(path.string() + ": write failed");
}

}  // namespace paddymrv::sim
