#include "kernels/series_stats.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

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

namespace {

using Pool = FitScratch::Pool;

double pool_mean(const Pool& p) { return p.sum_w > 0 ? p.sum_wy / p.sum_w : 0.0; }

// Σ w (y − mean)² of the pool from its sums. A single date fits itself
// exactly; the formula would leave rounding noise there.
double pool_sse(const Pool& p) {
  return p.count > 1 && p.sum_w > 0 ? p.sum_wyy - p.sum_wy * p.sum_wy / p.sum_w : 0.0;
}

// One pool-adjacent-violators step. Every fitted value must come out as the
// same double whichever routine builds it, so the sums are formed in one
// place and in date order; the error terms ride along only when asked for.
template <bool kTrackError>
void push_pool(std::vector<Pool>& pools, double y, double w) {
  pools.push_back({w * y, w, kTrackError ? w * y * y : 0.0, 1, 0.0});
  while (pools.size() > 1) {
    const Pool& b = pools.back();
    const Pool& a = pools[pools.size() - 2];
    // Merge while the previous pool's mean exceeds this one's.
    if (a.sum_wy * b.sum_w <= b.sum_wy * a.sum_w) break;
    const Pool merged{a.sum_wy + b.sum_wy, a.sum_w + b.sum_w, a.sum_wyy + b.sum_wyy, a.count + b.count, 0.0};
    pools.pop_back();
    pools.back() = merged;
  }
  if constexpr (kTrackError) {
    // Kept as a running sum over the pools, never updated by subtraction,
    // so a merge cannot leave cancellation error behind.
    Pool& b = pools.back();
    b.cum_sse = (pools.size() > 1 ? pools[pools.size() - 2].cum_sse : 0.0) + pool_sse(b);
  }
}

// Increasing fit of the sequence y[idx(0)], …, y[idx(count − 1)], stored at
// fit[idx(k)]: with idx reversed, the decreasing fit of a suffix.
template <class Index>
void isotonic_along(std::span<const double> y, std::span<const double> w, std::size_t count, Index idx,
                    std::span<double> fit, std::vector<Pool>& pools) {
  pools.clear();
  for (std::size_t k = 0; k < count; ++k) push_pool<false>(pools, y[idx(k)], w[idx(k)]);
  std::size_t k = 0;
  for (const Pool& p : pools) {
    const double v = pool_mean(p);
    for (std::size_t c = 0; c < p.count; ++c) fit[idx(k++)] = v;
  }
}

// The unimodal candidate with its peak at m: increasing on [0, m], the
// falling part on (m, n) fitted as a rising one reversed.
void build_peak(std::span<const double> y, std::span<const double> w, std::size_t m, std::span<double> fit,
                std::vector<Pool>& pools) {
  const std::size_t n = y.size();
  isotonic_along(y, w, m + 1, [](std::size_t k) { return k; }, fit, pools);
  isotonic_along(y, w, n - m - 1, [n](std::size_t k) { return n - 1 - k; }, fit, pools);
}

// Builds every peak `consider` admits, in increasing order, and keeps the
// first with the smallest error summed over dates in order (the definition).
template <class Consider>
bool best_built_peak(std::span<const double> y, std::span<const double> w, std::span<double> fit,
                     FitScratch& s, Consider consider) {
  const std::size_t n = y.size();
  s.trial.resize(n);
  const std::span<double> trial(s.trial);
  double best_err = INFINITY;
  bool found = false;
  for (std::size_t m = 0; m < n; ++m) {
    if (!consider(m)) continue;
    build_peak(y, w, m, trial, s.pools);
    // Unimodal only if the falling part starts no higher than the peak.
    if (m + 1 < n && trial[m + 1] > trial[m]) continue;
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) err += w[i] * (y[i] - trial[i]) * (y[i] - trial[i]);
    if (err < best_err) {
      best_err = err;
      std::copy(trial.begin(), trial.end(), fit.begin());
      found = true;
    }
  }
  return found;
}

}  // namespace

