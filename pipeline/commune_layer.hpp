#pragma once
// The communes of the run: identity (code, UTF-8 name) and polygons
// reprojected to the analysis grid's CRS, rasterised block by block onto the
// grid (pixel-centre rule) as indices into the commune table.
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

class CommuneLayer {
 public:
  // Reads every polygon feature of the first layer. Throws InputError naming
  // the file when it cannot be read, has no polygons, lacks the code or
  // name field (the message lists the fields it does have), or cannot be
  // reprojected to the grid CRS.
  CommuneLayer(const std::string& path, const std::string& code_field, const std::string& name_field,
               const OGRSpatialReference& grid_crs);
  ~CommuneLayer();
  CommuneLayer(CommuneLayer&&) noexcept;
  CommuneLayer& operator=(CommuneLayer&&) noexcept;

  std::size_t size() const { return codes_.size(); }
  const std::vector<std::string>& codes() const { return codes_; }
  const std::vector<std::string>& names() const { return names_; }
  Bounds bounds() const { return bounds_; }  // in grid CRS

  // Fills out[w.pixels()] with the commune row of each pixel centre, −1 outside.
  // Thread-safe: geometries are only read.
  void rasterize(const AnalysisGrid& grid, const PixelWindow& w, std::vector<std::int32_t>& out) const;

 private:
  std::vector<std::string> codes_, names_;
  std::vector<std::unique_ptr<OGRGeometry>> geometries_;  // grid CRS
  std::vector<Bounds> envelopes_;
  Bounds bounds_{};
};

}  // namespace paddymrv
