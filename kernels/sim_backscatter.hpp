#pragma once
// C-band backscatter of the simulated land cover (Sentinel-1 IW, VV and VH,
// linear power) and its multiplicative speckle.
//
// Model: a field is a vegetation layer over a surface. Linear power is
//   σ = c·σ_canopy + exp(−κ·c)·σ_surface (+ a stem–water double bounce in VV)
// with c the canopy cover of CoverState. The surface term is attenuated as
// the canopy closes, so a drainage (water → wet soil) shows clearly early in
// the season and fades later — DESIGN §5: "later in the season the canopy
// masks the water surface".
#include "kernels/sim_cover.hpp"
#include "kernels/sim_random.hpp"

namespace paddymrv::kernels::sim {

struct Backscatter {
  double vv = 0, vh = 0;  // linear power
};

// Conditions of one acquisition shared by the whole scene.
struct RadarConditions {
  double soil_wetness = 0;  // 0 dry … 1 soaked after rain: raises bare-soil backscatter
  double wind = 0;          // 0 calm … 1 windy: roughens open water
};

double db_to_linear(double db);
double linear_to_db(double linear);

// Noise-free backscatter of a field of the given class and state.
Backscatter backscatter(int class_code, const CoverState& state, const RadarConditions& conditions);

// One multiplicative speckle factor: a Gamma(L, 1/L) draw (mean 1,
// variance 1/L): fully developed speckle of an L-look intensity image
// (Goodman 1976, J. Opt. Soc. Am. 66(11):1145). Sentinel-1 IW GRDH has
// ENL ≈ 4.4 (ESA Sentinel-1 Product Definition).
inline double speckle(double enl, Rng& rng) { return rng.gamma(enl) / enl; }

}  // namespace paddymrv::kernels::sim
