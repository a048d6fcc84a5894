// Single-thread cost of the per-pixel flood-cycle detector (issue #6): one
// call per pixel series of `dates` VV/VH pairs. Items processed = pixels, so
// items_per_second is pixel series per second; per Mpx = 1e6 / rate, per
// pixel-date = that / dates.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/flood_cycle.hpp"

using namespace paddymrv::kernels;

namespace {

struct Population {
  std::vector<int> days;
  std::vector<std::vector<float>> vv, vh;  // one series per pixel
};

// `pixels` series of `dates` dates every `revisit` days: a mix of paddies
// (flooded, canopy rising, 0–2 drainage bumps), upland crops and open water,
// with speckle of the filtered looks (ENL ≈ 20) — what the engine feeds the
// detector after the Quegan filter.
Population population(int pixels, int dates, int revisit, unsigned seed) {
  std::mt19937 rng(seed);
  std::gamma_distribution<float> speckle(20.0f, 1.0f / 20.0f);
  std::uniform_int_distribution<int> kind(0, 9), drains(0, 2);
  Population p;
  for (int d = 0; d < dates; ++d) p.days.push_back(d * revisit);
  p.vv.resize(pixels);
  p.vh.resize(pixels);
  for (int i = 0; i < pixels; ++i) {
    const int k = kind(rng), nd = drains(rng);
    for (int d = 0; d < dates; ++d) {
      const double t = static_cast<double>(d) / dates;
      double vh_db, vv_db;
      if (k < 7) {  // paddy: flooded at ~15 %, canopy rise to ~-14 dB, drainage bumps
        const double grow = t < 0.15 ? 0 : std::min(1.0, (t - 0.15) / 0.5);
        vh_db = t < 0.1 ? -17.0 : -23.0 + 9.0 * grow;
        const bool dry = (nd >= 1 && d == dates / 3) || (nd >= 2 && d == dates / 2);
        if (dry) vh_db += 6.0 * (1.0 - grow);
        vv_db = vh_db + 6.0;
      } else if (k < 9) {  // upland crop
        vh_db = -18.0 + 4.0 * t;
        vv_db = vh_db + 7.0;
      } else {  // open water
        vh_db = -25.0;
        vv_db = -19.0;
      }
      p.vv[i].push_back(static_cast<float>(std::pow(10.0, vv_db / 10.0)) * speckle(rng));
      p.vh[i].push_back(static_cast<float>(std::pow(10.0, vh_db / 10.0)) * speckle(rng));
    }
  }
  return p;
}

}  // namespace

static void BM_FloodCycle(benchmark::State& state) {
  const int dates = static_cast<int>(state.range(0)), pixels = 4096;
  const auto pop = population(pixels, dates, dates >= 40 ? 3 : 6, 11);
  const FloodCycleParams params;
  int i = 0;
  for (auto _ : state) {
    const auto c = detect_flood_cycle({pop.days, pop.vv[i], pop.vh[i], 20.0}, params);
    benchmark::DoNotOptimize(c.regime);
    i = (i + 1) % pixels;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["dates"] = dates;
  state.counters["us_per_pixel"] = benchmark::Counter(static_cast<double>(state.iterations()) * 1e-6,
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ns_per_pixel_date"] = benchmark::Counter(static_cast<double>(state.iterations()) * dates * 1e-9,
                                                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FloodCycle)->Arg(25)->Arg(50);
