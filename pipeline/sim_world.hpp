#pragma once
// The simulated landscape: a mosaic of rectangular fields on a 10 m lattice
// that extends the analysis grid by kMargin pixels on every side (the
// Sentinel-1 and Sentinel-2 grids look beyond the area). Land-use blocks
// ("zones": rice terraces, forest, tea, orchards, annual crops, villages,
// ponds) come from recursive random splits of the area, separated here and
// there by 1-px paths and roads; each zone is split again into fields
// (small terraces for rice, larger fields for the rest). Every field carries
// its class, per-field variability and, for rice, its water-management plan.
#include <cstdint>
#include <vector>

#include "kernels/sim_cover.hpp"
#include "kernels/sim_reflectance.hpp"
#include "pipeline/simulator.hpp"

namespace paddymrv::sim {

struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;  // world pixels, x right, y down
  int area() const { return w * h; }
};

struct SimField {
  std::int32_t id = 0;  // 1-based; fields()[id - 1]
  PixelRect rect;
  int cls = 0;  // class code (kernels/sim_cover.hpp)
  kernels::sim::FieldTraits traits;
  kernels::sim::RicePlan rice;  // meaningful when cls == kRice
  double level_db = 0;          // radar level offset of the field, both polarisations
  double vv_db = 0, vh_db = 0;  // extra per-polarisation offsets
  kernels::sim::FieldOptics optics;  // per-field reflectance gains; class table values by default

  bool is_rice() const { return cls == kernels::sim::kRice; }
  kernels::sim::Regime regime() const { return is_rice() ? rice.regime : kernels::sim::Regime::none; }
};

class SimWorld {
 public:
  static constexpr int kMargin = 32;  // world pixels beyond the analysis grid on each side

  explicit SimWorld(const SimulationParams& params);

  int width() const { return width_; }
  int height() const { return height_; }
  double origin_x() const { return origin_x_; }  // world lattice top-left, UTM m
  double origin_y() const { return origin_y_; }
  int season_days() const { return season_days_; }  // day numbers run 0 … season_days

  const std::vector<SimField>& fields() const { return fields_; }
  const SimField& field(std::int32_t id) const { return fields_[static_cast<std::size_t>(id - 1)]; }

  std::int32_t field_id_at_px(int wx, int wy) const {
    return ids_[static_cast<std::size_t>(wy) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(wx)];
  }
  // The field under a UTM point (half-open pixels); 0 outside the lattice.
  std::int32_t field_id_at(double x, double y) const;

  // True when the field lies entirely inside the analysis grid.
  bool inside_area(const PixelRect& r) const;
  // The part of r inside the analysis grid (w or h 0 when none).
  PixelRect clip_to_area(const PixelRect& r) const;

  kernels::sim::CoverState cover(const SimField& f, int day) const;

 private:
  int width_ = 0, height_ = 0;
  int area_w_ = 0, area_h_ = 0;
  double origin_x_ = 0, origin_y_ = 0;
  int season_days_ = 0;
  std::vector<SimField> fields_;
  std::vector<std::int32_t> ids_;  // width_ × height_, row-major
};

}  // namespace paddymrv::sim
