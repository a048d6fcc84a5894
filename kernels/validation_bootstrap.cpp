#include "kernels/validation_bootstrap.hpp"

#include <algorithm>
#include <cstddef>

#include "kernels/split_mix.hpp"

namespace paddymrv::kernels {

namespace {

void add(ConfusionMatrix& m, const ValidationPolygon& p) {
  for (int i = 0; i < m.k && i < static_cast<int>(p.mapped.size()); ++i) m.at(i, p.reference) += p.mapped[static_cast<std::size_t>(i)];
}

}  // namespace

ConfusionMatrix confusion_of(const std::vector<ValidationPolygon>& polygons, int classes) {
  ConfusionMatrix m(classes);
  for (const auto& p : polygons)
    if (p.reference >= 0 && p.reference < classes) add(m, p);
  return m;
}

StratumUnits units_per_stratum(const std::vector<ValidationPolygon>& polygons, int classes) {
  const auto k = static_cast<std::size_t>(classes);
  std::vector<double> sum(k, 0.0), sum_sq(k, 0.0), right(k, 0.0);
  for (const auto& p : polygons) {
    if (p.reference < 0 || p.reference >= classes) continue;
    for (std::size_t i = 0; i < p.mapped.size() && i < k; ++i) {
      const auto m = static_cast<double>(p.mapped[i]);
      if (m <= 0) continue;
      sum[i] += m, sum_sq[i] += m * m;
      if (static_cast<int>(i) == p.reference) right[i] += m;
    }
  }
  StratumUnits s{std::vector<double>(k, 0.0), std::vector<double>(k, 0.0)};
  for (std::size_t i = 0; i < k; ++i) {
    if (sum[i] <= 0) continue;
    s.units[i] = sum[i] * sum[i] / sum_sq[i];
    s.right[i] = s.units[i] * right[i] / sum[i];
  }
  return s;
}

std::vector<ConfusionMatrix> bootstrap_confusion(const std::vector<ValidationPolygon>& polygons, int classes,
                                                 int replicates, std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> by_class(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < polygons.size(); ++i)
    if (polygons[i].reference >= 0 && polygons[i].reference < classes)
      by_class[static_cast<std::size_t>(polygons[i].reference)].push_back(i);
  std::vector<ConfusionMatrix> out;
  // No polygon, no resampling: the caller falls back to Eq. 10 rather than
  // reading zero variance out of empty replicates.
  if (std::all_of(by_class.begin(), by_class.end(), [](const auto& m) { return m.empty(); })) return out;
  SplitMix64 rng{seed};
  out.reserve(static_cast<std::size_t>(replicates > 0 ? replicates : 0));
  for (int r = 0; r < replicates; ++r) {
    ConfusionMatrix m(classes);
    for (const auto& members : by_class)
      for (std::size_t d = 0; d < members.size(); ++d) add(m, polygons[members[rng.below(members.size())]]);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace paddymrv::kernels
