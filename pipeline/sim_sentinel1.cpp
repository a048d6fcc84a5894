#include "pipeline/sim_sentinel1.hpp"

#include "kernels/sim_backscatter.hpp"
#include "kernels/sim_random.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;

RasterGrid s1_grid(const SimulationParams& p) {
  constexpr int kMarginPx = 25;  // ≥ 20 px beyond the area on each side
  RasterGrid g;
  g.pixel = 10;
  g.origin_x = p.origin_x - kMarginPx * 10.0 + 3.0;
  g.origin_y = p.origin_y + kMarginPx * 10.0 - 4.0;
  g.width = p.width + 2 * kMarginPx;
  g.height = p.height + 2 * kMarginPx;
  return g;
}

S1Scene render_s1(const SimWorld& world, const RasterGrid& grid, const Acquisition& acq,
                  const SimulationParams& params) {
  const ks::RadarConditions cond{acq.soil_wetness, acq.wind};
  // Per-field mean power on this date (index = field id; 0 unused).
  std::vector<float> field_vv(world.fields().size() + 1, 0.0f), field_vh(world.fields().size() + 1, 0.0f);
  for (const SimField& f : world.fields()) {
    const ks::Backscatter b = ks::backscatter(f.cls, world.cover(f, acq.day), cond);
    const auto i = static_cast<std::size_t>(f.id);
    field_vv[i] = static_cast<float>(b.vv * ks::db_to_linear(f.level_db + f.vv_db));
    field_vh[i] = static_cast<float>(b.vh * ks::db_to_linear(f.level_db + f.vh_db));
  }

  S1Scene s;
  s.vv.assign(grid.pixels(), kS1Nodata);
  s.vh.assign(grid.pixels(), kS1Nodata);
  for (int r = 0; r < grid.height; ++r) {
    ks::Rng rng(params.seed, {ks::kStreamS1Pixels, static_cast<std::uint64_t>(acq.slot),
                              static_cast<std::uint64_t>(r)});
    const double y = grid.y_center(r);
    for (int c = 0; c < grid.width; ++c) {
      const double x = grid.x_center(c);
      const auto id = static_cast<std::size_t>(world.field_id_at(x, y));
      // Both draws happen for every pixel, inside the swath or not, so that
      // a swath edge does not shift the speckle of the pixels after it.
      const double gv = ks::speckle(params.s1_enl, rng);
      const double gh = ks::speckle(params.s1_enl, rng);
      if (!acq.edge.covers(x, y) || id == 0) continue;
      const std::size_t k = static_cast<std::size_t>(r) * static_cast<std::size_t>(grid.width) + static_cast<std::size_t>(c);
      s.vv[k] = static_cast<float>(field_vv[id] * gv);
      s.vh[k] = static_cast<float>(field_vh[id] * gh);
    }
  }
  return s;
}

}  // namespace paddymrv::sim
