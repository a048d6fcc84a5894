// The flood-cycle detector on hand-built series (6-day revisit, a field of
// ~100 pixels: ~450 looks), with the shape DESIGN §5 describes: dry soil
// before flooding, a dark flooded paddy whose backscatter rises with the
// canopy, drainage events standing above that trajectory, harvest.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <initializer_list>
#include <random>

#include "kernels/flood_cycle.hpp"

using namespace paddymrv::kernels;

namespace {

struct Story {
  int flood_day = 10;
  int harvest_day = 120;
  std::vector<std::pair<int, int>> dry;  // in-season drainage periods [first, last]
  int end_drainage_day = 105;
};

bool drained(const Story& s, int d) {
  if (d < s.flood_day || d >= s.end_drainage_day) return true;
  for (auto [a, b] : s.dry)
    if (d >= a && d <= b) return true;
  return false;
}

struct Series {
  std::vector<int> day;
  std::vector<float> vv, vh;
};

Series make(const Story& s, int revisit = 6, unsigned seed = 1, double looks = 450, std::vector<int> missing = {}) {
  std::mt19937 rng(seed);
  std::gamma_distribution<double> g(looks, 1.0 / looks);
  Series out;
  for (int d = 3; d <= 130; d += revisit) {
    const double t = std::clamp((d - s.flood_day) / 60.0, 0.0, 1.0);  // canopy 0 → 1
    double vh_db, vv_db;
    if (d < s.flood_day) {
      vh_db = -19.5, vv_db = -12.5;  // fallow, dry soil
    } else if (d >= s.harvest_day) {
      vh_db = -20.0, vv_db = -13.0;  // stubble
    } else {
      vh_db = -23.0 + 8.0 * t;  // flooded, canopy growing
      vv_db = -18.0 + 8.0 * t;
      if (drained(s, d)) {
        vh_db += 5.0 * (1.0 - 0.7 * t);  // the water/soil contrast fades under the canopy
        vv_db += 6.0 * (1.0 - 0.9 * t);
      }
    }
    const bool gone = std::find(missing.begin(), missing.end(), d) != missing.end();
    out.day.push_back(d);
    out.vv.push_back(gone ? NAN : static_cast<float>(std::pow(10.0, vv_db / 10) * g(rng)));
    out.vh.push_back(gone ? NAN : static_cast<float>(std::pow(10.0, vh_db / 10) * g(rng)));
  }
  return out;
}

FloodCycle detect(const Series& s, double looks = 450) { return detect_flood_cycle({s.day, s.vv, s.vh, looks}); }

}  // namespace

TEST(FloodCycle, ContinuouslyFloodedHasNoEvent) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const auto r = detect(make(Story{}, 6, seed));
    EXPECT_EQ(r.regime, WaterRegime::continuously_flooded) << seed;
    EXPECT_TRUE(r.events.empty()) << seed;
    EXPECT_NEAR(r.onset_day, 15, 6) << seed;  // first date after the flood (day 10)
    EXPECT_GT(r.confidence, 0.5f) << seed;
  }
}

TEST(FloodCycle, CleanAwdWithThreeEventsCountsThree) {
  Story s;
  s.dry = {{32, 41}, {54, 63}, {76, 85}};
  for (unsigned seed = 1; seed <= 20; ++seed) {
    // A clean series: a large field (~450 pixels, 2000 looks).
    const auto r = detect(make(s, 6, seed, 2000), 2000);
    ASSERT_EQ(r.events.size(), 3u) << seed;
    EXPECT_EQ(r.regime, WaterRegime::multiple_drainage) << seed;
    // Each detected event overlaps its true dry period.
    for (std::size_t e = 0; e < 3; ++e) {
      EXPECT_LE(r.events[e].first_dry_day, s.dry[e].second) << seed;
      EXPECT_GE(r.events[e].last_dry_day, s.dry[e].first) << seed;
      EXPECT_LE(r.events[e].min_days(), r.events[e].max_days());
    }
  }
}

