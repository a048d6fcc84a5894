#include "kernels/segment_vote.hpp"

#include <algorithm>
#include <stdexcept>

namespace paddymrv::kernels {

std::vector<std::int32_t> guide_segments(const std::vector<std::uint8_t>& classes, const SegmentGuide& guide,
                                         int x0, int y0, int width, int height, const SegmentVoteParams& p) {
  if (width < 0 || height < 0 || classes.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
    throw std::invalid_argument("guide_segments: classes must hold width × height values");
  if (p.tile < 1) throw std::invalid_argument("guide_segments: the tile must be ≥ 1 px");
  if (guide.values == nullptr || guide.dims <= 0 || guide.stride < guide.dims)
    throw std::invalid_argument("guide_segments: the guide needs values and 0 < dims ≤ stride");
  const auto stride = static_cast<std::size_t>(guide.stride);
  std::vector<std::uint8_t> mask(classes.size());
  for (std::size_t i = 0; i < classes.size(); ++i) mask[i] = classes[i] != 0;
  return segment_tiles(x0, y0, width, height, p.tile, mask, static_cast<std::size_t>(guide.dims),
                       [&](std::size_t i, std::size_t d) { return guide.values[i * stride + d]; }, p.segmentation);
}

namespace {

// Summed votes and voting pixels per segment.
struct SegmentSums {
  std::vector<std::uint64_t> sum;  // [segment × C]
  std::vector<std::int32_t> pixels;
};

SegmentSums sum_votes(const std::vector<std::uint8_t>& classes, const std::vector<std::uint16_t>& votes,
                      std::size_t C, const std::vector<std::int32_t>& segment) {
  const std::size_t n = classes.size();
  if (segment.size() != n || votes.size() != n * C)
    throw std::invalid_argument("segment votes: segment must hold one label and votes C values per pixel");
  std::int32_t n_seg = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (classes[i] != 0) n_seg = std::max(n_seg, segment[i] + 1);
  // Sums of up to max_pixels × trees votes: 64-bit, exact, order-free.
  SegmentSums s{std::vector<std::uint64_t>(static_cast<std::size_t>(n_seg) * C, 0),
                std::vector<std::int32_t>(static_cast<std::size_t>(n_seg), 0)};
  for (std::size_t i = 0; i < n; ++i) {
    if (classes[i] == 0 || segment[i] < 0) continue;
    const auto k = static_cast<std::size_t>(segment[i]);
    ++s.pixels[k];
    for (std::size_t c = 0; c < C; ++c) s.sum[k * C + c] += votes[i * C + c];
  }
  return s;
}

// Index of the largest of v[0…C), ties to the smallest code; −1 if all 0.
int winner_of(const std::uint64_t* v, const std::vector<std::uint8_t>& codes) {
  int w = -1;
  for (std::size_t k = 0; k < codes.size(); ++k) {
    if (v[k] == 0) continue;
    if (w < 0 || v[k] > v[static_cast<std::size_t>(w)] ||
        (v[k] == v[static_cast<std::size_t>(w)] && codes[k] < codes[static_cast<std::size_t>(w)]))
      w = static_cast<int>(k);
  }
  return w;
}

}  // namespace

void pool_segment_votes(std::vector<std::uint8_t>& classes, std::vector<std::uint16_t>& votes,
                        const std::vector<std::uint8_t>& codes, const std::vector<std::int32_t>& segment,
                        int min_pixels) {
  const std::size_t C = codes.size();
  const SegmentSums s = sum_votes(classes, votes, C, segment);
  std::vector<std::uint16_t> mean(s.sum.size());
  std::vector<std::int16_t> winner(s.pixels.size(), -1);
  for (std::size_t k = 0; k < s.pixels.size(); ++k) {
    if (s.pixels[k] < min_pixels) continue;
    const auto n = static_cast<std::uint64_t>(s.pixels[k]);
    std::vector<std::uint64_t> m(C);
    for (std::size_t c = 0; c < C; ++c) {
      m[c] = (2 * s.sum[k * C + c] + n) / (2 * n);  // round half up
      mean[k * C + c] = static_cast<std::uint16_t>(m[c]);
    }
    // The winner on the exact sums, not the rounded means.
    winner[k] = static_cast<std::int16_t>(winner_of(&s.sum[k * C], codes));
  }
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i] == 0 || segment[i] < 0) continue;
    const auto k = static_cast<std::size_t>(segment[i]);
    if (winner[k] < 0) continue;
    classes[i] = codes[static_cast<std::size_t>(winner[k])];
    std::copy_n(&mean[k * C], C, &votes[i * C]);
  }
}

std::vector<std::uint8_t> segment_vote(const std::vector<std::uint8_t>& classes,
                                       const std::vector<std::uint16_t>& votes,
                                       const std::vector<std::uint8_t>& codes,
                                       const std::vector<std::int32_t>& segment, int min_pixels) {
  const std::size_t C = codes.size();
  const SegmentSums s = sum_votes(classes, votes, C, segment);
  std::vector<std::int16_t> winner(s.pixels.size(), -1);
  for (std::size_t k = 0; k < s.pixels.size(); ++k)
    if (s.pixels[k] >= min_pixels) winner[k] = static_cast<std::int16_t>(winner_of(&s.sum[k * C], codes));
  std::vector<std::uint8_t> out(classes);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (classes[i] == 0 || segment[i] < 0) continue;
    const std::int16_t k = winner[static_cast<std::size_t>(segment[i])];
    if (k >= 0) out[i] = codes[static_cast<std::size_t>(k)];
  }
  return out;
}

std::vector<std::uint8_t> segment_vote_filter(const std::vector<std::uint8_t>& classes,
                                              const std::vector<std::uint16_t>& votes,
                                              const std::vector<std::uint8_t>& codes, const SegmentGuide& guide,
                                              int x0, int y0, int width, int height, const SegmentVoteParams& p) {
  return segment_vote(classes, votes, codes, guide_segments(classes, guide, x0, y0, width, height, p), p.min_pixels);
}

}  // namespace paddymrv::kernels
