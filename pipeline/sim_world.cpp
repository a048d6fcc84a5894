#include "pipeline/sim_world.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/sim_random.hpp"
#include "pipeline/dates.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;

namespace {

struct SplitRule {
  int min_side = 1, max_side = 1;
  double stop_prob = 0.3;  // chance to keep a rectangle that is already small enough
  double path_prob = 0;    // chance that a cut leaves a 1-px strip
};

// Recursive random splits of r (depth first, explicit stack): every leaf
// fits max_side unless it cannot be cut into two pieces ≥ min_side.
void split_rect(const PixelRect& r, const SplitRule& rule, ks::Rng& rng, std::vector<PixelRect>& leaves,
                std::vector<PixelRect>* paths) {
  std::vector<PixelRect> stack{r};
  while (!stack.empty()) {
    const PixelRect cur = stack.back();
    stack.pop_back();
    const bool must = cur.w > rule.max_side || cur.h > rule.max_side;
    const bool want_gap = paths && rng.bernoulli(rule.path_prob);
    const int m = rule.min_side;
    const int gap = want_gap && (cur.w >= 2 * m + 1 || cur.h >= 2 * m + 1) ? 1 : 0;
    const bool can_x = cur.w >= 2 * m + gap, can_y = cur.h >= 2 * m + gap;
    if ((!can_x && !can_y) || (!must && rng.bernoulli(rule.stop_prob))) {
      leaves.push_back(cur);
      continue;
    }
    const bool along_x = can_x && (cur.w >= cur.h || !can_y);
    const int side = along_x ? cur.w : cur.h;
    const int cut = rng.uniform_int(m, side - m - gap);
    PixelRect a = cur, g = cur, b = cur;
    if (along_x) {
      a.w = cut;
      g.x = cur.x + cut, g.w = gap;
      b.x = cur.x + cut + gap, b.w = cur.w - cut - gap;
    } else {
      a.h = cut;
      g.y = cur.y + cut, g.h = gap;
      b.y = cur.y + cut + gap, b.h = cur.h - cut - gap;
    }
    if (gap) paths->push_back(g);
    stack.push_back(b);
    stack.push_back(a);  // processed first: leaves come out left/top first
  }
}

// Shares of the non-rice area by land use, a plausible mix for the Lào Cai
// uplands (forest dominant, maize on slopes, tea and orchards, villages).
struct ClassWeight {
  int cls;
  double weight;
};
constexpr std::array<ClassWeight, 11> kOtherLandUse = {{{ks::kForest, 0.30},
                                                        {ks::kMaizeCassava, 0.13},
                                                        {ks::kTea, 0.09},
                                                        {ks::kVegetables, 0.08},
                                                        {ks::kOther, 0.09},
                                                        {ks::kBananaPineapple, 0.06},
                                                        {ks::kBuiltUp, 0.06},
                                                        {ks::kTemperateFruit, 0.05},
                                                        {ks::kMedicinal, 0.05},
                                                        {ks::kCitrus, 0.05},
                                                        {ks::kWater, 0.04}}};

int draw_land_use(ks::Rng& rng) {
  double total = 0;
  for (const auto& c : kOtherLandUse) total += c.weight;
  double u = rng.unit() * total;
  for (const auto& c : kOtherLandUse) {
    if (u < c.weight) return c.cls;
    u -= c.weight;
  }
  return ks::kOther;
}

bool annual_crop(int cls) { return cls == ks::kVegetables || cls == ks::kMedicinal || cls == ks::kMaizeCassava; }

ks::Regime draw_regime(const SimulationParams& p, ks::Rng& rng) {
  const double u = rng.unit();
  if (u < p.awd_fraction) return ks::Regime::multiple_drainage;
  if (u < p.awd_fraction + p.single_drainage_fraction) return ks::Regime::single_drainage;
  return ks::Regime::continuously_flooded;
}

ks::RiceManagement management(const SimulationParams& p, int season_days) {
  ks::RiceManagement m;
  m.transplant_first_day = p.transplant_first_day;
  m.transplant_last_day = p.transplant_last_day;
  m.duration_min_days = p.crop_duration_min_days;
  m.duration_max_days = p.crop_duration_max_days;
  m.last_harvest_day = season_days - 1;
  m.first_drainage_min_days = p.first_drainage_min_days;
  m.drainage_min_days = p.drainage_min_days;
  m.drainage_max_days = p.drainage_max_days;
  m.reflood_min_days = p.reflood_min_days;
  m.awd_min_events = p.awd_min_events;
  m.awd_max_events = p.awd_max_events;
  m.end_drainage_min_days = p.end_drainage_min_days;
  m.end_drainage_max_days = p.end_drainage_max_days;
  return m;
}

struct Zone {
  PixelRect rect;
  int cls = 0;
  bool path = false;
};

constexpr std::uint64_t kTraitsTag = 0x7472616974ULL;  // "trait": stream of a field's traits
// Own stream for the optional harder-landscape draws, so that turning them
// on does not move any draw of the default world.
constexpr std::uint64_t kVariabilityTag = 0x7661726961ULL;  // "varia"

// A standard normal draw clipped at ±3σ: a log gain or a shift of a few σ
// is plausible, a heavy tail of absurd fields is not.
double clipped_normal(ks::Rng& rng) { return std::clamp(rng.normal(), -3.0, 3.0); }

// Per-field departures from the class table (off by default). Magnitudes
// are the caller's parameters; sim_params.cpp documents plausible values.
void draw_field_variability(const SimulationParams& p, SimField& f) {
  if (p.field_spectral_sd <= 0 && p.field_phenology_sd_days <= 0 && p.canopy_similarity <= 0) return;
  ks::Rng rng(p.seed, {ks::kStreamFields, kVariabilityTag, static_cast<std::uint64_t>(f.id)});
  // Always four gains and one shift, whatever is switched on: a field's draws
  // then do not depend on the other parameters.
  double g[4];
  for (double& x : g) x = std::exp(p.field_spectral_sd * clipped_normal(rng));
  const int shift = static_cast<int>(std::lround(p.field_phenology_sd_days * clipped_normal(rng)));
  f.optics.vis = static_cast<float>(g[0]);
  f.optics.nir = static_cast<float>(g[1]);
  f.optics.swir = static_cast<float>(g[2]);
  f.optics.soil = static_cast<float>(g[3]);
  f.optics.similarity = static_cast<float>(p.canopy_similarity);
  // Rice keeps its own calendar (transplanting window, per-zone schedule):
  // the water-regime truth depends on it.
  if (!f.is_rice()) {
    f.traits.phenology_shift += shift;
    f.traits.sowing_day += shift;
  }
}

}  // namespace

