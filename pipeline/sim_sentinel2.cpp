#include "pipeline/sim_sentinel2.hpp"

#include <cmath>

#include "kernels/sim_clouds.hpp"
#include "kernels/sim_random.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;
using ks::Spectrum;

namespace {

// What the atmosphere does to a 20 m pixel on this date.
enum class Sky : std::uint8_t { clear, shadow, cirrus, cloud_medium, cloud_high };

// Shadows fall opposite the sun: at ~10:30 local time in Feb–Jun the sun
// stands in the south-east at ~45–65° elevation, so a cloud with its base at
// ~1 km throws its shadow ~0.5–1 km to the north-west. The cloud over a
// shadowed pixel is this many 20 m pixels east and south of it.
constexpr double kShadowDx = 28, kShadowDy = 20;

Spectrum observed(const Spectrum& ground, Sky sky, double noise, const ks::CloudThresholds& t) {
  switch (sky) {
    case Sky::clear: return ground;
    case Sky::shadow: return ks::in_shadow(ground);
    case Sky::cirrus: return ks::add_cirrus(ground, 0.4 + 0.6 * ks::cirrus_strength(noise, t));
    case Sky::cloud_medium:
    case Sky::cloud_high: return ks::cloud_reflectance(ks::cloud_thickness(noise, t));
  }
  return ground;
}

std::uint8_t cloud_scl(Sky sky) {
  switch (sky) {
    case Sky::shadow: return 3;
    case Sky::cirrus: return 10;
    case Sky::cloud_medium: return 8;
    case Sky::cloud_high: return 9;
    default: return 0;
  }
}

}  // namespace

S2Grids s2_grids(const SimulationParams& p) {
  constexpr double kMarginM = 200;  // 20 px at 10 m; origin stays a multiple of 20 m
  S2Grids g;
  g.g20.pixel = 20;
  g.g20.origin_x = p.origin_x - kMarginM;
  g.g20.origin_y = p.origin_y + kMarginM;
  g.g20.width = static_cast<int>(std::ceil((p.width * 10.0 + 2 * kMarginM) / 20.0));
  g.g20.height = static_cast<int>(std::ceil((p.height * 10.0 + 2 * kMarginM) / 20.0));
  g.g10 = g.g20;
  g.g10.pixel = 10;
  g.g10.width = 2 * g.g20.width;
  g.g10.height = 2 * g.g20.height;
  return g;
}

