// The flooded-envelope fit dominates the flood-cycle detector (issue #6
// profile): kernels::unimodal_fit tries every mode m with two isotonic fits
// and fresh vectors each — O(n²) time and ~5n allocations per call, 8 calls
// per pixel. This benchmark measures it against a prototype with the same
// result in O(n): one pass of pool-adjacent-violators forwards and one
// backwards give every prefix's and suffix's fit error and end value, the
// best admissible mode is picked from those, and only that fit is built.
// The prototype lives here (not in kernels/) as the measured proposal for the
// kernel's owner; BM_UnimodalFitLinear reports how many of its fits differ
// from the current one on the same inputs ("mismatches", want 0).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/series_stats.hpp"

using namespace paddymrv::kernels;

namespace {

struct Pool {
  double sum_wy, sum_w, sum_wyy;
  std::size_t count;
  double sse() const { return sum_w > 0 ? sum_wyy - sum_wy * sum_wy / sum_w : 0.0; }
  double mean() const { return sum_w > 0 ? sum_wy / sum_w : 0.0; }
};

// For the sequence y[idx(0)], y[idx(1)], …: error and last fitted value of
// the increasing isotonic fit of every prefix.
template <class Index>
void prefix_fits(std::span<const double> y, std::span<const double> w, Index idx, std::vector<Pool>& pools,
                 std::vector<double>& err, std::vector<double>& last) {
  const std::size_t n = y.size();
  pools.clear();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = idx(k);
    pools.push_back({w[i] * y[i], w[i], w[i] * y[i] * y[i], 1});
    while (pools.size() > 1) {
      const Pool& b = pools.back();
      const Pool& a = pools[pools.size() - 2];
      if (a.sum_wy * b.sum_w <= b.sum_wy * a.sum_w) break;
      Pool merged{a.sum_wy + b.sum_wy, a.sum_w + b.sum_w, a.sum_wyy + b.sum_wyy, a.count + b.count};
      pools.pop_back();
      pools.back() = merged;
    }
    // Error of this prefix: sum over its pools (few; no allocation).
    err[k] = 0;
    for (const Pool& p : pools) err[k] += p.sse();
    last[k] = pools.back().mean();
  }
}

std::vector<double> unimodal_fit_linear(std::span<const double> y, std::span<const double> w) {
  const std::size_t n = y.size();
  thread_local std::vector<Pool> pools;
  thread_local std::vector<double> up_err, up_last, down_err, down_first;
  up_err.assign(n, 0);
  up_last.assign(n, 0);
  down_err.assign(n, 0);
  down_first.assign(n, 0);
  prefix_fits(y, w, [](std::size_t k) { return k; }, pools, up_err, up_last);
  // Suffix starting at s = reversed prefix of length n − s: stored at index s.
  thread_local std::vector<double> re, rl;
  re.assign(n, 0);
  rl.assign(n, 0);
  prefix_fits(y, w, [n](std::size_t k) { return n - 1 - k; }, pools, re, rl);
  for (std::size_t s = 0; s < n; ++s) down_err[s] = re[n - 1 - s], down_first[s] = rl[n - 1 - s];
  std::size_t best_m = n;
  double best_err = INFINITY;
  for (std::size_t m = 0; m < n; ++m) {
    if (m + 1 < n && down_first[m + 1] > up_last[m]) continue;
    const double e = up_err[m] + (m + 1 < n ? down_err[m + 1] : 0.0);
    if (e < best_err) best_err = e, best_m = m;
  }
  if (best_m == n) return {};
  auto fit = isotonic_increasing(y.subspan(0, best_m + 1), w.subspan(0, best_m + 1));
  std::vector<double> ry(y.rbegin(), y.rend() - static_cast<std::ptrdiff_t>(best_m + 1));
  std::vector<double> rw(w.rbegin(), w.rend() - static_cast<std::ptrdiff_t>(best_m + 1));
  auto down = isotonic_increasing(ry, rw);
  fit.insert(fit.end(), down.rbegin(), down.rend());
  return fit;
}

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

static void BM_UnimodalFitCurrent(benchmark::State& state) {
  const auto data = series(1024, static_cast<int>(state.range(0)), 3);
  std::size_t i = 0;
  for (auto _ : state) {
    auto fit = unimodal_fit(data[i].first, data[i].second);
    benchmark::DoNotOptimize(fit.data());
    i = (i + 1) % data.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnimodalFitCurrent)->Arg(12)->Arg(20)->Arg(40);

static void BM_UnimodalFitLinear(benchmark::State& state) {
  const auto data = series(1024, static_cast<int>(state.range(0)), 3);
  int mismatches = 0;
  double max_diff = 0;
  for (const auto& [y, w] : data) {
    const auto a = unimodal_fit(y, w), b = unimodal_fit_linear(y, w);
    if (a.size() != b.size()) {
      ++mismatches;
      continue;
    }
    double d = 0;
    for (std::size_t k = 0; k < a.size(); ++k) d = std::max(d, std::fabs(a[k] - b[k]));
    if (d != 0) ++mismatches;
    max_diff = std::max(max_diff, d);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto fit = unimodal_fit_linear(data[i].first, data[i].second);
    benchmark::DoNotOptimize(fit.data());
    i = (i + 1) % data.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["mismatches"] = mismatches;
  state.counters["max_abs_diff"] = max_diff;
}
BENCHMARK(BM_UnimodalFitLinear)->Arg(12)->Arg(20)->Arg(40);
