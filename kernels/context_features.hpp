#pragma once
// Field context for the features that are noisy per pixel. The radar
// features of one pixel (percentiles, amplitude, minimum and profile of its
// speckle-filtered series) still carry speckle that separates nothing —
// the perennial canopies differ by 0.3–0.5 dB in VV, about the noise of one
// pixel's percentile — while every pixel of a field shares the field's true
// values. So each pixel's radar features get a second version: their mean
// over its (2·radius + 1)² neighbours, each weighted by how alike the two
// pixels' optical series are (guide_weight.hpp): the pixels of its own field
// count, the neighbouring fields little. A cross bilateral filter on features
// rather than on the image (Tomasi & Manduchi 1998; Petschnigg et al. 2004),
// which gives a per-pixel forest the field means that object-based
// classification gets from segments (Blaschke 2010, ISPRS J. 65:2), without
// drawing segment boundaries.
//
// Pure arithmetic on a row-major feature matrix: the caller computes the
// features on the output window grown by `radius` (clipped at the grid's
// edge), so a pixel's result never depends on where blocks are cut.
#include <cstddef>

namespace paddymrv::kernels {

struct ContextInput {
  const float* features = nullptr;  // outer_width × outer_height rows of `cols` floats
  int outer_width = 0, outer_height = 0;
  int cols = 0;
  // Columns [0, guide_dims) are the guide; columns [first_smoothed,
  // first_smoothed + smoothed) are averaged.
  int guide_dims = 0;
  int first_smoothed = 0;
  int smoothed = 0;
  int radius = 0;
  double bandwidth = 0.1;
  // The output window inside the outer one: its top-left offset and width.
  int x0 = 0, y0 = 0, width = 0;
};

// Rows [first, first + count) of the output window (row-major) into `out`,
// count × (cols + smoothed) floats: each row is the pixel's own `cols`
// features followed by the weighted means of the `smoothed` ones. Sums run
// in a fixed order over the neighbourhood, which is truncated at the outer
// window's edge.
void guided_context_rows(const ContextInput& in, std::size_t first, std::size_t count, float* out);

}  // namespace paddymrv::kernels
