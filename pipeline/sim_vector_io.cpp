#include "pipeline/sim_vector_io.hpp"

#include <cpl_string.h>
#include <ogrsf_frmts.h>

#include <system_error>

#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"

namespace paddymrv::sim {

namespace {

OGRSpatialReference srs_of(int epsg) {
  OGRSpatialReference s;
  s.importFromEPSG(epsg);
  s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // lon/lat, as GeoJSON wants
  return s;
}

}  // namespace

OGRGeometryUniquePtr utm_to_wgs84(const OGRGeometry& utm, double max_segment_m) {
  const OGRSpatialReference src = srs_of(32648), dst = srs_of(4326);
  CoordinateTransformationPtr ct(OGRCreateCoordinateTransformation(&src, &dst));
  if (!ct) throw Error("simulate: cannot create the EPSG:32648 → EPSG:4326 transformation: " + last_gdal_error());
  OGRGeometryUniquePtr g(utm.clone());
  if (max_segment_m > 0) g->segmentize(max_segment_m);
  if (g->transform(ct.get()) != OGRERR_NONE) throw Error("simulate: cannot transform a geometry to EPSG:4326");
  return g;
}

OGRGeometryUniquePtr utm_rectangle(double xmin, double ymin, double xmax, double ymax) {
  auto ring = std::make_unique<OGRLinearRing>();
  // Counter-clockwise exterior (RFC 7946 §3.1.6 recommends it).
  ring->addPoint(xmin, ymin);
  ring->addPoint(xmax, ymin);
  ring->addPoint(xmax, ymax);
  ring->addPoint(xmin, ymax);
  ring->closeRings();
  auto poly = std::make_unique<OGRPolygon>();
  poly->addRingDirectly(ring.release());
  return OGRGeometryUniquePtr(poly.release());
}

void write_geojson(const std::filesystem::path& path, const std::string& layer_name,
                   const std::vector<AttributeDef>& attributes, const std::vector<VectorFeature>& features,
                   double max_segment_m) {
  const std::string where = path.string();
  gdal_init();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GeoJSON");
  if (!driver) throw Error(where + ": GDAL lacks the GeoJSON driver");
  std::error_code ec;
  std::filesystem::remove(path, ec);  // the driver refuses to overwrite
  CPLErrorReset();
  GDALDatasetUniquePtr ds(driver->Create(where.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw Error(where + ": cannot create: " + last_gdal_error());
  OGRSpatialReference wgs84 = srs_of(4326);
  CPLStringList opts;
  // Not RFC7946 mode: it would round coordinates to 7 decimals (~1 cm),
  // enough to make the communes' union miss the grid rectangle.
  opts.SetNameValue("RFC7946", "NO");
  opts.SetNameValue("WRITE_BBOX", "NO");
  OGRLayer* layer = ds->CreateLayer(layer_name.c_str(), &wgs84, wkbUnknown, opts.List());
  if (!layer) throw Error(where + ": cannot create a layer: " + last_gdal_error());
  for (const auto& a : attributes) {
    OGRFieldDefn def(a.name.c_str(), a.integer ? OFTInteger : OFTString);
    if (layer->CreateField(&def) != OGRERR_NONE) throw Error(where + ": cannot create field " + a.name);
  }
  for (const auto& f : features) {
    OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    for (std::size_t i = 0; i < attributes.size() && i < f.values.size(); ++i) {
      const int idx = static_cast<int>(i);
      if (const int* v = std::get_if<int>(&f.values[i])) feature->SetField(idx, *v);
      else feature->SetField(idx, std::get<std::string>(f.values[i]).c_str());
    }
    feature->SetGeometryDirectly(utm_to_wgs84(*f.geometry, max_segment_m).release());
    if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
      throw Error(where + ": cannot write a feature: " + last_gdal_error());
  }
  ds.reset();  // closing writes the file
}

}  // namespace paddymrv::sim
