#include "kernels/sim_reflectance.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace paddymrv::kernels::sim {

namespace {

// Representative L2A surface reflectances (B02 B03 B04 B05 B06 B07 B08 B8A
// B11 B12): hand-set values with the shapes of typical laboratory spectra
// (e.g. USGS spectral library v7, Kokaly et al. 2017, USGS Data Series 1035)
// at the MSI bands, not fitted: green leaves (red-edge rise, NIR plateau,
// water absorption in SWIR), dry straw, soils, turbid water, concrete.
constexpr Spectrum kGreenLeaves = {0.035f, 0.075f, 0.040f, 0.110f, 0.280f, 0.360f, 0.400f, 0.420f, 0.220f, 0.110f};
constexpr Spectrum kStraw = {0.070f, 0.100f, 0.130f, 0.170f, 0.210f, 0.240f, 0.270f, 0.290f, 0.340f, 0.270f};
constexpr Spectrum kDrySoil = {0.090f, 0.120f, 0.160f, 0.190f, 0.210f, 0.230f, 0.250f, 0.260f, 0.330f, 0.270f};
constexpr Spectrum kWetSoil = {0.050f, 0.070f, 0.090f, 0.110f, 0.120f, 0.130f, 0.140f, 0.150f, 0.180f, 0.130f};
constexpr Spectrum kPaddyWater = {0.060f, 0.080f, 0.070f, 0.060f, 0.050f, 0.045f, 0.040f, 0.038f, 0.020f, 0.012f};
constexpr Spectrum kOpenWater = {0.045f, 0.060f, 0.040f, 0.030f, 0.020f, 0.015f, 0.012f, 0.011f, 0.006f, 0.004f};
constexpr Spectrum kBuilt = {0.130f, 0.140f, 0.160f, 0.180f, 0.200f, 0.210f, 0.220f, 0.230f, 0.270f, 0.230f};
constexpr Spectrum kCloud = {0.420f, 0.420f, 0.440f, 0.450f, 0.460f, 0.470f, 0.480f, 0.480f, 0.360f, 0.260f};
constexpr Spectrum kCirrus = {0.080f, 0.075f, 0.070f, 0.065f, 0.060f, 0.060f, 0.060f, 0.060f, 0.040f, 0.030f};

// Per-class scaling of the green-leaf spectrum in the visible, NIR/red-edge
// and SWIR: dark needle/broadleaf forest, glossy tea and citrus, bright
// annual crops.
struct LeafScale {
  float vis, nir, swir;
};
LeafScale leaf_scale(int class_code) {
  switch (class_code) {
    case kForest: return {0.70f, 0.82f, 0.75f};
    case kTea: return {0.80f, 0.90f, 0.85f};
    case kCitrus: return {0.80f, 0.92f, 0.90f};
    case kBananaPineapple: return {0.90f, 1.05f, 0.95f};
    case kTemperateFruit: return {1.00f, 0.95f, 1.00f};
    case kVegetables: return {1.00f, 1.05f, 1.00f};
    case kMaizeCassava: return {1.00f, 1.05f, 1.05f};
    case kOther: return {1.10f, 0.85f, 1.10f};
    default: return {1.00f, 1.00f, 1.00f};
  }
}

// The classes whose leaf spectra canopy_similarity pulls together: every
// vegetated class but rice (rice is told apart by its flooding, and the
// water-regime work needs it untouched).
constexpr std::array<int, 8> kNonRiceCanopies = {kVegetables,      kTea,    kTemperateFruit, kMedicinal,
                                                 kBananaPineapple, kCitrus, kMaizeCassava,   kForest};

bool non_rice_canopy(int class_code) {
  return std::find(kNonRiceCanopies.begin(), kNonRiceCanopies.end(), class_code) != kNonRiceCanopies.end();
}

LeafScale pulled_leaf_scale(int class_code, float similarity) {
  LeafScale s = leaf_scale(class_code);
  if (similarity == 0.0f || !non_rice_canopy(class_code)) return s;
  LeafScale mean{0, 0, 0};
  for (int c : kNonRiceCanopies) {
    const LeafScale o = leaf_scale(c);
    mean.vis += o.vis / kNonRiceCanopies.size();
    mean.nir += o.nir / kNonRiceCanopies.size();
    mean.swir += o.swir / kNonRiceCanopies.size();
  }
  s.vis += similarity * (mean.vis - s.vis);
  s.nir += similarity * (mean.nir - s.nir);
  s.swir += similarity * (mean.swir - s.swir);
  return s;
}

Spectrum canopy_spectrum(int class_code, double green, const FieldOptics& optics) {
  LeafScale s = pulled_leaf_scale(class_code, optics.similarity);
  s.vis *= optics.vis;
  s.nir *= optics.nir;
  s.swir *= optics.swir;
  Spectrum out{};
  for (int b = 0; b < kS2BandCount; ++b) {
    const float k = b <= kB04 ? s.vis : b <= kB8A ? s.nir : s.swir;
    const auto i = static_cast<std::size_t>(b);
    out[i] = static_cast<float>(green * kGreenLeaves[i] * k + (1.0 - green) * kStraw[i]);
  }
  return out;
}

Spectrum scaled(const Spectrum& s, float gain) {
  if (gain == 1.0f) return s;
  Spectrum out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = gain * s[i];
  return out;
}

Spectrum surface_spectrum(Surface s, double soil_wetness, float soil_gain) {
  switch (s) {
    case Surface::dry_soil: {
      Spectrum out{};
      const double w = 0.5 * std::clamp(soil_wetness, 0.0, 1.0);
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>((1.0 - w) * kDrySoil[i] + w * kWetSoil[i]);
      return scaled(out, soil_gain);
    }
    case Surface::wet_soil: return scaled(kWetSoil, soil_gain);
    case Surface::flooded: return kPaddyWater;
    case Surface::open_water: return kOpenWater;
    case Surface::built: return kBuilt;
  }
  return kDrySoil;
}

}  // namespace

