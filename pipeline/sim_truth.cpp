#include "pipeline/sim_truth.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <span>

#include "kernels/sim_backscatter.hpp"
#include "kernels/series_stats.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/sim_sentinel1.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;

namespace {

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::ofstream open_csv(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path.string() + ": cannot write");
  return out;
}

// Strength, in units of the field-mean speckle, with which the best possible
// observer could see this drainage event: it knows the field's flooded
// backscatter on the same day (the noise-free model with standing water)
// and combines VV and VH, which carry independent speckle. The largest value
// over the acquisitions inside the event that saw the field; 0 when none did.
// `covered[a]` = the field's pixels inside acquisition a's swath: a pass whose
// swath edge cuts the field off holds nodata there and shows nothing of it,
// and a partly covered field is averaged over fewer pixels (fewer looks).
double event_visibility(const SimWorld& world, const SimField& f, const ks::DayRange& event,
                        const std::vector<Acquisition>& s1, std::span<const int> covered, double enl) {
  double best = 0;
  for (std::size_t i = 0; i < s1.size(); ++i) {
    const Acquisition& a = s1[i];
    if (!event.contains(a.day) || covered[i] == 0) continue;
    const double sigma = kernels::speckle_db_sigma(enl * covered[i]);
    const ks::RadarConditions cond{a.soil_wetness, a.wind};
    ks::CoverState drained = world.cover(f, a.day), flooded = drained;
    flooded.surface = ks::Surface::flooded;
    const ks::Backscatter d = ks::backscatter(f.cls, drained, cond), w = ks::backscatter(f.cls, flooded, cond);
    const double dvv = ks::linear_to_db(d.vv) - ks::linear_to_db(w.vv);
    const double dvh = ks::linear_to_db(d.vh) - ks::linear_to_db(w.vh);
    best = std::max(best, std::hypot(dvv, dvh) / sigma);
  }
  return best;
}

}  // namespace

RasterGrid analysis_grid(const SimulationParams& p) { return {p.origin_x, p.origin_y, 10.0, p.width, p.height}; }

