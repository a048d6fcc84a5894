#pragma once
// Sentinel-2 L2A surface reflectance of the simulated land cover, of clouds,
// cirrus and cloud shadows; the L2A digital numbers; the scene class (SCL)
// of a clear pixel.
//
// A field's spectrum is a linear mixture by canopy cover of a canopy
// spectrum (green ↔ senescent by greenness) and the surface under it (soil,
// wet soil, paddy water, open water, built). Flooded rice is therefore dark
// in NIR/SWIR with a high LSWI early, and vegetated later, which is what the
// optical flooding indices exploit (Xiao et al. 2005, Remote Sens. Environ.
// 95:480: flooding when LSWI + 0.05 ≥ NDVI or EVI).
#include <array>
#include <cstdint>

#include "kernels/sim_cover.hpp"

namespace paddymrv::kernels::sim {

// Band order of every Spectrum.
enum S2Band : int { kB02, kB03, kB04, kB05, kB06, kB07, kB08, kB8A, kB11, kB12, kS2BandCount };
using Spectrum = std::array<float, kS2BandCount>;

// 10 m bands: B02 B03 B04 B08; the others are 20 m (MSI spec).
constexpr bool is_10m_band(int b) { return b == kB02 || b == kB03 || b == kB04 || b == kB08; }
// ESA names of the bands, in Spectrum order.
const char* esa_band_name(int b);

// What makes one field's optics differ from its class's table values
// (simulator parameters field_spectral_sd and canopy_similarity). The
// defaults reproduce the class table exactly.
struct FieldOptics {
  // Persistent gains of this field's canopy reflectance in the visible
  // (B02–B04), NIR/red-edge (B05–B8A) and SWIR (B11–B12): leaf chlorophyll,
  // leaf water, LAI and cultivar differ from field to field.
  float vis = 1, nir = 1, swir = 1;
  float soil = 1;  // brightness of the bare-soil background (soil colour, stones)
  // 0 = the class table as is; 1 = the crop and tree classes 2–9 share the
  // mean leaf spectrum of those classes (their canopies then differ only in
  // cover and timing, not in spectrum). Rice, grass/shrub, water and
  // built-up keep theirs.
  float similarity = 0;
};

// Clear-sky surface reflectance of a field. soil_wetness 0..1 darkens bare
// soil after rain (wet soil reflects ~half as much in VNIR/SWIR).
Spectrum ground_reflectance(int class_code, const CoverState& state, double soil_wetness,
                            const FieldOptics& optics = {});

// Optically thick cloud; thickness 0..1 (edge … core).
Spectrum cloud_reflectance(double thickness);
// Thin cirrus over the ground: adds a grey veil of the given strength 0..1.
Spectrum add_cirrus(const Spectrum& ground, double strength);
// Ground in the shadow of a cloud: only diffuse sky light remains.
Spectrum in_shadow(const Spectrum& ground);

// L2A digital number for processing baseline ≥ 04.00: DN = (ρ + 0.1)/1e-4
// rounded (BOA_ADD_OFFSET = −1000), clamped to 1…65535 (0 is nodata).
std::uint16_t reflectance_to_dn(double reflectance);

// SCL class of a clear pixel from its spectrum: 6 water (NDWI > 0.05),
// 4 vegetation (NDVI ≥ 0.4), 5 not vegetated.
std::uint8_t clear_scl(const Spectrum& r);

}  // namespace paddymrv::kernels::sim
