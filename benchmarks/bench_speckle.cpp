// Single-thread cost of the speckle filters (issue #6), per Mpx and per date:
// items processed = pixels × dates, so "items_per_second" reads as
// pixel-dates per second; the per-Mpx-date time is 1e6 / that rate.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/speckle_filter.hpp"

using namespace paddymrv::kernels;

namespace {

// A stack of `dates` images of side `side`, gamma speckle (ENL 4.5) on a
// field mosaic, 1 % NaN (missing pixels) as the reader delivers them.
std::vector<std::vector<float>> speckled_stack(int side, int dates, unsigned seed) {
  std::mt19937 rng(seed);
  std::gamma_distribution<float> speckle(4.5f, 1.0f / 4.5f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<std::vector<float>> stack(dates, std::vector<float>(static_cast<std::size_t>(side) * side));
  for (int d = 0; d < dates; ++d) {
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x) {
        const float field = 0.01f + 0.05f * static_cast<float>(((x / 16) * 7 + (y / 16) * 13 + d) % 11) / 10.0f;
        stack[d][static_cast<std::size_t>(y) * side + x] = u(rng) < 0.01f ? NAN : field * speckle(rng);
      }
    }
  }
  return stack;
}

}  // namespace

// Quegan multi-temporal filter on a block (side + 2·halo)² × dates.
static void BM_QueganFilter(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0)), dates = static_cast<int>(state.range(1));
  const auto original = speckled_stack(side, dates, 7);
  SpeckleFilterParams p;
  auto stack = original;
  for (auto _ : state) {
    state.PauseTiming();
    stack = original;
    state.ResumeTiming();
    quegan_filter(stack, side, side, p);
    benchmark::DoNotOptimize(stack.front().data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(side) * side * dates);
  state.counters["dates"] = dates;
  state.counters["ms_per_Mpx_date"] = benchmark::Counter(static_cast<double>(state.iterations()) * side * side * dates * 1e-9,
                                                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_QueganFilter)->Args({516, 25})->Args({516, 50})->Unit(benchmark::kMillisecond);

// Spatial Lee filter on one date.
static void BM_LeeFilter(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const auto original = speckled_stack(side, 1, 8);
  SpeckleFilterParams p;
  auto img = original.front();
  for (auto _ : state) {
    state.PauseTiming();
    img = original.front();
    state.ResumeTiming();
    lee_filter(img, side, side, p);
    benchmark::DoNotOptimize(img.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(side) * side);
}
BENCHMARK(BM_LeeFilter)->Arg(516)->Unit(benchmark::kMillisecond);
