#include "pipeline/polygon_layer.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"

namespace paddymrv {

PolygonLayer::~PolygonLayer() = default;
PolygonLayer::PolygonLayer(PolygonLayer&&) noexcept = default;
PolygonLayer& PolygonLayer::operator=(PolygonLayer&&) noexcept = default;

PolygonLayer::PolygonLayer(const std::string& path, const std::string& code_field, const std::string& name_field,
                           const OGRSpatialReference& grid_crs, const std::string& settings_hint,
                           bool accept_points) {
  auto ds = open_vector(path);
  if (ds->GetLayerCount() < 1) throw InputError(path + ": has no layer");
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  if (layer->GetFeatureCount() == 0) throw InputError(path + ": contains no polygon features (the layer is empty)");
  const int code_idx = defn->GetFieldIndex(code_field.c_str());
  const int name_idx = defn->GetFieldIndex(name_field.c_str());
  if (code_idx < 0 || name_idx < 0) {
    std::string have;
    for (int i = 0; i < defn->GetFieldCount(); ++i) have += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    throw InputError(path + ": no field '" + (code_idx < 0 ? code_field : name_field) +
                     "' (fields present: " + have + ")" + (settings_hint.empty() ? "" : "; set " + settings_hint));
  }
  for (const int idx : {code_idx, name_idx}) {
    const OGRFieldType ft = defn->GetFieldDefn(idx)->GetType();
    if (ft != OFTString && ft != OFTInteger && ft != OFTInteger64 && ft != OFTReal) {
      throw InputError(path + ": field '" + defn->GetFieldDefn(idx)->GetNameRef() + "' holds " +
                       OGRFieldDefn::GetFieldTypeName(ft) + " values; expected text or a number");
    }
  }
  const OGRSpatialReference* src_crs = layer->GetSpatialRef();
  OGRSpatialReference wgs84;
  if (!src_crs) {
    // RFC 7946: GeoJSON without a crs member is WGS 84 lon/lat.
    wgs84.importFromEPSG(4326);
    src_crs = &wgs84;
  }
  OGRSpatialReference src(*src_crs);
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference dst(grid_crs);
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CoordinateTransformationPtr ct(OGRCreateCoordinateTransformation(&src, &dst));
  if (!ct) throw InputError(path + ": cannot transform its CRS to the grid CRS: " + last_gdal_error());

  bounds_ = {INFINITY, INFINITY, -INFINITY, -INFINITY};
  layer->ResetReading();
  std::size_t ignored = 0;  // features without a polygon: counted and reported, not fatal
  std::string first_ignored;
  for (auto& feature : *layer) {
    const std::string fid = "feature " + std::to_string(feature->GetFID());
    const OGRGeometry* g = feature->GetGeometryRef();
    const auto type = g ? wkbFlatten(g->getGeometryType()) : wkbNone;
    const bool point = type == wkbPoint || type == wkbMultiPoint;
    if (!g || g->IsEmpty() || (type != wkbPolygon && type != wkbMultiPolygon && !(accept_points && point))) {
      if (ignored++ == 0) first_ignored = fid + (g ? std::string(" is a ") + OGRGeometryTypeToName(type) : " has no geometry");
      continue;
    }
    std::unique_ptr<OGRGeometry> geom(g->clone());
    if (!point && !geom->IsValid()) {
      // Self-intersections, bow ties, unclosed rings: repaired the way GEOS
      // does (MakeValid), keeping only the polygonal part, and reported.
      std::unique_ptr<OGRGeometry> fixed(geom->MakeValid());
      std::unique_ptr<OGRGeometry> polygons;
      if (fixed && !fixed->IsEmpty()) {
        const auto ft = wkbFlatten(fixed->getGeometryType());
        if (ft == wkbPolygon || ft == wkbMultiPolygon) {
          polygons = std::move(fixed);
        } else if (ft == wkbGeometryCollection) {
          auto multi = std::make_unique<OGRMultiPolygon>();
          for (const OGRGeometry* part : *fixed->toGeometryCollection()) {
            const auto pt = wkbFlatten(part->getGeometryType());
            if (pt == wkbPolygon) multi->addGeometry(part);
            if (pt == wkbMultiPolygon)
              for (const OGRPolygon* p : *part->toMultiPolygon()) multi->addGeometry(p);
          }
          if (!multi->IsEmpty()) polygons = std::move(multi);
        }
      }
      if (!polygons) throw InputError(path + ": " + fid + ": invalid polygon that cannot be repaired");
      spdlog::warn("{}: {}: invalid polygon (self-intersecting or badly ringed), repaired", path, fid);
      geom = std::move(polygons);
    }
    if (src.IsGeographic()) {
      // A typo such as 1039.52 for 103.952 is not a place on Earth: refuse it
      // by name rather than reproject nonsense (found by fuzz_claims).
      OGREnvelope ll;  // x = longitude: OAMS_TRADITIONAL_GIS_ORDER above
      geom->getEnvelope(&ll);
      if (!(ll.MinX >= -180 && ll.MaxX <= 360 && ll.MinY >= -90 && ll.MaxY <= 90))
        throw InputError(path + ": " + fid + ": coordinates outside longitude −180…360 / latitude −90…90 (x " +
                         std::to_string(ll.MinX) + "…" + std::to_string(ll.MaxX) + ", y " + std::to_string(ll.MinY) +
                         "…" + std::to_string(ll.MaxY) + ")");
      // Densify so long lon/lat edges follow their true path in the grid CRS;
      // the step grows with the feature so a continent-sized polygon costs
      // at most ~10^4 vertices per edge, not millions.
      const double extent = std::max(ll.MaxX - ll.MinX, ll.MaxY - ll.MinY);
      geom->segmentize(std::max(0.001, extent / 1e4));
    }
    if (geom->transform(ct.get()) != OGRERR_NONE) {
      throw InputError(path + ": feature " + std::to_string(feature->GetFID()) + " cannot be reprojected to the grid CRS");
    }
    OGREnvelope env;
    geom->getEnvelope(&env);
    if (!std::isfinite(env.MinX) || !std::isfinite(env.MinY) || !std::isfinite(env.MaxX) || !std::isfinite(env.MaxY))
      throw InputError(path + ": " + fid + ": coordinates are not finite in the grid CRS");
    envelopes_.push_back({env.MinX, env.MinY, env.MaxX, env.MaxY});
    bounds_.xmin = std::min(bounds_.xmin, env.MinX);
    bounds_.ymin = std::min(bounds_.ymin, env.MinY);
    bounds_.xmax = std::max(bounds_.xmax, env.MaxX);
    bounds_.ymax = std::max(bounds_.ymax, env.MaxY);
    ids_.emplace_back(feature->IsFieldSetAndNotNull(code_idx) ? feature->GetFieldAsString(code_idx) : "");
    labels_.emplace_back(feature->IsFieldSetAndNotNull(name_idx) ? feature->GetFieldAsString(name_idx) : "");
    geometries_.push_back(std::move(geom));
  }
  if (ignored > 0) {
    spdlog::warn("{}: {} feature(s) without a {} geometry ignored (first: {})", path, ignored,
                 accept_points ? "polygon or point" : "polygon", first_ignored);
  }
  if (geometries_.empty()) {
    throw InputError(path + (accept_points ? ": contains no polygon or point features" : ": contains no polygon features") +
                     (ignored ? " (" + std::to_string(ignored) + " other features; first: " + first_ignored + ")" : ""));
  }
}

std::string PolygonLayer::wkt(std::size_t i) const {
  char* text = nullptr;
  geometries_.at(i)->exportToWkt(&text);
  std::string out = text ? text : "";
  CPLFree(text);
  return out;
}

void PolygonLayer::rasterize(const AnalysisGrid& grid, const PixelWindow& w, std::vector<std::int32_t>& out) const {
  out.assign(w.pixels(), -1);
  const auto gt = grid.geotransform(w);
  const Bounds win{gt[0], gt[3] - w.height * grid.resolution, gt[0] + w.width * grid.resolution, gt[3]};
  std::vector<OGRGeometryH> geoms;
  std::vector<double> burn;
  for (std::size_t i = 0; i < geometries_.size(); ++i) {
    const Bounds& e = envelopes_[i];
    if (e.xmax < win.xmin || e.xmin > win.xmax || e.ymax < win.ymin || e.ymin > win.ymax) continue;
    geoms.push_back(OGRGeometry::ToHandle(geometries_[i].get()));
    burn.push_back(static_cast<double>(i));
  }
  if (geoms.empty()) return;
  // A MEM dataset wrapping our own buffer: GDAL burns straight into `out`.
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", w.width, w.height, 0, GDT_Int32, nullptr));
  char ptr[64];
  std::snprintf(ptr, sizeof ptr, "DATAPOINTER=%p", static_cast<void*>(out.data()));
  char* options[] = {ptr, nullptr};
  ds->AddBand(GDT_Int32, options);
  double g6[6];
  std::copy(gt.begin(), gt.end(), g6);
  ds->SetGeoTransform(g6);
  int band = 1;
  const CPLErr err = GDALRasterizeGeometries(ds.get(), 1, &band, static_cast<int>(geoms.size()), geoms.data(),
                                             nullptr, nullptr, burn.data(), nullptr, nullptr, nullptr);
  if (err != CE_None) throw Error("rasterising communes: " + last_gdal_error());
}

}  // namespace paddymrv
