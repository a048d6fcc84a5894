#include "kernels/ipcc_methane.hpp"

#include <algorithm>
#include <cmath>

namespace paddymrv::kernels {

double scaling_factor_organic(std::span<const Amendment> amendments) {
  double s = 1.0;
  for (const auto& a : amendments) s += a.rate_t_per_ha * a.cfoa.value;
  return std::pow(s, 0.59);
}

double emission_factor(const MethaneFactors& f, int regime_index) {
  return f.ef_c.value * f.sf_w[static_cast<std::size_t>(regime_index)].value * f.sf_p.value *
         scaling_factor_organic(f.amendments);
}

MethaneEstimate estimate_methane(const MethaneFactors& f, const RegimeHaDays& hd) {
  const double all = hd[0] + hd[1] + hd[2] + hd[3];
  MethaneEstimate e;
  e.baseline_t = ch4_tonnes(emission_factor(f, 0), 1.0, all);
  // Undetermined rice counts as continuously flooded (conservative).
  e.project_t = ch4_tonnes(emission_factor(f, 0), 1.0, hd[0] + hd[3]) + ch4_tonnes(emission_factor(f, 1), 1.0, hd[1]) +
                ch4_tonnes(emission_factor(f, 2), 1.0, hd[2]);
  return e;
}

namespace {

// SplitMix64 + Box–Muller written out, so that a seed gives the same
// interval with any standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  double normal() {
    const double u = uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

 private:
  std::uint64_t s_;
};

double at_z(const Factor& f, double z) {
  const double half = z < 0 ? f.value - f.low : f.high - f.value;
  return std::max(0.0, f.value + z * half / 1.959964);
}

double quantile(std::vector<double>& v, double q) {
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const double a = v[lo];
  if (lo + 1 >= v.size()) return a;
  const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
  return a + (pos - static_cast<double>(lo)) * (b - a);
}

}  // namespace

ReductionInterval reduction_interval(std::span<const MethaneFactors> factors, std::span<const RegimeHaDays> communes,
                                     const MonteCarloSettings& mc) {
  Rng rng(mc.seed);
  std::size_t amendments = 0;
  for (const auto& f : factors) amendments = std::max(amendments, f.amendments.size());
  // z: EF_c, SF_w × 3, SF_p, one per amendment slot, then the area.
  std::vector<double> z(6 + amendments);
  const auto n = static_cast<std::size_t>(mc.samples);
  std::vector<std::vector<double>> draws(communes.size(), std::vector<double>(n));
  std::vector<double> total(n, 0.0), own;
  for (std::size_t s = 0; s < n; ++s) {
    for (double& v : z) v = rng.normal();
    const double area_shift = mc.area_rel_sd * z.back();
    // Own draws only when asked for, so that seeds give the figures they
    // gave before per-commune errors existed.
    own.clear();
    if (!mc.commune_area_rel_sd.empty())
      for (std::size_t c = 0; c < communes.size(); ++c) own.push_back(rng.normal());
    for (std::size_t c = 0; c < communes.size(); ++c) {
      double own_shift = 0;
      if (c < mc.commune_area_rel_sd.size()) {
        const double sd = mc.commune_area_rel_sd[c];
        own_shift = std::sqrt(std::max(0.0, sd * sd - mc.area_rel_sd * mc.area_rel_sd)) * own[c];
      }
      const double area_scale = std::max(0.0, 1.0 + area_shift + own_shift);
      const MethaneFactors& f = factors[c];
      MethaneFactors g = f;
      g.ef_c.value = at_z(f.ef_c, z[0]);
      for (std::size_t k = 0; k < 3; ++k) g.sf_w[k].value = at_z(f.sf_w[k], z[1 + k]);
      g.sf_p.value = at_z(f.sf_p, z[4]);
      for (std::size_t a = 0; a < g.amendments.size(); ++a) g.amendments[a].cfoa.value = at_z(f.amendments[a].cfoa, z[5 + a]);
      const double r = area_scale * estimate_methane(g, communes[c]).reduction_t();
      draws[c][s] = r;
      total[s] += r;
    }
  }
  ReductionInterval out;
  for (auto& d : draws) out.commune.push_back({quantile(d, 0.025), quantile(d, 0.975)});
  if (n > 0) out.total = {quantile(total, 0.025), quantile(total, 0.975)};
  return out;
}

}  // namespace paddymrv::kernels
