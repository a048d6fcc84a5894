#include "kernels/series_stats.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace paddymrv::kernels {

double trigamma(double x) {
  double acc = 0;
  while (x < 6) {
    acc += 1.0 / (x * x);
    x += 1;
  }
  const double x2 = 1.0 / (x * x);
  // ψ1(x) ~ 1/x + 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹)
  return acc + 1.0 / x + x2 / 2 + (1.0 / x) * x2 * (1.0 / 6 - x2 * (1.0 / 30 - x2 * (1.0 / 42 - x2 / 30)));
}

double speckle_db_sigma(double looks) { return 10.0 / std::log(10.0) * std::sqrt(trigamma(looks)); }

std::vector<double> isotonic_increasing(std::span<const double> y, std::span<const double> w) {
  assert(y.size() == w.size());
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
      // Merge while the previous pool's mean exceeds this one's.
      if (a.sum_wy * b.sum_w <= b.sum_wy * a.sum_w) break;
      Pool merged{a.sum_wy + b.sum_wy, a.sum_w + b.sum_w, a.count + b.count};
      pools.pop_back();
      pools.back() = merged;
    }
  }
  std::vector<double> out;
  out.reserve(y.size());
  for (const Pool& p : pools) out.insert(out.end(), p.count, p.sum_w > 0 ? p.sum_wy / p.sum_w : 0.0);
  return out;
}

std::vector<double> unimodal_fit(std::span<const double> y, std::span<const double> w) {
  const std::size_t n = y.size();
  std::vector<double> best;
  double best_err = INFINITY;
  for (std::size_t m = 0; m < n; ++m) {
    // Rising part on [0, m], falling part on (m, n) fitted as a rising one reversed.
    auto up = isotonic_increasing(y.subspan(0, m + 1), w.subspan(0, m + 1));
    std::vector<double> ry(y.rbegin(), y.rend() - static_cast<std::ptrdiff_t>(m + 1));
    std::vector<double> rw(w.rbegin(), w.rend() - static_cast<std::ptrdiff_t>(m + 1));
    auto down = isotonic_increasing(ry, rw);
    std::vector<double> fit = up;
    fit.insert(fit.end(), down.rbegin(), down.rend());
    // Unimodal only if the falling part starts no higher than the peak.
    if (m + 1 < n && fit[m + 1] > fit[m]) continue;
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) err += w[i] * (y[i] - fit[i]) * (y[i] - fit[i]);
    if (err < best_err) best_err = err, best = std::move(fit);
  }
  return best;
}

double robust_sigma(std::vector<double> r) {
  if (r.empty()) return 0;
  auto mid = r.begin() + static_cast<std::ptrdiff_t>(r.size() / 2);
  std::nth_element(r.begin(), mid, r.end());
  const double med = *mid;
  for (double& v : r) v = std::fabs(v - med);
  std::nth_element(r.begin(), mid, r.end());
  return 1.4826 * *mid;
}

}  // namespace paddymrv::kernels
