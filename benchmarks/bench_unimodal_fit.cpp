// The flooded-envelope fit dominated the flood-cycle detector (issue #6
// profile: 8 fits per pixel). kernels::unimodal_fit is now O(n) in the usual
// case (series_stats.hpp says how); BM_UnimodalFitReference is the O(n²)
// definition it replaced, on the same inputs, and BM_UnimodalFit reports how
// many of its fits differ from that definition in any bit ("mismatches",
// must be 0).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "kernels/series_stats.hpp"
#include "tests/series_stats_reference.hpp"

using namespace paddymrv::kernels;

namespace {

// Series like the flooded VH envelope input: rise then plateau/fall, dB,
// with speckle noise and a few drained dates down-weighted.
std::vector<std::pair<std::vector<double>, std::vector<double>>> series(int count, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::pair<std::vector<double>, std::vector<double>>> out(count);
  for (auto& [y, w] : out) {
    const double peak = 0.4 + 0.5 * u(rng);
    for (int i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / n;
      y.push_back(-23.0 + 9.0 * std::min(t / peak, 1.0) - (t > peak ? 3.0 * (t - peak) : 0.0) + noise(rng));
      w.push_back(u(rng) < 0.15 ? 0.05 : 1.0);
    }
  }
  return out;
}

}  // namespace

static void BM_UnimodalFitReference(benchmark::State& state) {
  const auto data = series(1024, static_cast<int>(state.range(0)), 3);
  std::size_t i = 0;
  for (auto _ : state) {
    auto fit = paddymrv::reference::reference_unimodal(data[i].first, data[i].second);
    benchmark::DoNotOptimize(fit.data());
    i = (i + 1) % data.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnimodalFitReference)->Arg(12)->Arg(20)->Arg(40);

// The kernel as the detector calls it: one scratch and one output reused.
static void BM_UnimodalFit(benchmark::State& state) {
  const auto data = series(1024, static_cast<int>(state.range(0)), 3);
  FitScratch scratch;
  std::vector<double> fit;
  int mismatches = 0;
  for (const auto& [y, w] : data) {
    fit.resize(y.size());
    const bool ok = unimodal_fit(y, w, fit, scratch);
    const auto want = paddymrv::reference::reference_unimodal(y, w);
    if (!ok || fit.size() != want.size() ||
        !std::equal(fit.begin(), fit.end(), want.begin(),
                    [](double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }))
      ++mismatches;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    fit.resize(data[i].first.size());
    unimodal_fit(data[i].first, data[i].second, fit, scratch);
    benchmark::DoNotOptimize(fit.data());
    i = (i + 1) % data.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["mismatches"] = mismatches;
}
BENCHMARK(BM_UnimodalFit)->Arg(12)->Arg(20)->Arg(40);
