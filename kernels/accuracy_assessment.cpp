#include "kernels/accuracy_assessment.hpp"

#include <cmath>

namespace paddymrv::kernels {

std::int64_t ConfusionMatrix::total() const {
  std::int64_t t = 0;
  for (auto v : n) t += v;
  return t;
}

AccuracyReport assess(const ConfusionMatrix& m) {
  AccuracyReport r;
  const double total = static_cast<double>(m.total());
  r.classes.resize(static_cast<std::size_t>(m.k));
  double agree = 0, chance = 0;
  for (int c = 0; c < m.k; ++c) {
    auto& a = r.classes[static_cast<std::size_t>(c)];
    for (int j = 0; j < m.k; ++j) a.map_count += m.at(c, j), a.reference_count += m.at(j, c);
    const double tp = static_cast<double>(m.at(c, c));
    agree += tp;
    chance += static_cast<double>(a.map_count) * static_cast<double>(a.reference_count);
    a.precision = a.map_count ? tp / static_cast<double>(a.map_count) : std::nan("");
    a.recall = a.reference_count ? tp / static_cast<double>(a.reference_count) : std::nan("");
    a.f1 = (a.precision + a.recall > 0) ? 2 * a.precision * a.recall / (a.precision + a.recall) : std::nan("");
    if (tp == 0 && a.map_count && a.reference_count) a.f1 = 0;
  }
  if (total > 0) {
    r.overall = agree / total;
    const double pe = chance / (total * total);  // Cohen 1960: expected chance agreement
    r.kappa = pe < 1 ? (r.overall - pe) / (1 - pe) : 1.0;
  }
  return r;
}

}  // namespace paddymrv::kernels
