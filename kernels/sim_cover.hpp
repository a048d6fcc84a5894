#pragma once
// Land-cover dynamics of the simulated season: what covers a field on a
// given day (canopy fraction, greenness, the surface under the canopy), per
// crop class, plus the water management of a rice field (flooding,
// transplanting, drainage events, end-season drainage, harvest).
//
// Days are counted from the season start (day 0). Both radar and optical
// models (sim_backscatter, sim_reflectance) read the same CoverState, so
// the two sensors always tell a consistent story about a field.
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/sim_random.hpp"

namespace paddymrv::kernels::sim {

// The default class table of DESIGN §3 (codes fixed).
enum CropClassCode : int {
  kRice = 1,
  kVegetables = 2,
  kTea = 3,
  kTemperateFruit = 4,
  kMedicinal = 5,
  kBananaPineapple = 6,
  kCitrus = 7,
  kMaizeCassava = 8,
  kForest = 9,
  kWater = 10,
  kBuiltUp = 11,
  kOther = 12,
};
constexpr int kClassCount = 12;
std::string_view class_name(int code);

// IPCC 2019 Refinement Vol. 4 Ch. 5.5 water regimes; codes as in the
// water_regime map (0 = not rice).
enum class Regime : std::uint8_t { none = 0, continuously_flooded = 1, single_drainage = 2, multiple_drainage = 3 };

enum class Surface : std::uint8_t {
  dry_soil,    // fallow, ploughed or stubble field; upland crops
  wet_soil,    // drained paddy, freshly irrigated bed
  flooded,     // shallow standing water in a paddy (a few cm, turbid)
  open_water,  // river, pond, reservoir
  built,       // roofs, roads, concrete
};

struct CoverState {
  double canopy = 0;  // fractional cover of the vegetation, 0..1
  double green = 1;   // 1 = fully green canopy, 0 = senescent / straw
  Surface surface = Surface::dry_soil;
};

struct DayRange {
  int first = 0, last = 0;  // inclusive day numbers
  bool contains(int day) const { return day >= first && day <= last; }
  int days() const { return last - first + 1; }
};

// Water-management parameters of the simulated rice crop.
struct RiceManagement {
  int transplant_first_day = 8;      // window of transplanting dates
  int transplant_last_day = 32;
  int land_preparation_min_days = 3;  // flooding before transplanting (puddling)
  int land_preparation_max_days = 8;
  int duration_min_days = 95;  // transplanting → harvest
  int duration_max_days = 112;
  int last_harvest_day = 133;  // harvest no later than this (season end − 1)
  int first_drainage_min_days = 21;  // first drainage ≥ this many days after flooding (DESIGN §5)
  int drainage_min_days = 5;         // length of one drainage event
  int drainage_max_days = 15;
  int reflood_min_days = 6;  // re-flooded at least this long between events
  int awd_min_events = 2;
  int awd_max_events = 4;
  int end_drainage_min_days = 10;  // end-season drainage starts this long before harvest
  int end_drainage_max_days = 18;
};

struct RicePlan {
  Regime regime = Regime::continuously_flooded;
  int flood_day = 0;         // first day of standing water (land preparation)
  int transplant_day = 0;
  int harvest_day = 0;
  int end_drainage_day = 0;  // first day of the end-season drainage
  std::vector<DayRange> drainages;  // in-season drainage events (end-season not included)
};

// Draws a field's calendar and drainage events. A multiple-drainage field
// whose window cannot hold two events is demoted to single drainage (and a
// single one to continuous flooding) so that the truth always matches the
// plan; the caller reads the final regime from the plan.
RicePlan plan_rice(Regime wanted, const RiceManagement& m, Rng& rng);

// True when the field holds no standing water on that day (a drainage
// event, the end-season drainage, before flooding or after harvest).
bool rice_drained(const RicePlan& plan, int day);

// Per-field variability of non-rice crops and of the rice canopy.
struct FieldTraits {
  double amplitude = 1.0;   // scales the canopy cover (NDVI amplitude)
  int phenology_shift = 0;  // days, shifts perennial green-up
  int sowing_day = 0;       // annual crops: first sowing
  int cycle_days = 60;      // annual crops: sowing → harvest
  int fallow_days = 10;     // vegetables: bare bed between two cycles
};

// Draws traits for a field of the given class.
FieldTraits draw_traits(int class_code, Rng& rng);

CoverState rice_cover(const RicePlan& plan, int day, double amplitude);
CoverState crop_cover(int class_code, int day, const FieldTraits& traits);

// Logistic canopy growth normalised to 0 at t = 0 and fmax at t → ∞:
// midpoint t_mid, rate scale k (days).
double logistic_growth(double t, double t_mid, double k);

}  // namespace paddymrv::kernels::sim