TEST(FloodCycle, SmallerFieldsMissLateEventsButNeverAddOnes) {
  // ~100 pixels: the third event, under a closed canopy (≈1.5 dB in VH),
  // is sometimes missed; the count must never exceed the truth.
  Story s;
  s.dry = {{32, 41}, {54, 63}, {76, 85}};
  int exact = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const auto r = detect(make(s, 6, seed, 450), 450);
    ASSERT_LE(r.events.size(), 3u) << seed;
    EXPECT_EQ(r.regime, WaterRegime::multiple_drainage) << seed;
    exact += r.events.size() == 3;
  }
  EXPECT_GE(exact, 15);
}

TEST(FloodCycle, SingleDrainageAndHarvest) {
  Story s;
  s.dry = {{40, 50}};
  const auto r = detect(make(s, 6, 3));
  EXPECT_EQ(r.regime, WaterRegime::single_drainage);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_GE(r.harvest_day, 120);
  EXPECT_NEAR(r.cultivation_days, 120 - 15, 8);
}

TEST(FloodCycle, GapOverTheOnlyDrySpellIsUndetermined) {
  // The only dry spell (days 44–56) falls in a hole of three missing dates.
  Story s;
  s.dry = {{44, 56}};
  const auto seen = detect(make(s, 6, 4));
  EXPECT_EQ(seen.regime, WaterRegime::single_drainage);  // visible when the dates are there
  const auto r = detect(make(s, 6, 4, 450, {45, 51, 57}));
  EXPECT_EQ(r.regime, WaterRegime::undetermined);
  EXPECT_EQ(r.reason, RegimeReason::gap_in_window);
  EXPECT_GE(r.max_gap_days, 18);
}

TEST(FloodCycle, MissedEventsOnlyEverLowerTheRegime) {
  // Two events, the second hidden by missing dates: the answer is single
  // drainage (fewer) — never more drainages than the data shows.
  Story s;
  s.dry = {{32, 41}, {66, 75}};
  const auto r = detect(make(s, 6, 5, 450, {69, 75}));
  EXPECT_EQ(r.regime, WaterRegime::single_drainage);
}

// Field-mean series of two simulated terraces (seed 2001, 20 pixels ≈ 90
// looks), days after season start with VV/VH in dB.
struct DbSeries {
  std::vector<int> day;
  std::vector<float> vv, vh;
  explicit DbSeries(std::initializer_list<std::array<double, 3>> rows) {
    for (const auto& r : rows) {
      day.push_back(static_cast<int>(r[0]));
      vv.push_back(static_cast<float>(std::pow(10.0, r[1] / 10)));
      vh.push_back(static_cast<float>(std::pow(10.0, r[2] / 10)));
    }
  }
};

TEST(FloodCycle, SecondDrySpellWhileTheCanopyGrowsIsSeen) {
  // Dry on days 31–39 and 49–59 (and twice more under the closed canopy,
  // invisible). After the second spell the re-flooded field (day 61) is
  // darker than the dry dates but brighter than the first re-flood (day 43):
  // a monotone envelope pooled 49–61 into one step and missed the spell.
  const DbSeries f{{1, -10.40, -16.90},  {7, -11.45, -18.45},  {13, -17.48, -22.18}, {19, -15.95, -22.56},
                   {25, -16.58, -22.79}, {31, -10.91, -17.12}, {37, -9.40, -17.47},  {43, -13.52, -20.40},
                   {49, -10.40, -16.15}, {55, -11.01, -15.93}, {61, -9.50, -17.32},  {79, -8.11, -15.01},
                   {85, -8.59, -14.40},  {91, -8.35, -14.23},  {97, -7.69, -14.40},  {103, -8.56, -14.64},
                   {109, -8.43, -14.68}, {121, -9.16, -15.28}, {127, -9.62, -15.47}, {133, -11.14, -18.10}};
  const auto r = detect_flood_cycle({f.day, f.vv, f.vh, 4.4 * 20});
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.regime, WaterRegime::multiple_drainage);
  EXPECT_EQ(r.events[0].first_dry_day, 31);
  EXPECT_EQ(r.events[1].first_dry_day, 49);
  EXPECT_EQ(r.events[1].first_reflooded_day, 61);
}

