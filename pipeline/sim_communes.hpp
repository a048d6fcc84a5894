#pragma once
// The simulated communes: an exact tiling of the analysis-grid rectangle by
// n polygons with irregular (wavy, zig-zag, not pixel-aligned) internal
// boundaries, arranged in staggered rows like real administrative units.
//
// Rows are separated by curves y = h(x) running across the whole width;
// inside a row, communes are separated by curves x = g(y). Both are
// polylines sampled every ~24 m, so a pixel's commune can be decided
// exactly and fast from the curves (index_at), and agrees with the polygons
// (intersections of a column strip and a row band, built with GEOS).
#include <ogr_geometry.h>

#include <string>
#include <vector>

#include "pipeline/simulator.hpp"

namespace paddymrv::sim {

class CommunePartition {
 public:
  explicit CommunePartition(const SimulationParams& params);

  int size() const { return static_cast<int>(codes_.size()); }
  const std::string& code(int i) const { return codes_[static_cast<std::size_t>(i)]; }
  const std::string& name(int i) const { return names_[static_cast<std::size_t>(i)]; }
  const OGRGeometry& polygon(int i) const { return *polygons_[static_cast<std::size_t>(i)]; }  // UTM
  double area_m2(int i) const;

  // The commune containing a UTM point; −1 outside the rectangle.
  int index_at(double x, double y) const;

 private:
  // A polyline given as values v_i at positions start + i·step along an axis.
  struct Curve {
    double start = 0, step = 1;
    std::vector<double> values;
    double at(double s) const;
  };

  double x0_, y0_, x1_, y1_;             // rectangle: x0 < x1, y1 < y0
  std::vector<Curve> rows_;              // y = h(x) between row k and k+1, top to bottom
  std::vector<std::vector<Curve>> cols_; // per row: x = g(y) between columns, left to right
  std::vector<int> row_first_;           // index of a row's first commune
  std::vector<std::string> codes_, names_;
  std::vector<OGRGeometryUniquePtr> polygons_;
};

}  // namespace paddymrv::sim
