#include "kernels/flood_cycle.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "kernels/observation_count.hpp"
#include "kernels/series_stats.hpp"

namespace paddymrv::kernels {

namespace {

using Obs = FloodCycleScratch::Obs;

double median_spacing(std::span<const Obs> o, std::vector<double>& gaps) {
  gaps.clear();
  for (std::size_t i = 1; i < o.size(); ++i) gaps.push_back(o[i].day - o[i - 1].day);
  if (gaps.empty()) return 0;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

// The envelope over dates i..j−1: the line between the fits at i−1 and j.
void bridge(std::span<const int> day, std::size_t i, std::size_t j, std::vector<double>& fit) {
  const std::size_t left = i - 1, right = j;
  for (std::size_t m = i; m < j; ++m) {
    const double f = static_cast<double>(day[m] - day[left]) / (day[right] - day[left]);
    fit[m] = fit[left] + f * (fit[right] - fit[left]);
  }
}

// The re-flood after the low-weight run i..j−1: the first date from j on
// that is taken as flooded (full weight) and falls below the highest date
// since the run began, within `max_span_days` of the last flooded date
// before the run (i − 1); n when there is none. Usually that is j itself. But the last dry date of a spell
// often does not stand out from a re-flooded canopy that grew in the
// meantime (it sits level with the re-flood, so it keeps full weight), and
// the fall then comes one or two dates later: 1.8 / 2.1 / 2.9 points of
// accuracy against the observable regime on seeds 2001–2003 at a 6-day
// revisit, over-crediting 0.7→0.8, 0.9→1.4, 1.0→1.6 % (none at 12 days).
std::size_t reflood_after(std::span<const int> day, std::span<const double> y, std::span<const double> w, std::size_t i,
                          std::size_t j, int max_span_days) {
  double top = -INFINITY;
  for (std::size_t m = i; m < j; ++m) top = std::max(top, y[m]);
  for (std::size_t r = j; r < y.size() && day[r] - day[i - 1] <= max_span_days; ++r) {
    // A low-weight date is no re-flood to anchor the line on: it belongs
    // to the spell (or to the next one).
    if (w[r] == 1.0 && y[r] < top) return r;
    top = std::max(top, y[r]);
  }
  return y.size();
}

// At the dates taken as drained (low weight) a monotone fit pools them with
// the next flooded date and climbs to them (its steps), hiding the very
// drainage they show: a second dry spell after a re-flood was missed that
// way. The envelope there becomes the line between the fitted flooded dates
// on either side (and `bridged` marks those dates) when
//  * the series falls back after the run (a re-flood, reflood_after) — a run
//    that stays up is the canopy growing.
//    Any fall counts: noise alone often gives one, so this rule only sorts
//    out monotone climbs; over-crediting is held by the two rules below and
//    the event test against the bracketing dates. Requiring a fall of 1σ or
//    2σ cost 0.8–2.9 points of accuracy on seeds 2001–2003 and left
//    over-crediting where it was (≤ 0.4 % of fields);
//  * the re-flood is seen soon enough (`max_span_days` from the last flooded
//    date before) — across a longer span the canopy grows too much for a
//    line to stand for the flooded level;
//  * the run starts before canopy closure (the last flooded date before it
//    below `closure_level`) — later the water no longer shows, and the end-
//    season drainage followed by harvest would pass for a re-flood.
void bridge_drained_runs(std::span<const int> day, std::span<const double> y, std::span<const double> w,
                         int max_span_days, double closure_level, std::vector<double>& fit,
                         std::vector<char>& bridged) {
  const std::size_t n = fit.size();
  bridged.assign(n, 0);
  std::size_t i = 0;
  while (i < n) {
    if (w[i] == 1.0) {
      ++i;
      continue;
    }
    std::size_t j = i;  // run of low-weight dates i..j−1
    while (j < n && w[j] != 1.0) ++j;
    if (i > 0 && j < n && fit[i - 1] < closure_level) {
      const std::size_t r = reflood_after(day, y, w, i, j, max_span_days);
      if (r < n) {
        bridge(day, i, r, fit);
        std::fill(bridged.begin() + static_cast<std::ptrdiff_t>(i), bridged.begin() + static_cast<std::ptrdiff_t>(r),
                  1);
        j = r;
      }
    }
    i = j;
  }
}

// Bridges the runs of `bridged` dates (decided on the other polarisation).
void follow_bridges(std::span<const int> day, std::span<const char> bridged, std::vector<double>& fit) {
  const std::size_t n = fit.size();
  std::size_t i = 0;
  while (i < n) {
    if (!bridged[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && bridged[j]) ++j;
    if (i > 0 && j < n) bridge(day, i, j, fit);
    i = j;
  }
}

// Robust lower envelope of y, written to `fit`: the flooded paddy's
// backscatter rises with its canopy and may ease off as it ripens (a
// unimodal curve). Dates far above the fit (drained) get little weight, and
// the fit is redone. Drained runs are bridged (bridge_drained_runs) on each
// polarisation; VV (`lead` = false) also bridges the runs VH bridged
// (`bridged`): its double bounce keeps a re-flooded canopy bright, so VV
// often does not fall back after a dry spell although it rose into it.
void flooded_envelope(std::span<const int> day, std::span<const double> y, double sigma_floor, int max_span_days,
                      double closure_fraction, bool lead, std::vector<char>& bridged, double& sigma,
                      std::vector<double>& fit, FloodCycleScratch& s) {
  const std::size_t n = y.size();
  // Start from a 3-date running minimum, which a short drainage cannot lift.
  std::vector<double>& w = s.weights;
  w.assign(n, 1.0);
  fit.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double lo = y[i];
    if (i > 0) lo = std::min(lo, y[i - 1]);
    if (i + 1 < n) lo = std::min(lo, y[i + 1]);
    if (y[i] - lo > 2.0 * sigma_floor + 0.3 || (!lead && bridged[i])) w[i] = 0.05;
  }
  sigma = sigma_floor;
  for (int iter = 0; iter < 4; ++iter) {
    // Finite dB values (usable dates only) always have a fit.
    [[maybe_unused]] const bool fitted = unimodal_fit(y, w, fit, s.fit);
    assert(fitted);
    const double rise = *std::max_element(fit.begin(), fit.end()) - fit.front();
    bridge_drained_runs(day, y, w, max_span_days, fit.front() + closure_fraction * rise, fit,
                        lead ? bridged : s.own_bridged);
    if (!lead) follow_bridges(day, bridged, fit);
    // Scatter of the dates taken as flooded: the field's own noise
    // (speckle plus whatever heterogeneity it has), never below the speckle.
    s.residuals.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (w[i] == 1.0) s.residuals.push_back(y[i] - fit[i]);
    sigma = std::max(sigma_floor, robust_sigma_in_place(s.residuals));
    for (std::size_t i = 0; i < n; ++i)
      w[i] = (y[i] - fit[i] > 2.0 * sigma || (!lead && bridged[i])) ? 0.05 : 1.0;
  }
}

// Start of the post-harvest tail: the longest suffix, after the VH peak,
// whose every date lies `drop_db` below the peak (the canopy is gone).
std::size_t harvest_start(std::span<const double> vh, double drop_db) {
  const std::size_t n = vh.size();
  if (n < 3) return n;
  // Peak of a 3-date running median, so that one speckle spike is no peak.
  std::size_t peak = 0;
  double peak_level = -INFINITY;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    double a = vh[i - 1], b = vh[i], c = vh[i + 1];
    const double med = std::max(std::min(a, b), std::min(std::max(a, b), c));
    if (med > peak_level) peak_level = med, peak = i;
  }
  std::size_t start = n;
  for (std::size_t i = n; i-- > peak + 1;) {
    if (vh[i] > peak_level - drop_db) break;
    start = i;
  }
  return start;
}

}  // namespace

FloodCycle detect_flood_cycle(const BackscatterSeries& s, const FloodCycleParams& p, FloodCycleScratch& scratch) {
  FloodCycle out;
  std::vector<Obs>& o = scratch.obs;
  o.clear();
  for (std::size_t i = 0; i < s.day.size(); ++i) {
    const float vv = s.vv[i], vh = s.vh[i];
    if (s1_usable(vv, vh))
      o.push_back({s.day[i], 10.0 * std::log10(vv), 10.0 * std::log10(vh)});
  }
  out.observations = static_cast<int>(o.size());
  if (out.observations < p.min_observations) return out;  // undetermined, too few

  const double sigma0 = speckle_db_sigma(std::max(1.0, s.looks));

  // --- flood onset: first date near the darkest level, below what came before.
  std::vector<double>& level = scratch.level;
  level.resize(o.size());
  for (std::size_t i = 0; i < o.size(); ++i) level[i] = 0.5 * (o[i].vv_db + o[i].vh_db);
  const double darkest = *std::min_element(level.begin(), level.end());
  std::vector<double>& sorted = scratch.sorted;
  sorted.assign(level.begin(), level.end());
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
  if (sorted[sorted.size() / 2] - darkest < p.min_flood_contrast_db) {
    out.reason = RegimeReason::no_flooding;  // never markedly darker than usual: no standing water
    return out;
  }
  const double margin = std::max(p.onset_margin_db, 3.0 * sigma0 / std::sqrt(2.0));
  std::size_t i0 = o.size();
  double before_sum = 0;
  for (std::size_t i = 0; i < o.size(); ++i) {
    const bool near_darkest = level[i] <= darkest + margin;
    const bool dropped = i == 0 || level[i] <= before_sum / static_cast<double>(i) - p.onset_drop_db;
    if (near_darkest && dropped) {
      i0 = i;
      break;
    }
    before_sum += level[i];
  }
  if (i0 == o.size()) {
    out.reason = RegimeReason::no_flooding;
    return out;
  }
  out.onset_day = o[i0].day;

  // --- harvest: a lasting drop of VH well below its peak (stubble).
  std::vector<double>& vh_all = scratch.vh;
  std::vector<double>& vv_all = scratch.vv;
  vh_all.clear();
  vv_all.clear();
  for (std::size_t i = i0; i < o.size(); ++i) vh_all.push_back(o[i].vh_db), vv_all.push_back(o[i].vv_db);
  const std::size_t k_harvest = harvest_start(vh_all, p.harvest_drop_db);
  out.harvest_day = k_harvest < vh_all.size() ? o[i0 + k_harvest].day : -1;
  out.cultivation_days = out.harvest_day > 0 ? out.harvest_day - out.onset_day : p.default_cultivation_days;

  // --- flooded envelope of VH and VV from onset to harvest.
  const std::span<const double> vh(vh_all.data(), k_harvest), vv(vv_all.data(), k_harvest);
  const std::size_t n = vh.size();
  if (n < 3) {
    out.reason = RegimeReason::window_too_short;
    return out;
  }
  double sig_vh = 0, sig_vv = 0;
  std::vector<double>& env_vh = scratch.env_vh;
  std::vector<double>& env_vv = scratch.env_vv;
  std::vector<int>& days = scratch.days;
  days.clear();
  for (std::size_t k = 0; k < n; ++k) days.push_back(o[i0 + k].day);
  const double spacing = median_spacing(o, scratch.gaps);
  // Last flooded date → re-flood at most max_event_days plus half a revisit:
  // on a regular series a dry run of up to ≈ max_event_days − 1.5 revisits
  // (15 days at 6-day revisit, one dry date at 12). Chosen on seeds
  // 2001–2003: one revisit more let canopy growth through as drainage at 12 days.
  const int max_span_days = p.max_event_days + static_cast<int>(spacing / 2);
  flooded_envelope(days, vh, sigma0, max_span_days, p.closure_fraction, true, scratch.bridged, sig_vh, env_vh, scratch);
  flooded_envelope(days, vv, sigma0, max_span_days, p.closure_fraction, false, scratch.bridged, sig_vv, env_vv, scratch);
  // Evidence of "not flooded": VH above its envelope; early in the season VV
  // rises too and adds to it, later double bounce can make VV fall, so VV
  // only ever strengthens the VH evidence.
  auto evidence = [&](double d_vh, double d_vv, double inflate) {
    const double z_vh = d_vh / (sig_vh * inflate), z_vv = d_vv / (sig_vv * inflate);
    return std::max(z_vh, (z_vh + z_vv) / std::sqrt(2.0));
  };
  out.canopy_rise_db = *std::max_element(env_vh.begin(), env_vh.end()) - env_vh.front();
  std::vector<double>& z = scratch.z;
  z.resize(n);
  for (std::size_t k = 0; k < n; ++k) z[k] = evidence(vh[k] - env_vh[k], vv[k] - env_vv[k], 1.0);

  // --- end of flooding: the last flooded date before harvest.
  std::size_t k_end = 0;
  for (std::size_t k = 0; k < n; ++k)
    if (z[k] < p.flooded_z) k_end = k;
  out.end_flooding_day = o[i0 + k_end].day;

  // --- drainage events: runs of non-flooded dates between flooded ones.
  const int window_start = out.onset_day + p.min_days_after_onset;
  std::size_t k = 1;
  while (k < k_end) {
    if (z[k] < p.flooded_z) {
      ++k;
      continue;
    }
    std::size_t j = k;
    while (j + 1 <= k_end && z[j + 1] >= p.flooded_z) ++j;
    // Run k..j, flooded at k−1 and at j+1 (j+1 ≤ k_end, which is flooded).
    // A drainage must also stand above the line between the flooded dates
    // that bracket it (rise, then fall back): the envelope alone can lag.
    double strength = -INFINITY;
    const double d0 = o[i0 + k - 1].day, d1 = o[i0 + j + 1].day;
    for (std::size_t m = k; m <= j; ++m) {
      const double f = (o[i0 + m].day - d0) / (d1 - d0);
      const double line_vh = vh[k - 1] + f * (vh[j + 1] - vh[k - 1]);
      const double line_vv = vv[k - 1] + f * (vv[j + 1] - vv[k - 1]);
      // The line between two noisy dates has its own noise: inflate σ by √1.5.
      const double local = evidence(vh[m] - line_vh, vv[m] - line_vv, std::sqrt(1.5));
      strength = std::max(strength, std::min(z[m], local));
    }
    // An aeration period lasts days to a couple of weeks; a "dry" run of
    // months between flooded-looking dates is the canopy, not water.
    const bool plausible = o[i0 + j].day - o[i0 + k].day <= p.max_event_days;
    if (o[i0 + k].day >= window_start && plausible) {
      if (strength >= p.event_z) {
        out.events.push_back({o[i0 + k - 1].day, o[i0 + k].day, o[i0 + j].day, o[i0 + j + 1].day, strength});
      } else {
        ++out.weak_candidates;
      }
    }
    k = j + 1;
  }

  // --- coverage of the window where a drainage can be seen at all: from
  // the earliest drainage to canopy closure (the flooded envelope at
  // closure_fraction of its rise). Under a closed canopy the water no longer shows (DESIGN §5),
  // so a gap there hides nothing the radar could have seen.
  int closure_day = out.end_flooding_day;
  for (std::size_t m = 0; m < n; ++m) {
    if (env_vh[m] >= env_vh.front() + p.closure_fraction * out.canopy_rise_db) {
      closure_day = std::min(closure_day, std::max(o[i0 + m].day, window_start + static_cast<int>(2 * spacing)));
      break;
    }
  }
  out.visible_until_day = closure_day;
  for (std::size_t m = i0 + 1; m <= i0 + k_end; ++m) {
    if (o[m].day <= window_start || o[m - 1].day >= closure_day) continue;
    out.max_gap_days = std::max(out.max_gap_days, o[m].day - std::max(o[m - 1].day, window_start));
  }
  const bool abnormal_gap =
      out.max_gap_days > p.max_gap_days && out.max_gap_days > p.max_gap_factor * spacing;
  if (out.end_flooding_day - window_start < 2 * static_cast<int>(spacing)) {
    out.reason = RegimeReason::window_too_short;
    return out;  // undetermined
  }

  const std::size_t events = out.events.size();
  if (events == 0 && abnormal_gap) {
    out.reason = RegimeReason::gap_in_window;
    return out;  // undetermined: a drainage may hide in the gap
  }
  out.reason = RegimeReason::detected;
  out.regime = events == 0   ? WaterRegime::continuously_flooded
               : events == 1 ? WaterRegime::single_drainage
                             : WaterRegime::multiple_drainage;

  // --- confidence: evidence margin of the weakest counted event (or, for
  // continuous flooding, how well the window was watched), lowered by weak
  // candidates that might be events the data could not confirm.
  double c = 1.0;
  for (const auto& e : out.events) c = std::min(c, std::clamp((e.strength - p.flooded_z) / (p.event_z + 2.0 - p.flooded_z), 0.0, 1.0));
  if (events == 0) c = std::clamp(1.0 - (out.max_gap_days - spacing) / (2.0 * std::max(1.0, spacing)), 0.2, 1.0);
  if (out.weak_candidates > 0) c *= 0.6;
  if (abnormal_gap) c *= 0.7;
  out.confidence = static_cast<float>(c);
  return out;
}

FloodCycle detect_flood_cycle(const BackscatterSeries& s, const FloodCycleParams& p) {
  thread_local FloodCycleScratch scratch;
  return detect_flood_cycle(s, p, scratch);
}

}  // namespace paddymrv::kernels