S2Scene render_s2(const SimWorld& world, const S2Grids& grids, const Acquisition& acq,
                  const SimulationParams& params) {
  const RasterGrid& g10 = grids.g10;
  const RasterGrid& g20 = grids.g20;
  const auto slot = static_cast<std::uint64_t>(acq.slot);

  // Clear-sky spectrum of every field on this date (index = field id).
  std::vector<Spectrum> field_spec(world.fields().size() + 1, Spectrum{});
  for (const SimField& f : world.fields())
    field_spec[static_cast<std::size_t>(f.id)] = ks::ground_reflectance(f.cls, world.cover(f, acq.day), acq.soil_wetness, f.optics);
  auto ground_at = [&](double x, double y) -> const Spectrum& {
    return field_spec[static_cast<std::size_t>(world.field_id_at(x, y))];
  };

  // Cloud field in absolute 20 m units, so that clouds sit at fixed places
  // on the ground whatever the grid's extent.
  const std::uint64_t cseed = ks::derive_seed(params.seed, {ks::kStreamClouds, slot});
  auto noise_at = [&](double x, double y) {
    return ks::fractal_noise(cseed, x / 20.0, -y / 20.0, acq.cloud_scale_px, 4);
  };
  std::vector<float> noise(g20.pixels());
  for (int r = 0; r < g20.height; ++r)
    for (int c = 0; c < g20.width; ++c)
      noise[static_cast<std::size_t>(r) * static_cast<std::size_t>(g20.width) + static_cast<std::size_t>(c)] =
          static_cast<float>(noise_at(g20.x_center(c), g20.y_center(r)));
  const ks::CloudThresholds th = ks::cloud_thresholds(noise, acq.cloud_fraction, 0.15, 0.5);

  std::vector<Sky> sky(g20.pixels(), Sky::clear);
  for (int r = 0; r < g20.height; ++r) {
    for (int c = 0; c < g20.width; ++c) {
      const std::size_t k = static_cast<std::size_t>(r) * static_cast<std::size_t>(g20.width) + static_cast<std::size_t>(c);
      switch (ks::classify_sky(noise[k], th)) {
        case ks::Sky::cloud_high: sky[k] = Sky::cloud_high; break;
        case ks::Sky::cloud_medium: sky[k] = Sky::cloud_medium; break;
        case ks::Sky::cirrus: sky[k] = Sky::cirrus; break;
        case ks::Sky::clear: {
          const double caster = noise_at(g20.x_center(c) + kShadowDx * 20.0, g20.y_center(r) - kShadowDy * 20.0);
          if (caster >= th.cloud) sky[k] = Sky::shadow;
          break;
        }
      }
    }
  }

  S2Scene s;
  for (int b = 0; b < ks::kS2BandCount; ++b)
    s.bands[static_cast<std::size_t>(b)].assign(ks::is_10m_band(b) ? g10.pixels() : g20.pixels(), 0);
  s.scl.assign(g20.pixels(), 0);

  // Residual aerosol after atmospheric correction, strongest in the blue,
  // then sensor + correction noise: σ = s2_noise + 2 % of the value.
  auto to_dn = [&](int b, double rho, ks::Rng& rng) {
    if (b == ks::kB02) rho += acq.haze;
    if (b == ks::kB03) rho += 0.5 * acq.haze;
    rho += (params.s2_noise + 0.02 * std::abs(rho)) * rng.normal();
    return ks::reflectance_to_dn(rho);
  };
  auto band_rng = [&](int b, int row) {
    return ks::Rng(params.seed, {ks::kStreamS2Pixels, slot, static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(row)});
  };

  // 10 m bands: each pixel sees one world pixel and the sky of its 20 m parent.
  constexpr int kBands10[] = {ks::kB02, ks::kB03, ks::kB04, ks::kB08};
  for (int r = 0; r < g10.height; ++r) {
    std::vector<ks::Rng> rngs;
    for (int b : kBands10) rngs.push_back(band_rng(b, r));
    const double y = g10.y_center(r);
    for (int c = 0; c < g10.width; ++c) {
      const std::size_t k20 = static_cast<std::size_t>(r / 2) * static_cast<std::size_t>(g20.width) + static_cast<std::size_t>(c / 2);
      const Spectrum v = observed(ground_at(g10.x_center(c), y), sky[k20], noise[k20], th);
      const std::size_t k = static_cast<std::size_t>(r) * static_cast<std::size_t>(g10.width) + static_cast<std::size_t>(c);
      for (std::size_t i = 0; i < rngs.size(); ++i)
        s.bands[static_cast<std::size_t>(kBands10[i])][k] = to_dn(kBands10[i], v[static_cast<std::size_t>(kBands10[i])], rngs[i]);
    }
  }

  // 20 m bands and SCL: the mean of the four 10 m ground pixels.
  constexpr int kBands20[] = {ks::kB05, ks::kB06, ks::kB07, ks::kB8A, ks::kB11, ks::kB12};
  std::size_t cloudy = 0;
  for (int r = 0; r < g20.height; ++r) {
    std::vector<ks::Rng> rngs;
    for (int b : kBands20) rngs.push_back(band_rng(b, r));
    ks::Rng scl_rng(params.seed, {ks::kStreamS2Pixels, slot, 100, static_cast<std::uint64_t>(r)});
    const double y = g20.y_center(r);
    for (int c = 0; c < g20.width; ++c) {
      const double x = g20.x_center(c);
      Spectrum ground{};
      for (const double dy : {-5.0, 5.0})
        for (const double dx : {-5.0, 5.0}) {
          const Spectrum& sub = ground_at(x + dx, y + dy);
          for (std::size_t i = 0; i < ground.size(); ++i) ground[i] += 0.25f * sub[i];
        }
      const std::size_t k = static_cast<std::size_t>(r) * static_cast<std::size_t>(g20.width) + static_cast<std::size_t>(c);
      const Sky here = sky[k];
      // ESA's classifier leaves a small share of clear pixels unclassified.
      const bool unclassified = scl_rng.bernoulli(0.02);
      if (here == Sky::clear) {
        s.scl[k] = unclassified ? 7 : ks::clear_scl(ground);
      } else {
        s.scl[k] = cloud_scl(here);
        if (here != Sky::shadow) ++cloudy;
      }
      const Spectrum v = observed(ground, here, noise[k], th);
      for (std::size_t i = 0; i < rngs.size(); ++i)
        s.bands[static_cast<std::size_t>(kBands20[i])][k] = to_dn(kBands20[i], v[static_cast<std::size_t>(kBands20[i])], rngs[i]);
    }
  }
  s.cloud_cover_percent = 100.0 * static_cast<double>(cloudy) / static_cast<double>(std::max<std::size_t>(1, g20.pixels()));
  return s;
}

}  // namespace paddymrv::sim
