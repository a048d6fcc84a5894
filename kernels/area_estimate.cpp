#include "kernels/area_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace paddymrv::kernels {

AreaEstimate stratified_area_estimate(const ConfusionMatrix& m, const std::vector<double>& mapped_area,
                                      const StratumUnits& units) {
  const int k = m.k;
  AreaEstimate e;
  e.mapped = mapped_area;
  e.adjusted.assign(static_cast<std::size_t>(k), 0.0);
  e.ci95.assign(static_cast<std::size_t>(k), 0.0);
  e.users.assign(static_cast<std::size_t>(k), std::nan(""));
  e.producers.assign(static_cast<std::size_t>(k), std::nan(""));
  double total = 0;
  for (double a : mapped_area) total += a;
  if (total <= 0) return e;
  std::vector<double> row(static_cast<std::size_t>(k), 0.0);
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) row[static_cast<std::size_t>(i)] += static_cast<double>(m.at(i, j));
  std::vector<double> p(static_cast<std::size_t>(k) * k, 0.0), var(static_cast<std::size_t>(k), 0.0);
  for (int i = 0; i < k; ++i) {
    const double W = mapped_area[static_cast<std::size_t>(i)] / total, ni = row[static_cast<std::size_t>(i)];
    if (ni <= 0) {
      // Never visited by the sample: its mapped area stays its own, and its
      // share of it is as uncertain as the uniform prior, Beta(1, 1).
      p[static_cast<std::size_t>(i) * k + i] = W;
      var[static_cast<std::size_t>(i)] += W * W / 12.0;
      continue;
    }
    // Sampling units of the stratum: its validation polygons when given and
    // fewer than its pixels (their pixels share their errors), else its
    // pixels (points are units of one pixel).
    const auto si = static_cast<std::size_t>(i);
    const bool have_units =
        si < units.units.size() && si < units.right.size() && units.units[si] > 0 && units.units[si] < ni;
    for (int j = 0; j < k; ++j) {
      const double nij = static_cast<double>(m.at(i, j)), f = nij / ni;
      p[static_cast<std::size_t>(i) * k + j] = W * f;
      const double eq10 = ni > 1 ? f * (1 - f) / (ni - 1) : 0.0;
      if (i == j && (nij == 0 || nij == ni || have_units)) {
        // A stratum whose sample is all right (or all wrong) gives Eq. 10 a
        // zero variance: five correct points of a small class would claim
        // its area exactly. Its own class's share then gets the variance of
        // its posterior under a uniform prior, Beta(r + 1, u − r + 1) for u
        // units of which r are of its class (Bayes–Laplace; the rule of
        // succession) — for the interval only, the point estimate stays
        // Olofsson's. In pixels (u = n_i) it is ≈ 1/n² when error-free,
        // below Eq. 10's with one error; in polygons it can be far above
        // Eq. 10 on the pixels, so with units it is the larger of the two
        // at every share: seeing an error never narrows the interval.
        const double u = have_units ? units.units[si] : ni, r = have_units ? units.right[si] : nij;
        const double a = r + 1, b = u - r + 1;
        const double beta = a * b / ((u + 2) * (u + 2) * (u + 3));
        var[static_cast<std::size_t>(j)] += W * W * std::max(beta, have_units ? eq10 : 0.0);
      } else {
        var[static_cast<std::size_t>(j)] += W * W * eq10;
      }
    }
  }
  for (int j = 0; j < k; ++j) {
    double col = 0, rw = 0;
    for (int i = 0; i < k; ++i) col += p[static_cast<std::size_t>(i) * k + j], rw += p[static_cast<std::size_t>(j) * k + i];
    const double diag = p[static_cast<std::size_t>(j) * k + j];
    e.adjusted[static_cast<std::size_t>(j)] = total * col;
    e.ci95[static_cast<std::size_t>(j)] = 1.96 * total * std::sqrt(var[static_cast<std::size_t>(j)]);
    if (rw > 0) e.users[static_cast<std::size_t>(j)] = diag / rw;
    if (col > 0) e.producers[static_cast<std::size_t>(j)] = diag / col;
    e.overall += diag;
  }
  return e;
}

AreaEstimate stratified_area_estimate(const ConfusionMatrix& m, const std::vector<double>& mapped_area,
                                      const std::vector<ConfusionMatrix>& replicates,
                                      const StratumUnits& units) {
  AreaEstimate e = stratified_area_estimate(m, mapped_area, units);
  if (replicates.size() < 2) return e;
  const std::size_t k = e.adjusted.size();
  // Welford's running mean and sum of squares, in replicate order.
  std::vector<double> mean(k, 0.0), m2(k, 0.0);
  double n = 0;
  for (const auto& r : replicates) {
    const AreaEstimate b = stratified_area_estimate(r, mapped_area);
    n += 1;
    for (std::size_t j = 0; j < k; ++j) {
      const double d = b.adjusted[j] - mean[j];
      mean[j] += d / n;
      m2[j] += d * (b.adjusted[j] - mean[j]);
    }
  }
  // Never narrower than Eq. 10: resampling polygons cannot see the
  // variance inside a class that has a single validation polygon.
  for (std::size_t j = 0; j < k; ++j) e.ci95[j] = std::max(e.ci95[j], 1.96 * std::sqrt(m2[j] / (n - 1)));
  return e;
}

}  // namespace paddymrv::kernels
