#pragma once
// The isotonic and unimodal fits as kernels/series_stats computed them
// before issue #6: every peak tried with two pool-adjacent-violators fits
// and fresh vectors each, O(n²). Kept as the oracle that the O(n) kernel
// must match bit for bit (tests/test_series_stats.cpp) and the baseline it
// is timed against (benchmarks/bench_unimodal_fit.cpp).
#include <cmath>
#include <span>
#include <vector>

namespace paddymrv::reference {

// The reference pool-adjacent-violators fit, as it stood before issue #6.
inline std::vector<double> reference_isotonic(std::span<const double> y, std::span<const double> w) {
  struct Pool {
    double sum_wy, sum_w;
    std::size_t count;
  };
  std::vector<Pool> pools;
  for (std::size_t i = 0; i < y.size(); ++i) {
    pools.push_back({w[i] * y[i], w[i], 1});
    while (pools.size() > 1) {
      const Pool& b = pools.back();
      const Pool& a = pools[pools.size() - 2];
      if (a.sum_wy * b.sum_w <= b.sum_wy * a.sum_w) break;
      Pool merged{a.sum_wy + b.sum_wy, a.sum_w + b.sum_w, a.count + b.count};
      pools.pop_back();
      pools.back() = merged;
    }
  }
  std::vector<double> out;
  for (const Pool& p : pools) out.insert(out.end(), p.count, p.sum_w > 0 ? p.sum_wy / p.sum_w : 0.0);
  return out;
}

// The definition: O(n²), fresh vectors for every peak.
inline std::vector<double> reference_unimodal(std::span<const double> y, std::span<const double> w) {
  const std::size_t n = y.size();
  std::vector<double> best;
  double best_err = INFINITY;
  for (std::size_t m = 0; m < n; ++m) {
    auto up = reference_isotonic(y.subspan(0, m + 1), w.subspan(0, m + 1));
    std::vector<double> ry(y.rbegin(), y.rend() - static_cast<std::ptrdiff_t>(m + 1));
    std::vector<double> rw(w.rbegin(), w.rend() - static_cast<std::ptrdiff_t>(m + 1));
    auto down = reference_isotonic(ry, rw);
    std::vector<double> fit = up;
    fit.insert(fit.end(), down.rbegin(), down.rend());
    if (m + 1 < n && fit[m + 1] > fit[m]) continue;
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) err += w[i] * (y[i] - fit[i]) * (y[i] - fit[i]);
    if (err < best_err) best_err = err, best = std::move(fit);
  }
  return best;
}

}  // namespace paddymrv::reference