TEST(FloodCycle, LastDryDateLevelWithTheGrownReFloodStillEndsTheSpell) {
  // Dry on days 29–35 and 43–51 (seed 2001, field 125). Day 49, the second
  // spell's last dry date, sits level with the re-flooded canopy of day 55
  // (VH −17.97 against −18.21 dB): the fall after the spell comes one date
  // late, and the spell must still be bridged and counted.
  const DbSeries f{{1, -12.05, -19.19},  {7, -12.92, -19.41},  {13, -18.80, -23.54}, {19, -18.20, -23.14},
                   {25, -18.09, -23.46}, {31, -12.03, -18.62}, {37, -16.03, -21.80}, {43, -11.86, -18.22},
                   {49, -11.79, -17.97}, {55, -10.77, -18.21}, {61, -11.42, -16.87}, {79, -10.69, -14.80},
                   {85, -9.83, -15.50},  {91, -11.00, -16.56}, {97, -10.92, -15.79}, {103, -12.04, -16.86},
                   {109, -11.74, -19.57}, {121, -13.86, -19.85}, {127, -13.17, -19.84}, {133, -13.54, -19.72}};
  const auto r = detect_flood_cycle({f.day, f.vv, f.vh, 4.4 * 20});
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.regime, WaterRegime::multiple_drainage);
  EXPECT_EQ(r.events[0].first_dry_day, 31);
  EXPECT_EQ(r.events[1].first_dry_day, 43);
  // VV's double bounce brightens on re-flooding, so day 55 itself still
  // reads dry on the joint evidence: the spell's end is seen one date late.
  EXPECT_GE(r.events[1].last_dry_day, 49);
  EXPECT_LE(r.events[1].last_dry_day, 55);
  EXPECT_GE(r.events[1].first_reflooded_day, 55);
  EXPECT_LE(r.events[1].first_reflooded_day, 61);
}

TEST(FloodCycle, CanopyRisingToAPlateauIsNoDrainage) {
  // Continuously flooded, 12-day revisit: VH climbs 5 dB in 24 days (days
  // 37–61) and levels off. The dates of the climb stand above the line from
  // before to after it, but the series never falls back: no re-flood, no event.
  const DbSeries f{{1, -15.91, -22.48},  {13, -16.74, -21.38}, {25, -15.47, -21.12}, {37, -12.58, -20.09},
                   {49, -9.08, -17.10},  {61, -7.23, -14.91},  {73, -8.38, -15.18},  {85, -8.38, -14.07},
                   {97, -8.82, -15.22},  {109, -9.10, -15.10}, {121, -11.04, -17.70}};
  const auto r = detect_flood_cycle({f.day, f.vv, f.vh, 4.4 * 20});
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.regime, WaterRegime::continuously_flooded);
}

TEST(FloodCycle, NoisyContinuouslyFloodedFieldsAreRarelyOverCredited) {
  // A small field (40 looks): noise alone must almost never make events.
  int over = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    const auto r = detect(make(Story{}, 6, seed, 40), 40);
    over += r.regime == WaterRegime::single_drainage || r.regime == WaterRegime::multiple_drainage;
  }
  EXPECT_LE(over, 4);  // ≤ 2 %
}

TEST(FloodCycle, TooFewObservationsOrNoFloodingAreUndetermined) {
  auto s = make(Story{}, 30, 1);
  EXPECT_EQ(detect(s).regime, WaterRegime::undetermined);
  EXPECT_EQ(detect(s).reason, RegimeReason::too_few_observations);
  // A maize field: never flooded, no dark period.
  Series m;
  for (int d = 3; d <= 130; d += 6) {
    m.day.push_back(d);
    m.vv.push_back(static_cast<float>(std::pow(10.0, (-11.0 + 0.03 * d) / 10)));
    m.vh.push_back(static_cast<float>(std::pow(10.0, (-17.0 + 0.03 * d) / 10)));
  }
  EXPECT_EQ(detect(m).regime, WaterRegime::undetermined);
  EXPECT_EQ(detect(m).reason, RegimeReason::no_flooding);
}