const char* esa_band_name(int b) {
  static const char* names[kS2BandCount] = {"B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"};
  return b >= 0 && b < kS2BandCount ? names[b] : "?";
}

Spectrum ground_reflectance(int class_code, const CoverState& st, double soil_wetness, const FieldOptics& optics) {
  const double c = std::clamp(st.canopy, 0.0, 1.0);
  const Spectrum can = canopy_spectrum(class_code, std::clamp(st.green, 0.0, 1.0), optics);
  const Spectrum srf = surface_spectrum(st.surface, soil_wetness, optics.soil);
  Spectrum out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(c * can[i] + (1.0 - c) * srf[i]);
  return out;
}

Spectrum cloud_reflectance(double thickness) {
  const double k = 0.75 + 0.35 * std::clamp(thickness, 0.0, 1.0);
  Spectrum out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(k * kCloud[i]);
  return out;
}

Spectrum add_cirrus(const Spectrum& ground, double strength) {
  Spectrum out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<float>(ground[i] + std::clamp(strength, 0.0, 1.0) * kCirrus[i]);
  return out;
}

Spectrum in_shadow(const Spectrum& ground) {
  Spectrum out{};
  // Diffuse skylight is bluer than the direct beam.
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = 0.3f * ground[i] + (i <= kB03 ? 0.01f : 0.004f);
  return out;
}

std::uint16_t reflectance_to_dn(double reflectance) {
  const double dn = std::round((reflectance + 0.1) / 1e-4);
  return static_cast<std::uint16_t>(std::clamp(dn, 1.0, 65535.0));
}

std::uint8_t clear_scl(const Spectrum& r) {
  const double ndvi = (r[kB8A] - r[kB04]) / std::max(1e-6f, r[kB8A] + r[kB04]);
  const double ndwi = (r[kB03] - r[kB8A]) / std::max(1e-6f, r[kB03] + r[kB8A]);
  if (ndwi > 0.05) return 6;
  if (ndvi >= 0.4) return 4;
  return 5;
}

}  // namespace paddymrv::kernels::sim
