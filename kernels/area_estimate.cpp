#include "kernels/area_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace paddymrv::kernels {

AreaEstimate stratified_area_estimate(const ConfusionMatrix& m, const std::vector<double>& mapped_area,
                                      const std::vector<double>& units_per_stratum) {
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
    for (int j = 0; j < k; ++j) {
      const double nij = static_cast<double>(m.at(i, j)), f = nij / ni;
      p[static_cast<std::size_t>(i) * k + j] = W * f;
      if (i == j && (nij == 0 || nij == ni)) {
        // A stratum whose sample is all right (or all wrong) gives Eq. 10 a
        // zero variance: five correct points of a small class would claim
        // its area exactly. Its own class's share then gets the variance of
        // its posterior under a uniform prior, Beta(n_ii + 1, n_i − n_ii + 1)
        // (Bayes–Laplace; the rule of succession) — for the interval only,
        // the point estimate stays Olofsson's. ≈ 1/n² for large n, below
        // Eq. 10's with one error (1/n²): seeing an error never narrows it.
        const double u = static_cast<std::size_t>(i) < units_per_stratum.size() && units_per_stratum[static_cast<std::size_t>(i)] > 0
                             ? units_per_stratum[static_cast<std::size_t>(i)]
                             : ni;
        const double right = nij == 0 ? 0 : u;  // all right: u of u units, all wrong: 0 of u
        var[static_cast<std::size_t>(j)] += W * W * (right + 1) * (u - right + 1) / ((u + 2) * (u + 2) * (u + 3));
      } else if (ni > 1) {
        var[static_cast<std::size_t>(j)] += W * W * f * (1 - f) / (ni - 1);
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
                                      const std::vector<double>& units_per_stratum) {
  AreaEstimate e = stratified_area_estimate(m, mapped_area, units_per_stratum);
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
