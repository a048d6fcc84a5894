#include "kernels/sim_cover.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace paddymrv::kernels::sim {

namespace {

double smoothstep(double a, double b, double x) {
  if (b <= a) return x >= b ? 1.0 : 0.0;
  const double t = std::clamp((x - a) / (b - a), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

int floor_mod(int a, int n) { return ((a % n) + n) % n; }

// Places n events of the given lengths in [w0, w1] with at least `gap` days
// between them; the free days are spread at random before, between and
// after the events.
std::vector<DayRange> place_events(const std::vector<int>& lengths, int w0, int w1, int gap, Rng& rng) {
  const int n = static_cast<int>(lengths.size());
  int needed = gap * (n - 1);
  for (int d : lengths) needed += d;
  const int slack = (w1 - w0 + 1) - needed;
  std::vector<double> weights(static_cast<std::size_t>(n) + 1);
  double total = 0;
  for (auto& w : weights) total += (w = -std::log(1.0 - rng.unit()));
  std::vector<DayRange> out;
  int cursor = w0;
  for (int i = 0; i < n; ++i) {
    const int g = static_cast<int>(std::floor(slack * weights[static_cast<std::size_t>(i)] / total));
    const int first = cursor + g;
    out.push_back({first, first + lengths[static_cast<std::size_t>(i)] - 1});
    cursor = out.back().last + 1 + gap;
  }
  return out;
}

}  // namespace

std::string_view class_name(int code) {
  static constexpr std::array<std::string_view, kClassCount + 1> names = {
      "nodata",   "rice",   "vegetables",    "tea",    "temperate_fruit", "medicinal", "banana_pineapple",
      "citrus",   "maize_cassava", "forest", "water", "built_up", "other"};
  return code >= 0 && code <= kClassCount ? names[static_cast<std::size_t>(code)] : "unknown";
}

double logistic_growth(double t, double t_mid, double k) {
  auto l = [&](double x) { return 1.0 / (1.0 + std::exp(-(x - t_mid) / k)); };
  const double l0 = l(0.0);
  return std::clamp((l(t) - l0) / (1.0 - l0), 0.0, 1.0);
}

RicePlan plan_rice(Regime wanted, const RiceManagement& m, Rng& rng) {
  RicePlan p;
  p.transplant_day = rng.uniform_int(m.transplant_first_day, m.transplant_last_day);
  p.flood_day = p.transplant_day - rng.uniform_int(m.land_preparation_min_days, m.land_preparation_max_days);
  p.harvest_day =
      std::min(p.transplant_day + rng.uniform_int(m.duration_min_days, m.duration_max_days), m.last_harvest_day);
  // Farmers drain ~2 weeks before harvest so that the soil carries the
  // harvesters (IRRI Rice Knowledge Bank, "Water management"); IPCC counts
  // this end-season drainage as part of continuous flooding.
  p.end_drainage_day = p.harvest_day - rng.uniform_int(m.end_drainage_min_days, m.end_drainage_max_days);

  int n = 0;
  if (wanted == Regime::single_drainage) n = 1;
  if (wanted == Regime::multiple_drainage) n = rng.uniform_int(m.awd_min_events, m.awd_max_events);
  std::vector<int> lengths;
  for (int i = 0; i < n; ++i) lengths.push_back(rng.uniform_int(m.drainage_min_days, m.drainage_max_days));

  // In-season events: the first starts ≥ first_drainage_min_days after
  // flooding; the last must be followed by ≥ reflood_min_days of water
  // before the end-season drainage, else the two would merge into one.
  const int w0 = p.flood_day + m.first_drainage_min_days;
  const int w1 = p.end_drainage_day - m.reflood_min_days - 1;
  auto fits = [&] {
    int needed = m.reflood_min_days * (static_cast<int>(lengths.size()) - 1);
    for (int d : lengths) needed += d;
    return lengths.empty() || needed <= w1 - w0 + 1;
  };
  if (!fits())
    for (int& d : lengths) d = m.drainage_min_days;
  while (!fits()) lengths.pop_back();
  p.drainages = lengths.empty() ? std::vector<DayRange>{} : place_events(lengths, w0, w1, m.reflood_min_days, rng);
  p.regime = p.drainages.empty()      ? Regime::continuously_flooded
             : p.drainages.size() == 1 ? Regime::single_drainage
                                       : Regime::multiple_drainage;
  return p;
}

bool rice_drained(const RicePlan& plan, int day) {
  if (day < plan.flood_day || day >= plan.end_drainage_day) return true;
  return std::any_of(plan.drainages.begin(), plan.drainages.end(),
                     [day](const DayRange& r) { return r.contains(day); });
}

FieldTraits draw_traits(int class_code, Rng& rng) {
  FieldTraits t;
  t.amplitude = rng.uniform(0.85, 1.05);
  t.phenology_shift = rng.uniform_int(-10, 10);
  switch (class_code) {
    case kVegetables:  // short cycles all year round on irrigated beds
      t.sowing_day = rng.uniform_int(-45, 15);
      t.cycle_days = rng.uniform_int(50, 75);
      t.fallow_days = rng.uniform_int(5, 15);
      break;
    case kMedicinal:  // planted with the spring rains, slow growth
      t.sowing_day = rng.uniform_int(20, 55);
      t.cycle_days = rng.uniform_int(80, 110);
      break;
    case kMaizeCassava:  // spring-summer maize on slopes, sown Mar–Apr
      t.sowing_day = rng.uniform_int(35, 75);
      t.cycle_days = rng.uniform_int(95, 120);
      break;
    default:
      break;
  }
  return t;
}

CoverState rice_cover(const RicePlan& plan, int day, double amplitude) {
  CoverState s;
  if (day < plan.flood_day) return {0.08, 0.5, Surface::dry_soil};  // fallow after the winter
  if (day >= plan.harvest_day) return {0.10, 0.15, Surface::dry_soil};  // stubble
  if (day < plan.transplant_day) return {0.0, 1.0, Surface::flooded};   // puddled, not yet planted
  const double t = day - plan.transplant_day;
  const double d = std::max(1, plan.harvest_day - plan.transplant_day);
  // Logistic canopy closure with its midpoint at ~40 % of the cycle (late
  // tillering), seedlings covering a few percent at transplanting.
  s.canopy = std::min(1.0, amplitude * (0.03 + 0.97 * logistic_growth(t, 0.42 * d, 0.085 * d)));
  // Ripening: the canopy yellows over the last third of the cycle.
  s.green = 1.0 - 0.75 * smoothstep(0.68 * d, d, t);
  s.surface = rice_drained(plan, day) ? Surface::wet_soil : Surface::flooded;
  return s;
}

CoverState crop_cover(int class_code, int day, const FieldTraits& tr) {
  const double a = tr.amplitude;
  const int shifted = day - tr.phenology_shift;
  switch (class_code) {
    case kVegetables: {
      const int period = tr.cycle_days + tr.fallow_days;
      const int phase = floor_mod(day - tr.sowing_day, period);
      if (phase >= tr.cycle_days) return {0.03, 0.8, Surface::wet_soil};
      const double c = tr.cycle_days;
      return {std::min(1.0, a * (0.02 + 0.9 * logistic_growth(phase, 0.45 * c, 0.1 * c))), 1.0, Surface::wet_soil};
    }
    case kTea:  // pruned in winter, new flush from March
      return {std::min(1.0, a * (0.55 + 0.25 * smoothstep(15, 75, shifted))), 0.9, Surface::dry_soil};
    case kTemperateFruit: {  // plum/peach/pear: leafless at flowering (Feb), leaf-out Mar–Apr
      const double leaf = smoothstep(25, 80, shifted);
      return {std::min(1.0, a * (0.15 + 0.6 * leaf)), 0.6 + 0.4 * leaf, Surface::dry_soil};
    }
    case kMedicinal: {
      if (day < tr.sowing_day) return {0.05, 0.5, Surface::dry_soil};
      const double c = tr.cycle_days;
      return {std::min(1.0, a * (0.05 + 0.75 * logistic_growth(day - tr.sowing_day, 0.5 * c, 0.12 * c))), 1.0,
              Surface::dry_soil};
    }
    case kBananaPineapple:
      return {std::min(1.0, a * (0.62 + 0.06 * smoothstep(30, 100, shifted))), 0.95, Surface::dry_soil};
    case kCitrus:
      return {std::min(1.0, a * 0.72), 1.0, Surface::dry_soil};
    case kMaizeCassava: {
      if (day < tr.sowing_day - 15) return {0.08, 0.2, Surface::dry_soil};  // last year's stalks
      if (day < tr.sowing_day) return {0.0, 0.5, Surface::dry_soil};        // ploughed
      const double t = day - tr.sowing_day;
      const double c = tr.cycle_days;
      if (t >= c) return {0.10, 0.2, Surface::dry_soil};
      return {std::min(1.0, a * 0.92 * logistic_growth(t, 0.4 * c, 0.09 * c)), 1.0 - 0.7 * smoothstep(0.75 * c, c, t),
              Surface::dry_soil};
    }
    case kForest:
      return {std::min(1.0, a * 0.93), 1.0, Surface::dry_soil};
    case kWater:
      return {0.0, 1.0, Surface::open_water};
    case kBuiltUp:
      return {0.08, 0.9, Surface::built};
    case kOther: {  // grass and shrub: green-up with the first monsoon rains
      const double g = smoothstep(40, 110, shifted);
      return {std::min(1.0, a * (0.3 + 0.25 * g)), 0.6 + 0.4 * g, Surface::dry_soil};
    }
    default:
      return {0.0, 0.5, Surface::dry_soil};
  }
}

}  // namespace paddymrv::kernels::sim
