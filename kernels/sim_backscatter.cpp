#include "kernels/sim_backscatter.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace paddymrv::kernels::sim {

namespace {

struct DbPair {
  double vv, vh;
};

// Backscatter of the bare surfaces (dB). Levels of flooded paddies and
// drained paddy soil follow the Sentinel-1 rice literature: open water at
// transplanting VH ≈ −22…−24 dB, VV ≈ −17…−19 dB; drained/wet soil
// VV ≈ −10…−12, VH ≈ −17…−18 dB (Bazzi et al. 2019, Remote Sens. 11(7):887,
// Camargue; Nguyen et al. 2016, Remote Sens. Lett. 7(12), Mekong; Lasko
// et al. 2018, IEEE JSTARS 11(2), Hanoi).
DbPair surface_db(Surface s, const RadarConditions& c) {
  switch (s) {
    case Surface::dry_soil:  // rain raises the dielectric constant: up to +2 dB
      return {-12.5 + 2.0 * c.soil_wetness, -19.5 + 2.0 * c.soil_wetness};
    case Surface::wet_soil:
      return {-10.8, -17.5};
    case Surface::flooded:
      return {-18.0, -23.0};
    case Surface::open_water:  // specular; wind-roughened water brightens by a few dB
      return {-21.0 + 4.0 * c.wind * c.wind, -27.0 + 3.0 * c.wind * c.wind};
    case Surface::built:  // dihedral returns from walls: bright, VV ≫ VH
      return {-4.0, -11.0};
  }
  return {-12.5, -19.5};
}

// Volume backscatter of a closed canopy (c = 1) per class, dB. Plausible
// C-band levels (Sentinel-1 crop studies, e.g. Veloso et al. 2017, Remote
// Sens. Environ. 199:415; forests VV ≈ −7, VH ≈ −12…−13 dB).
DbPair canopy_db(int class_code) {
  static constexpr std::array<DbPair, kClassCount + 1> table = {{
      {-12.0, -18.0},  // 0 unused
      {-9.5, -14.5},   // rice at heading
      {-9.0, -15.0},   // vegetables
      {-8.0, -14.0},   // tea
      {-8.0, -13.5},   // temperate fruit
      {-9.0, -15.0},   // medicinal
      {-6.5, -13.0},   // banana / pineapple (large leaves)
      {-7.5, -13.5},   // citrus
      {-8.0, -13.5},   // maize / cassava
      {-7.0, -12.5},   // forest
      {-12.0, -18.0},  // water (no canopy)
      {-9.0, -15.0},   // built-up (street trees)
      {-10.0, -16.0},  // other: grass, shrub
  }};
  return class_code >= 0 && class_code <= kClassCount ? table[static_cast<std::size_t>(class_code)] : table[0];
}

}  // namespace

double db_to_linear(double db) { return std::pow(10.0, db / 10.0); }
double linear_to_db(double linear) { return 10.0 * std::log10(linear); }

Backscatter backscatter(int class_code, const CoverState& st, const RadarConditions& cond) {
  // κ = 2.3: a closed canopy attenuates the surface return by ~10 dB
  // (two-way), in line with the water-cloud model fits for rice (Attema &
  // Ulaby 1978, Radio Sci. 13(2); Inoue et al. 2002, Remote Sens. Environ. 81:194).
  constexpr double kAttenuation = 2.3;
  const double c = std::clamp(st.canopy, 0.0, 1.0);
  const DbPair can = canopy_db(class_code);
  const DbPair srf = surface_db(st.surface, cond);
  // A drying canopy loses water: volume scattering drops by up to ~2 dB.
  const double vigour = 0.63 + 0.37 * std::clamp(st.green, 0.0, 1.0);
  const double vol = c * vigour;
  const double t = std::exp(-kAttenuation * c);
  Backscatter b;
  b.vv = vol * db_to_linear(can.vv) + t * db_to_linear(srf.vv);
  b.vh = vol * db_to_linear(can.vh) + t * db_to_linear(srf.vh);
  // Stem–water double bounce raises VV of a flooded, half-closed rice canopy
  // by 1–2 dB; it is weak in cross-polarisation (Le Toan et al. 1997, IEEE TGRS
  // 35(1):41; Inoue et al. 2002).
  // Shape 6.75·c²(1−c): nil at transplanting, largest at c = 2/3.
  if (st.surface == Surface::flooded) b.vv += 6.75 * c * c * (1.0 - c) * db_to_linear(-14.0);
  return b;
}

}  // namespace paddymrv::kernels::sim