int write_truth(const std::filesystem::path& dir, const TruthInput& in) {
  const SimulationParams& p = *in.params;
  const SimWorld& world = *in.world;
  const CommunePartition& communes = *in.communes;
  const RasterGrid grid = analysis_grid(p);
  const auto start = *parse_iso_date(p.season_start);
  auto date = [&](int day) { return format_iso_date(start + std::chrono::days{day}); };

  std::vector<std::uint8_t> crop(grid.pixels()), regime(grid.pixels()), events(grid.pixels());
  std::vector<std::int32_t> field_id(grid.pixels()), commune(grid.pixels());
  // Per field: pixels per commune, for its majority commune.
  std::vector<std::map<int, int>> field_communes(world.fields().size() + 1);
  struct Areas {
    long long rice = 0, cf = 0, single = 0, multiple = 0;
  };
  std::vector<Areas> areas(static_cast<std::size_t>(communes.size()));
  // Per field and S1 acquisition: the field's pixels whose radar pixel (the
  // scene's own grid, offset from this one) lies inside the swath.
  const std::vector<Acquisition> no_s1;
  const std::vector<Acquisition>& s1 = in.s1_acquisitions ? *in.s1_acquisitions : no_s1;
  std::vector<int> covered((world.fields().size() + 1) * s1.size(), 0);
  const RasterGrid radar = s1_grid(p);
  for (int r = 0; r < grid.height; ++r) {
    for (int c = 0; c < grid.width; ++c) {
      const std::size_t k = static_cast<std::size_t>(r) * static_cast<std::size_t>(grid.width) + static_cast<std::size_t>(c);
      const std::int32_t id = world.field_id_at_px(c + SimWorld::kMargin, r + SimWorld::kMargin);
      const double rx = radar.x_center(radar.col_of(grid.x_center(c)));
      const double ry = radar.y_center(radar.row_of(grid.y_center(r)));
      for (std::size_t a = 0; a < s1.size(); ++a)
        covered[static_cast<std::size_t>(id) * s1.size() + a] += s1[a].edge.covers(rx, ry);
      const SimField& f = world.field(id);
      const int ci = communes.index_at(grid.x_center(c), grid.y_center(r));
      crop[k] = static_cast<std::uint8_t>(f.cls);
      regime[k] = static_cast<std::uint8_t>(f.regime());
      events[k] = static_cast<std::uint8_t>(f.is_rice() ? f.rice.drainages.size() : 0);
      field_id[k] = id;
      commune[k] = ci;
      ++field_communes[static_cast<std::size_t>(id)][ci];
      if (ci >= 0 && f.is_rice()) {
        Areas& a = areas[static_cast<std::size_t>(ci)];
        ++a.rice;
        if (f.regime() == ks::Regime::continuously_flooded) ++a.cf;
        if (f.regime() == ks::Regime::single_drainage) ++a.single;
        if (f.regime() == ks::Regime::multiple_drainage) ++a.multiple;
      }
    }
  }

  RasterOptions gtiff;
  gtiff.format = RasterFormat::gtiff;
  write_raster(dir / "crop_class.tif", grid, std::span<const std::uint8_t>(crop), gtiff);
  write_raster(dir / "water_regime.tif", grid, std::span<const std::uint8_t>(regime), gtiff);
  write_raster(dir / "drainage_events.tif", grid, std::span<const std::uint8_t>(events), gtiff);
  write_raster(dir / "field_id.tif", grid, std::span<const std::int32_t>(field_id), gtiff);
  write_raster(dir / "commune_index.tif", grid, std::span<const std::int32_t>(commune), gtiff);
  write_raster(dir / "s1_observation_count.tif", grid, std::span<const std::uint16_t>(*in.s1_count), gtiff);
  write_raster(dir / "s2_clear_count.tif", grid, std::span<const std::uint16_t>(*in.s2_count), gtiff);

  {
    auto out = open_csv(dir / "communes.csv");
    out << "index,commune_code,commune_name,area_ha,rice_area_ha,cf_area_ha,single_area_ha,multiple_area_ha\n";
    const double px_ha = 0.01;  // 10 m × 10 m
    for (int i = 0; i < communes.size(); ++i) {
      const Areas& a = areas[static_cast<std::size_t>(i)];
      out << i << ',' << csv_text(communes.code(i)) << ',' << csv_text(communes.name(i)) << ','
          << fixed(communes.area_m2(i) / 1e4, 6) << ',' << fixed(a.rice * px_ha, 2) << ',' << fixed(a.cf * px_ha, 2)
          << ',' << fixed(a.single * px_ha, 2) << ',' << fixed(a.multiple * px_ha, 2) << '\n';
    }
  }

  int listed = 0;
  {
    auto out = open_csv(dir / "fields.csv");
    out << "field_id,class,commune_index,regime,drainage_events,transplant_date,harvest_date,drainage_periods\n";
    for (const SimField& f : world.fields()) {
      const auto& counts = field_communes[static_cast<std::size_t>(f.id)];
      if (counts.empty()) continue;  // outside the area
      ++listed;
      int best = -1, best_n = -1;
      for (const auto& [ci, n] : counts)  // ties → the lower index (map order)
        if (n > best_n) best = ci, best_n = n;
      out << f.id << ',' << f.cls << ',' << best << ',' << static_cast<int>(f.regime()) << ','
          << (f.is_rice() ? f.rice.drainages.size() : 0) << ',';
      if (f.is_rice()) {
        out << date(f.rice.transplant_day) << ',' << date(f.rice.harvest_day) << ',';
        for (std::size_t i = 0; i < f.rice.drainages.size(); ++i)
          out << (i ? ";" : "") << date(f.rice.drainages[i].first) << '/' << date(f.rice.drainages[i].last);
      } else {
        out << ",,";
      }
      out << '\n';
    }
  }

  {
    auto out = open_csv(dir / "claims.csv");
    out << "claim_id,practice,field_id,true_regime,true_drainage_events,claim_true\n";
    for (const Claim& c : *in.claims) {
      const SimField& f = world.field(c.field_id);
      out << c.claim_id << ',' << c.practice << ',' << c.field_id << ',' << static_cast<int>(f.regime()) << ','
          << f.rice.drainages.size() << ',' << (c.true_claim ? "true" : "false") << '\n';
    }
  }

  if (in.s1_acquisitions) {
    // What the radar could show at all: an event counts as observable when
    // the ideal observer sees it at ≥ 3σ of the field-mean speckle. The
    // regime from the observable events is the ceiling of any detector; the
    // accuracy benchmark reports both (a drainage under a closed canopy,
    // between two passes or only on passes whose swath missed the field is
    // invisible, DESIGN §5).
    constexpr double kObservableSigma = 3.0;
    auto out = open_csv(dir / "observability.csv");
    out << "field_id,pixels,regime,drainage_events,observable_events,observable_regime,event_visibility_sigma\n";
    for (const SimField& f : world.fields()) {
      const auto& counts = field_communes[static_cast<std::size_t>(f.id)];
      if (!f.is_rice() || counts.empty()) continue;
      int pixels = 0;
      for (const auto& [ci, n] : counts) pixels += n;
      int observable = 0;
      std::string strengths;
      for (const ks::DayRange& e : f.rice.drainages) {
        const double z = event_visibility(
            world, f, e, s1,
            std::span<const int>(covered).subspan(static_cast<std::size_t>(f.id) * s1.size(), s1.size()), p.s1_enl);
        observable += z >= kObservableSigma;
        if (!strengths.empty()) strengths += ';';
        strengths += fixed(z, 1);
      }
      const int observable_regime = observable == 0 ? 1 : observable == 1 ? 2 : 3;
      out << f.id << ',' << pixels << ',' << static_cast<int>(f.regime()) << ',' << f.rice.drainages.size() << ','
          << observable << ',' << observable_regime << ',' << strengths << '\n';
    }
  }
  return listed;
}

}  // namespace paddymrv::sim
