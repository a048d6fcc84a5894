#pragma once
// A polygon layer of the run — the communes (code, UTF-8 name) or the
// claimed fields (claim_id, practice): identity plus polygons reprojected to
// the analysis grid's CRS, rasterised block by block onto the grid
// (pixel-centre rule) as indices into the layer's table.
#include <memory>
#include <string>
#include <vector>

#include "pipeline/analysis_grid.hpp"

class OGRGeometry;
class OGRSpatialReference;

namespace paddymrv {

struct Bounds {
  double xmin, ymin, xmax, ymax;
};

class PolygonLayer {
 public:
  // Reads every polygon feature of the first layer. Throws InputError naming
  // the file when it cannot be read, has no polygons, lacks the code or
  // name field (the message lists the fields it does have), or cannot be
  // reprojected to the grid CRS.
  // `settings_hint` tells the user which config keys name the fields.
  // With `accept_points` (reference samples, DESIGN §3: "polygons or
  // points"), point and multipoint features are kept too and burn the pixel
  // each point falls in; communes and claims are polygons only.
  PolygonLayer(const std::string& path, const std::string& id_field, const std::string& label_field,
               const OGRSpatialReference& grid_crs, const std::string& settings_hint = "",
               bool accept_points = false);
  ~PolygonLayer();
  PolygonLayer(PolygonLayer&&) noexcept;
  PolygonLayer& operator=(PolygonLayer&&) noexcept;

  std::size_t size() const { return ids_.size(); }
  const std::vector<std::string>& ids() const { return ids_; }
  const std::vector<std::string>& labels() const { return labels_; }
  Bounds bounds() const { return bounds_; }  // in grid CRS
  // Geometry i as WKT in the grid CRS (stored with the result for export).
  std::string wkt(std::size_t i) const;

  // Fills out[w.pixels()] with the commune row of each pixel centre, −1 outside.
  // Thread-safe: geometries are only read.
  void rasterize(const AnalysisGrid& grid, const PixelWindow& w, std::vector<std::int32_t>& out) const;

 private:
  std::vector<std::string> ids_, labels_;
  std::vector<std::unique_ptr<OGRGeometry>> geometries_;  // grid CRS
  std::vector<Bounds> envelopes_;
  Bounds bounds_{};
};

}  // namespace paddymrv
