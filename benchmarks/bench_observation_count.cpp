// Single-thread cost of the per-date observation kernels, per Mpx.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kernels/observation_count.hpp"

using namespace paddymrv::kernels;

static void BM_S1Observations(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::mt19937 rng(1);
  std::gamma_distribution<float> speckle(4.5f, 1.0f / 4.5f);
  std::vector<float> vv(n), vh(n);
  for (std::size_t i = 0; i < n; ++i) vv[i] = 0.05f * speckle(rng), vh[i] = (i % 97 == 0) ? NAN : 0.01f * speckle(rng);
  std::vector<std::uint16_t> count(n);
  std::vector<std::uint8_t> usable(n);
  GapTracker gaps(n);
  int day = 0;
  for (auto _ : state) {
    add_s1_observations(vv, vh, count, usable);
    gaps.add(day += 6, usable);
    benchmark::DoNotOptimize(count.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_S1Observations)->Arg(512 * 512);

static void BM_S2Clear(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::mt19937 rng(2);
  std::vector<std::uint8_t> scl(n);
  for (auto& s : scl) s = static_cast<std::uint8_t>(rng() % 12);
  std::vector<std::uint16_t> count(n);
  const SclMask mask = default_scl_mask();
  for (auto _ : state) {
    add_s2_clear(scl, mask, count);
    benchmark::DoNotOptimize(count.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_S2Clear)->Arg(512 * 512);
