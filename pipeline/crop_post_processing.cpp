#include "pipeline/crop_post_processing.hpp"

#include <cstdio>

#include "pipeline/config.hpp"

namespace paddymrv {

CropPostProcessing CropPostProcessing::from(const Config& c) {
  CropPostProcessing p;
  p.majority_window = c.classifier_majority_window;
  p.majority_of = c.classifier_majority_of;
  p.guide_bandwidth = c.classifier_guide_bandwidth;
  p.segment_tile = c.classifier_segment_tile;
  p.segment_mode = c.classifier_segment_mode;
  p.segment_max_cost = c.classifier_segment_max_cost;
  p.segment_max_pixels = c.classifier_segment_max_pixels;
  p.segment_min_pixels = c.classifier_segment_min_pixels;
  return p;
}

std::string CropPostProcessing::describe() const {
  // 12 significant digits: readable (0.1, not 0.10000000000000001), and far
  // finer than any setting that changes a map.
  auto fmt_double = [](double v) {
    char b[40];
    std::snprintf(b, sizeof b, "%.12g", v);
    return std::string(b);
  };
  // Every member, by name: a member added to the struct breaks this line
  // until the line prints it (or says why it need not).
  const auto& [window, of, bandwidth, tile, mode, max_cost, max_pixels, min_pixels] = *this;
  std::string s;
  if (window > 1) {
    s = "majority_window=" + std::to_string(window) + " majority_of=" + of;
    if (of == "guided") s += " guide_bandwidth=" + fmt_double(bandwidth);
  } else {
    s = "majority_window=off";
  }
  if (tile > 0)
    s += " segment_tile=" + std::to_string(tile) + " segment_mode=" + mode +
         " segment_max_cost=" + fmt_double(max_cost) + " segment_max_pixels=" + std::to_string(max_pixels) +
         " segment_min_pixels=" + std::to_string(min_pixels);
  else
    s += " segment_tile=off";
  return s;
}

}  // namespace paddymrv
