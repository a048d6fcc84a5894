#pragma once
// Flooding cycle of one paddy from its Sentinel-1 series: flood onset, each
// in-season drainage event, end of flooding, harvest, cultivation period,
// and the IPCC water regime (2019 Refinement, Vol. 4 Ch. 5.5: continuously
// flooded, single drainage, multiple drainage) with a confidence.
//
// The detector adapts to the field instead of using global dB thresholds:
//  * flood onset is the first date near the series' own darkest level;
//  * the flooded trajectory after onset is the field's own rising lower
//    envelope (a robust isotonic fit of VH: backscatter of a flooded paddy
//    grows with the canopy, Le Toan et al. 1997, IEEE TGRS 35(1));
//  * a date is "non-flooded" when it stands above that envelope by more than
//    the noise: the speckle of its number of looks (Oliver & Quegan 1998)
//    or the series' own scatter around the envelope, whichever is larger;
//  * a drainage event is a run of non-flooded dates between flooded ones
//    (re-flooding observed), starting a minimum time after onset.
// MRV errors are asymmetric: an event is counted only when its evidence is
// strong; weak candidates lower the confidence but never raise the regime,
// and a season whose drainage window holds an abnormal gap cannot be called
// continuously flooded (→ undetermined), because a dry spell may hide there.
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/series_stats.hpp"

namespace paddymrv::kernels {

// Codes of /maps/water_regime (DESIGN §4).
enum class WaterRegime : std::uint8_t {
  not_rice = 0,
  continuously_flooded = 1,
  single_drainage = 2,
  multiple_drainage = 3,
  undetermined = 255,
};

enum class RegimeReason : std::uint8_t {
  detected = 0,         // regime from the detected events
  too_few_observations, // fewer usable dates than min_observations
  no_flooding,          // the series never shows a flooded paddy
  gap_in_window,        // no event seen, but a gap could hide one
  window_too_short,     // flooding too short / too late to judge drainage
};

struct FloodCycleParams {
  int min_observations = 6;          // usable dates in the season
  double min_flood_contrast_db = 3.0;  // flooded dates this much darker than the season's median
  double onset_margin_db = 2.0;      // onset: within this of the darkest level (or 3σ)
  double onset_drop_db = 2.0;        // …and this far below the dates before it, if any
  int min_days_after_onset = 10;     // earlier rises are land preparation / transplanting
  double flooded_z = 1.5;            // below: the date counts as flooded
  double event_z = 3.5;              // an event needs a date this many σ above the envelope
  int max_event_days = 24;           // longest plausible observed dry run (first → last dry date)
  double max_gap_factor = 1.6;       // gap > factor × median spacing is abnormal…
  int max_gap_days = 14;             // …and longer than this
  double harvest_drop_db = 3.0;      // VH this far below its peak, to the end: harvested
  // Canopy "closed" for drainage evidence at this share of the flooded
  // envelope's rise: beyond it a dry spell changes the field mean by less than
  // the speckle of a small terrace (water-cloud model, sim_backscatter), so a
  // gap there hides nothing the radar could show. 0.4 chosen on seeds
  // 2001/2002 (0.75: 10 % / 40 % accuracy, 0.4: 38 % / 40 %; over-credit
  // unchanged — the rule only moves fields between undetermined and CF).
  double closure_fraction = 0.4;
  int default_cultivation_days = 102;  // IPCC 2019 Table 5.11A, South-East Asia
  bool operator==(const FloodCycleParams&) const = default;
};

struct DrainageEvent {
  int last_flooded_day = 0;   // last flooded observation before the event
  int first_dry_day = 0;      // first non-flooded observation
  int last_dry_day = 0;       // last non-flooded observation
  int first_reflooded_day = 0;  // first flooded observation after
  double strength = 0;        // largest evidence of its dates, in σ
  // Days the field was at least / at most non-flooded, from the observations.
  int min_days() const { return last_dry_day - first_dry_day + 1; }
  int max_days() const { return first_reflooded_day - last_flooded_day - 1; }
};

struct FloodCycle {
  WaterRegime regime = WaterRegime::undetermined;
  RegimeReason reason = RegimeReason::too_few_observations;
  float confidence = 0;       // 0…1
  int observations = 0;       // usable dates
  int onset_day = -1;         // first flooded observation (−1: none)
  int end_flooding_day = -1;  // last flooded observation
  int harvest_day = -1;       // first observation after the harvest drop (−1: not seen)
  int cultivation_days = 0;   // onset → harvest (or default when not observed)
  std::vector<DrainageEvent> events;  // confirmed in-season events
  int weak_candidates = 0;            // runs above the envelope too weak to count
  int max_gap_days = 0;               // longest spacing of usable dates in the visible drainage window
  int visible_until_day = -1;         // canopy closure: later drainages cannot be seen
  double canopy_rise_db = 0;          // VH rise of the flooded envelope from onset to its peak
};

// Whether a series looks like a paddy: flooded at some point, then a crop
// growing out of the water (VH rising from the flooded level). Open water
// stays dark, upland crops are never flooded.
inline bool looks_like_paddy(const FloodCycle& c, double min_canopy_rise_db) {
  return c.onset_day >= 0 && c.canopy_rise_db >= min_canopy_rise_db;
}

// One series: day numbers (increasing), VV and VH linear power (NaN or ≤ 0 =
// missing), and the equivalent number of looks of each value.
struct BackscatterSeries {
  std::span<const int> day;
  std::span<const float> vv;
  std::span<const float> vh;
  double looks = 4.4;
};

// Working memory of detect_flood_cycle: one per thread, reused across pixels,
// so that the pixel loop allocates only when a series is longer than any
// before (vectors keep their capacity). Its contents mean nothing between
// calls.
struct FloodCycleScratch {
  struct Obs {
    int day;
    double vv_db, vh_db;
  };
  std::vector<Obs> obs;
  std::vector<double> level, sorted, vh, vv, env_vh, env_vv, z, weights, residuals, gaps;
  std::vector<int> days;
  std::vector<char> bridged, own_bridged;
  FitScratch fit;
};

FloodCycle detect_flood_cycle(const BackscatterSeries& s, const FloodCycleParams& p, FloodCycleScratch& scratch);
// The same with a scratch owned by the calling thread.
FloodCycle detect_flood_cycle(const BackscatterSeries& s, const FloodCycleParams& p = {});

}  // namespace paddymrv::kernels
