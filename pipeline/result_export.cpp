#include "pipeline/result_export.hpp"

#include <unistd.h>

#include <algorithm>

#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/result_reader.hpp"

namespace paddymrv {

namespace {

struct MapSpec {
  const char* path;
  GDALDataType type;
};
const MapSpec kMaps[] = {
    {"/maps/crop_class", GDT_Byte},          {"/maps/water_regime", GDT_Byte},
    {"/maps/drainage_events", GDT_Byte},     {"/maps/commune_index", GDT_Int32},
    {"/qa/s1_observation_count", GDT_UInt16}, {"/qa/s2_clear_count", GDT_UInt16},
    {"/qa/s1_max_gap_days", GDT_UInt16},     {"/qa/regime_confidence", GDT_Byte},
    {"/qa/cultivation_days", GDT_UInt16},
};

std::filesystem::path temp_name(const std::filesystem::path& p) {
  return p.string() + ".tmp-" + std::to_string(::getpid()) + p.extension().string();
}

template <class T>
void copy_strips(const ResultReader& r, const char* path, GDALRasterBand* band, int width, int height) {
  constexpr int kStrip = 256;
  for (int y = 0; y < height; y += kStrip) {
    const int h = std::min(kStrip, height - y);
    auto rows = r.read_window<T>(path, {0, y, width, h});
    GDALDataType t = sizeof(T) == 1 ? GDT_Byte : sizeof(T) == 2 ? GDT_UInt16 : GDT_Int32;
    if (band->RasterIO(GF_Write, 0, y, width, h, rows.data(), width, h, t, 0, 0, nullptr) != CE_None) {
      throw Error("export: writing " + std::string(path) + ": " + last_gdal_error());
    }
  }
}

std::filesystem::path export_map(const ResultReader& r, const MapSpec& m, const std::filesystem::path& dir) {
  const auto dims = r.dims(m.path);
  const int height = static_cast<int>(dims.at(0)), width = static_cast<int>(dims.at(1));
  std::string name = std::string(m.path).substr(1);
  for (char& c : name)
    if (c == '/') c = '_';
  const auto final_path = dir / (name + ".tif");
  const auto strip_path = temp_name(dir / (name + ".strips.tif"));
  const auto tmp_path = temp_name(final_path);
  {
    // A tiled GTiff first: the COG driver writes only by CreateCopy.
    const char* opts[] = {"TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER", nullptr};
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(gtiff->Create(strip_path.c_str(), width, height, 1, m.type, const_cast<char**>(opts)));
    if (!ds) throw Error(strip_path.string() + ": cannot create: " + last_gdal_error());
    auto gt = r.attribute_doubles(m.path, "geotransform");
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(r.attribute_string(m.path, "crs_wkt").c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(r.attribute_double(m.path, "_FillValue"));
    band->SetDescription(r.attribute_string(m.path, "description").c_str());
    if (m.type == GDT_Byte) copy_strips<std::uint8_t>(r, m.path, band, width, height);
    if (m.type == GDT_UInt16) copy_strips<std::uint16_t>(r, m.path, band, width, height);
    if (m.type == GDT_Int32) copy_strips<std::int32_t>(r, m.path, band, width, height);
    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    // Categorical maps: overviews by nearest, never averaged.
    const char* cog_opts[] = {"COMPRESS=DEFLATE", "OVERVIEW_RESAMPLING=NEAREST", nullptr};
    GDALDatasetUniquePtr out(cog->CreateCopy(tmp_path.c_str(), ds.get(), FALSE, const_cast<char**>(cog_opts), nullptr, nullptr));
    if (!out) throw Error(tmp_path.string() + ": cannot write the COG: " + last_gdal_error());
  }
  GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
  gtiff->Delete(strip_path.c_str());
  std::filesystem::rename(tmp_path, final_path);
  return final_path;
}

std::filesystem::path export_communes(const ResultReader& r, const std::filesystem::path& dir) {
  const auto final_path = dir / "communes.gpkg";
  const auto tmp_path = temp_name(final_path);
  const auto code = r.read_strings("/communes/code");
  const auto name = r.read_strings("/communes/name");
  const auto shapes = r.read_strings("/communes/geometry_wkt");
  const std::size_t n = code.size();
  struct Column {
    std::string field;
    std::vector<double> values;
  };
  std::vector<Column> cols;
  for (const char* p : {"area_ha", "rice_area_ha", "awd_area_ha", "ch4_baseline_t", "ch4_project_t",
                        "ch4_reduction_t", "co2e_reduction_t"}) {
    cols.push_back({p, r.read<double>(std::string("/communes/") + p)});
  }
  const auto ci = r.read<double>("/communes/ch4_reduction_ci95_t");
  const auto regime = r.read<double>("/communes/water_regime_area_ha");
  auto every = [n](const std::vector<double>& v, std::size_t stride, std::size_t k) {
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = v[i * stride + k];
    return out;
  };
  cols.push_back({"ch4_reduction_ci95_low_t", every(ci, 2, 0)});
  cols.push_back({"ch4_reduction_ci95_high_t", every(ci, 2, 1)});
  const char* regimes[] = {"cf_area_ha", "single_drainage_area_ha", "multiple_drainage_area_ha", "undetermined_area_ha"};
  for (std::size_t k = 0; k < 4; ++k) cols.push_back({regimes[k], every(regime, 4, k)});
  // Crop areas per class with their 95 % intervals, when a model was given:
  // what a verifier compares commune by commune in a GIS.
  if (r.exists("/communes/crop_area_adjusted_ha") && !r.has_attribute("/communes/crop_area_ha", "status")) {
    const auto labels = r.attribute_strings("/communes/crop_area_ha", "labels");
    const auto mapped = r.read<double>("/communes/crop_area_ha");
    const auto adjusted = r.read<double>("/communes/crop_area_adjusted_ha");
    const auto half = r.read<double>("/communes/crop_area_ci95_ha");
    const std::size_t C = labels.size();
    for (std::size_t k = 0; k < C; ++k) {
      std::vector<double> low(n), high(n);
      for (std::size_t i = 0; i < n; ++i) {
        // As the result's `bounds` say: an area is never below 0.
        low[i] = std::max(0.0, adjusted[i * C + k] - half[i * C + k]);
        high[i] = adjusted[i * C + k] + half[i * C + k];
      }
      const std::string crop = "crop_" + labels[k];
      cols.push_back({crop + "_ha", every(mapped, C, k)});
      cols.push_back({crop + "_adjusted_ha", every(adjusted, C, k)});
      cols.push_back({crop + "_ci95_low_ha", low});
      cols.push_back({crop + "_ci95_high_ha", high});
    }
  }

  OGRSpatialReference srs;
  srs.importFromWkt(r.attribute_string("/communes/geometry_wkt", "crs_wkt").c_str());
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  {
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(gpkg->Create(tmp_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw Error(tmp_path.string() + ": cannot create the GeoPackage: " + last_gdal_error());
    OGRLayer* layer = ds->CreateLayer("communes", &srs, wkbMultiPolygon, nullptr);
    OGRFieldDefn fcode("commune_code", OFTString), fname("commune_name", OFTString);
    layer->CreateField(&fcode);
    layer->CreateField(&fname);
    for (const auto& c : cols) {
      OGRFieldDefn f(c.field.c_str(), OFTReal);
      layer->CreateField(&f);
    }
    ds->StartTransaction();
    for (std::size_t i = 0; i < n; ++i) {
      OGRFeatureUniquePtr feat(OGRFeature::CreateFeature(layer->GetLayerDefn()));
      feat->SetField("commune_code", code[i].c_str());
      feat->SetField("commune_name", name[i].c_str());
      for (const auto& c : cols) {
        if (std::isnan(c.values[i])) continue;  // unknown stays NULL, never 0
        feat->SetField(c.field.c_str(), c.values[i]);
      }
      OGRGeometry* g = nullptr;
      if (OGRGeometryFactory::createFromWkt(shapes[i].c_str(), &srs, &g) == OGRERR_NONE && g) {
        feat->SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
      }
      if (layer->CreateFeature(feat.get()) != OGRERR_NONE) throw Error(tmp_path.string() + ": " + last_gdal_error());
    }
    ds->CommitTransaction();
  }
  std::filesystem::rename(tmp_path, final_path);
  return final_path;
}

}  // namespace

ExportSummary export_result(const std::filesystem::path& result, const std::filesystem::path& dir) {
  gdal_init();
  const ResultReader r(result);
  std::filesystem::create_directories(dir);
  ExportSummary s;
  for (const auto& m : kMaps)
    if (r.exists(m.path)) s.written.push_back(export_map(r, m, dir));
  s.written.push_back(export_communes(r, dir));
  return s;
}

}  // namespace paddymrv