void isotonic_increasing(std::span<const double> y, std::span<const double> w, std::span<double> fit,
                         FitScratch& scratch) {
  assert(y.size() == w.size() && fit.size() == y.size());
  isotonic_along(y, w, y.size(), [](std::size_t k) { return k; }, fit, scratch.pools);
}

std::vector<double> isotonic_increasing(std::span<const double> y, std::span<const double> w) {
  FitScratch scratch;
  std::vector<double> fit(y.size());
  isotonic_increasing(y, w, fit, scratch);
  return fit;
}

bool unimodal_fit(std::span<const double> y, std::span<const double> w, std::span<double> fit, FitScratch& s) {
  assert(y.size() == w.size() && fit.size() == y.size());
  const std::size_t n = y.size();
  if (n == 0) return true;
  // Scale of every error below: Σ w y² bounds each fit's error and the sums
  // the running errors are formed from.
  double scale = 0;
  for (std::size_t i = 0; i < n; ++i) scale += std::fabs(w[i]) * y[i] * y[i];
  if (!(scale <= 1e300)) return best_built_peak(y, w, fit, s, [](std::size_t) { return true; });

  // Forwards: error and last value of every prefix's increasing fit.
  s.up_err.resize(n);
  s.up_last.resize(n);
  s.pools.clear();
  for (std::size_t k = 0; k < n; ++k) {
    push_pool<true>(s.pools, y[k], w[k]);
    s.up_err[k] = s.pools.back().cum_sse;
    s.up_last[k] = pool_mean(s.pools.back());
  }
  // Backwards: error and first value of every suffix's decreasing fit.
  s.down_err.resize(n);
  s.down_first.resize(n);
  s.pools.clear();
  for (std::size_t k = n; k-- > 0;) {
    push_pool<true>(s.pools, y[k], w[k]);
    s.down_err[k] = s.pools.back().cum_sse;
    s.down_first[k] = pool_mean(s.pools.back());
  }
  // These end values are the very doubles a built fit would hold, so the
  // admissibility test is exact; only the errors are approximate.
  s.candidate_err.resize(n);
  double best = INFINITY;
  for (std::size_t m = 0; m < n; ++m) {
    const bool admissible = m + 1 == n || s.down_first[m + 1] <= s.up_last[m];
    s.candidate_err[m] = admissible ? s.up_err[m] + (m + 1 < n ? s.down_err[m + 1] : 0.0) : INFINITY;
    best = std::min(best, s.candidate_err[m]);
  }
  // Both the running error and the direct sum are within a few n·ε·scale
  // of the true error (pool sums of ≤ n terms, a cancellation bounded by
  // Cauchy–Schwarz, a sum of ≤ n terms), so any peak the definition could
  // prefer lies within twice that of the best running error; 64 leaves a wide
  // margin, and a wider one costs only a few extra fits.
  const double tol = 64.0 * static_cast<double>(n + 4) * std::numeric_limits<double>::epsilon() * scale;
  std::size_t candidates = 0, first = n;
  for (std::size_t m = 0; m < n; ++m) {
    if (s.candidate_err[m] <= best + tol) {
      if (candidates++ == 0) first = m;
    }
  }
  if (candidates == 1) {
    build_peak(y, w, first, fit, s.pools);
    return true;
  }
  return best_built_peak(y, w, fit, s, [&](std::size_t m) { return s.candidate_err[m] <= best + tol; });
}

std::vector<double> unimodal_fit(std::span<const double> y, std::span<const double> w) {
  FitScratch scratch;
  std::vector<double> fit(y.size());
  if (!unimodal_fit(y, w, fit, scratch)) fit.clear();
  return fit;
}

double robust_sigma_in_place(std::span<double> r) {
  if (r.empty()) return 0;
  auto mid = r.begin() + static_cast<std::ptrdiff_t>(r.size() / 2);
  std::nth_element(r.begin(), mid, r.end());
  const double med = *mid;
  for (double& v : r) v = std::fabs(v - med);
  std::nth_element(r.begin(), mid, r.end());
  return 1.4826 * *mid;
}

double robust_sigma(std::vector<double> r) { return robust_sigma_in_place(r); }

}  // namespace paddymrv::kernels