SimWorld::SimWorld(const SimulationParams& p) {
  area_w_ = p.width;
  area_h_ = p.height;
  width_ = p.width + 2 * kMargin;
  height_ = p.height + 2 * kMargin;
  origin_x_ = p.origin_x - kMargin * 10.0;
  origin_y_ = p.origin_y + kMargin * 10.0;
  season_days_ = static_cast<int>((*parse_iso_date(p.season_end) - *parse_iso_date(p.season_start)).count());

  // 1. Land-use blocks, some separated by paths or roads.
  std::vector<PixelRect> zone_rects, path_rects;
  {
    ks::Rng rng(p.seed, {ks::kStreamZones, 0});
    split_rect({0, 0, width_, height_}, {p.zone_min_px, p.zone_max_px, 0.3, p.path_fraction}, rng, zone_rects,
               &path_rects);
  }
  std::vector<Zone> zones;
  for (const auto& r : zone_rects) zones.push_back({r, 0, false});
  {
    ks::Rng rng(p.seed, {ks::kStreamZones, 1});
    for (const auto& r : path_rects) zones.push_back({r, rng.bernoulli(0.3) ? ks::kBuiltUp : ks::kOther, true});
  }

  // 2. Classes: rice blocks are picked in random order until their area
  // inside the analysis grid is closest to rice_fraction of it, so that
  // even a small test area gets its share; the others draw a land use.
  {
    ks::Rng rng(p.seed, {ks::kStreamZones, 2});
    std::vector<std::size_t> order(zone_rects.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(i) - 1))]);
    const double target = p.rice_fraction * area_w_ * area_h_;
    double rice_area = 0;
    for (std::size_t i : order) {
      const PixelRect& r = zones[i].rect;
      const int ix = std::max(0, std::min(r.x + r.w, kMargin + area_w_) - std::max(r.x, kMargin));
      const int iy = std::max(0, std::min(r.y + r.h, kMargin + area_h_) - std::max(r.y, kMargin));
      const double inside = static_cast<double>(ix) * iy;
      const bool rice = inside > 0 ? std::abs(rice_area + inside - target) < std::abs(rice_area - target)
                                   : rng.bernoulli(p.rice_fraction);
      const int other = draw_land_use(rng);  // drawn either way: keeps the stream aligned
      zones[i].cls = rice ? ks::kRice : other;
      if (rice) rice_area += inside;
    }
  }

  // 3. Fields inside each block.
  const ks::RiceManagement base_management = management(p, season_days_);
  ids_.assign(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_), 0);
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const Zone& zone = zones[z];
    ks::Rng rng(p.seed, {ks::kStreamFields, z});
    std::vector<PixelRect> leaves;
    if (zone.path || zone.cls == ks::kWater) {
      leaves.push_back(zone.rect);
    } else if (zone.cls == ks::kRice) {
      split_rect(zone.rect, {p.rice_field_min_px, p.rice_field_max_px, 0.3, 0}, rng, leaves, nullptr);
    } else if (zone.cls == ks::kForest) {
      split_rect(zone.rect, {p.crop_field_max_px, p.zone_max_px, 0.6, 0}, rng, leaves, nullptr);
    } else if (zone.cls == ks::kBuiltUp) {
      split_rect(zone.rect, {3, 10, 0.3, 0}, rng, leaves, nullptr);
    } else {
      split_rect(zone.rect, {p.crop_field_min_px, p.crop_field_max_px, 0.3, 0}, rng, leaves, nullptr);
    }

    // Rice blocks share an irrigation schedule and a dominant practice
    // (a cooperative, a canal): fields follow them with some spread.
    ks::Rng zrng(p.seed, {ks::kStreamRice, 0, z});
    const ks::Regime zone_regime = draw_regime(p, zrng);
    const int zone_transplant = zrng.uniform_int(p.transplant_first_day, p.transplant_last_day);

    for (const PixelRect& leaf : leaves) {
      SimField f;
      f.id = static_cast<std::int32_t>(fields_.size() + 1);
      f.rect = leaf;
      f.cls = zone.cls;
      if (annual_crop(zone.cls) && rng.bernoulli(0.3)) {
        constexpr int annual[] = {ks::kVegetables, ks::kMedicinal, ks::kMaizeCassava};
        f.cls = annual[rng.uniform_int(0, 2)];
      }
      if (zone.cls == ks::kBuiltUp && !zone.path && rng.bernoulli(0.25)) f.cls = ks::kOther;  // gardens
      ks::Rng frng(p.seed, {ks::kStreamFields, kTraitsTag, static_cast<std::uint64_t>(f.id)});
      f.traits = ks::draw_traits(f.cls, frng);
      f.level_db = frng.uniform(-1.0, 1.0);
      f.vv_db = frng.uniform(-0.3, 0.3);
      f.vh_db = frng.uniform(-0.3, 0.3);
      draw_field_variability(p, f);
      if (f.is_rice()) {
        ks::Rng rrng(p.seed, {ks::kStreamRice, 1, static_cast<std::uint64_t>(f.id)});
        const ks::Regime wanted = rrng.bernoulli(0.6) ? zone_regime : draw_regime(p, rrng);
        ks::RiceManagement m = base_management;
        m.transplant_first_day = std::max(p.transplant_first_day, zone_transplant - 6);
        m.transplant_last_day = std::min(p.transplant_last_day, zone_transplant + 6);
        f.rice = ks::plan_rice(wanted, m, rrng);
      }
      for (int y = leaf.y; y < leaf.y + leaf.h; ++y)
        std::fill_n(ids_.begin() + static_cast<std::ptrdiff_t>(y) * width_ + leaf.x, leaf.w, f.id);
      fields_.push_back(std::move(f));
    }
  }
}

std::int32_t SimWorld::field_id_at(double x, double y) const {
  const double fx = std::floor((x - origin_x_) / 10.0);
  const double fy = std::floor((origin_y_ - y) / 10.0);
  if (fx < 0 || fy < 0 || fx >= width_ || fy >= height_) return 0;
  return field_id_at_px(static_cast<int>(fx), static_cast<int>(fy));
}

bool SimWorld::inside_area(const PixelRect& r) const {
  return r.x >= kMargin && r.y >= kMargin && r.x + r.w <= kMargin + area_w_ && r.y + r.h <= kMargin + area_h_;
}

PixelRect SimWorld::clip_to_area(const PixelRect& r) const {
  const int x0 = std::max(r.x, kMargin), y0 = std::max(r.y, kMargin);
  const int x1 = std::min(r.x + r.w, kMargin + area_w_), y1 = std::min(r.y + r.h, kMargin + area_h_);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

ks::CoverState SimWorld::cover(const SimField& f, int day) const {
  return f.is_rice() ? ks::rice_cover(f.rice, day, f.traits.amplitude) : ks::crop_cover(f.cls, day, f.traits);
}

}  // namespace paddymrv::sim
