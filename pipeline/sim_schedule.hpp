#pragma once
// When the satellites pass: the acquisition plan of the season for
// Sentinel-1 (descending, evening UTC) and Sentinel-2 (late morning local),
// which scheduled passes are missing, which Sentinel-1 scenes end at a swath
// edge inside the area, the cloudiness drawn for each Sentinel-2 date, and
// the daily weather (soil wetness after rain) both sensors see.
#include <string>
#include <vector>

#include "pipeline/simulator.hpp"

namespace paddymrv::sim {

// A straight, slanted swath edge: pixels with
// side · ((x − x0) − slope · (y − y0)) < 0 are outside the swath (nodata).
struct SwathEdge {
  bool active = false;
  double x0 = 0, y0 = 0;  // a point on the edge, UTM m
  double slope = 0;       // dx/dy of the edge (≈ the ground track heading)
  int side = 1;
  bool covers(double x, double y) const { return !active || side * ((x - x0) - slope * (y - y0)) >= 0; }
};

struct Acquisition {
  int slot = 0;  // position in the regular revisit schedule: names the random streams
  int day = 0;   // days since season start
  std::string id, platform, datetime;
  double soil_wetness = 0;  // 0…1, from the daily weather
  // Sentinel-1 only.
  SwathEdge edge;
  double wind = 0;
  // Sentinel-2 only.
  double cloud_fraction = 0;  // drawn target of cloudy (cloud + cirrus) area
  double haze = 0;            // residual aerosol after L2A correction, blue reflectance
  double cloud_scale_px = 80; // size of the cloud blobs (20 m pixels)
};

struct Schedule {
  std::vector<Acquisition> s1, s2;  // in time order, missing passes left out
  int s1_partial = 0;               // S1 scenes with a swath edge in the area
};

Schedule plan_schedule(const SimulationParams& params);

}  // namespace paddymrv::sim
