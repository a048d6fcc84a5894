// Field-level voting of the crop map (kernels/segment_vote.hpp) on
// hand-built fields: a field's minority pixels take its class, two adjacent
// fields of different classes stay apart, no-data and small segments keep
// their classes, ties go to the smallest code, and classifying grid-aligned
// tiles block by block gives the map of the whole grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/majority_filter.hpp"
#include "kernels/segment_vote.hpp"

using paddymrv::kernels::guide_segments;
using paddymrv::kernels::segment_vote;
using paddymrv::kernels::segment_vote_filter;
using paddymrv::kernels::SegmentGuide;
using paddymrv::kernels::SegmentVoteParams;

namespace {

constexpr int kDims = 6;  // guide values per pixel (a short index series)

// A W × H scene of rectangular fields. Each field has a guide series of its
// own (its "phenology"), every pixel adds a little noise (a fixed LCG, so
// the test is deterministic), and the trees vote `agree` of `trees` for the
// field's class — except at `wrong` pixels, where they vote the other way.
struct Scene {
  int W = 0, H = 0;
  std::vector<int> field;  // field index per pixel
  std::vector<float> guide;
  std::vector<std::uint8_t> classes;  // the per-pixel winner
  std::vector<std::uint16_t> votes;
};

const std::vector<std::uint8_t> kCodes = {1, 2, 3};

Scene make_scene(int W, int H, const std::vector<int>& field, const std::vector<std::uint8_t>& field_class,
                 const std::vector<bool>& wrong) {
  Scene s;
  s.W = W, s.H = H, s.field = field;
  const std::size_t n = static_cast<std::size_t>(W) * H;
  s.guide.resize(n * kDims);
  s.classes.resize(n);
  s.votes.assign(n * kCodes.size(), 0);
  std::uint32_t state = 12345;
  auto noise = [&] {
    state = state * 1664525u + 1013904223u;
    return (static_cast<float>(state >> 8) / 16777216.0f - 0.5f) * 0.02f;  // ±0.01
  };
  for (std::size_t i = 0; i < n; ++i) {
    const int f = field[i];
    for (int d = 0; d < kDims; ++d)  // fields differ by 0.15 per value: far above the noise
      s.guide[i * kDims + d] = 0.2f + 0.15f * static_cast<float>((f * 7 + d * 3) % 5) + noise();
    const std::uint8_t truth = field_class[static_cast<std::size_t>(f)];
    const std::uint8_t other = truth == 1 ? 2 : 1;
    const std::uint8_t win = wrong[i] ? other : truth;
    const std::uint8_t lose = wrong[i] ? truth : other;
    s.classes[i] = win;
    s.votes[i * 3 + (win - 1)] = 60;  // trees: 60 for the pixel's winner,
    s.votes[i * 3 + (lose - 1)] = 40; // 40 for the runner-up
  }
  return s;
}

// Two fields side by side: A (class 1) on x < split, B (class 3) on the rest.
std::vector<int> two_fields(int W, int H, int split) {
  std::vector<int> f(static_cast<std::size_t>(W) * H);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) f[static_cast<std::size_t>(y) * W + x] = x < split ? 0 : 1;
  return f;
}

SegmentVoteParams params(int tile) {
  SegmentVoteParams p;
  p.tile = tile;
  return p;
}

}  // namespace

TEST(SegmentVote, FlipsAFieldsMinorityPixelsAndKeepsAdjacentFieldsApart) {
  const int W = 20, H = 10;
  std::vector<bool> wrong(W * H, false);
  // Scattered minority pixels inside both fields, some on the shared edge
  // (x = 9 | 10), where a window filter would also see the other field.
  for (const auto& [x, y] : {std::pair{2, 2}, {5, 7}, {9, 4}, {8, 1}, {10, 5}, {14, 2}, {17, 8}, {11, 0}})
    wrong[static_cast<std::size_t>(y) * W + x] = true;
  const Scene s = make_scene(W, H, two_fields(W, H, 10), {1, 3}, wrong);
  const SegmentGuide g{s.guide.data(), kDims, kDims};

  const auto seg = guide_segments(s.classes, g, 0, 0, W, H, params(64));
  // No segment straddles the edge between the two fields.
  for (std::size_t i = 0; i < seg.size(); ++i)
    for (std::size_t j = 0; j < seg.size(); ++j) {
      if (seg[i] == seg[j]) {
        ASSERT_EQ(s.field[i], s.field[j]) << "pixels " << i << " and " << j;
      }
    }

  const auto out = segment_vote_filter(s.classes, s.votes, kCodes, g, 0, 0, W, H, params(64));
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      EXPECT_EQ(out[static_cast<std::size_t>(y) * W + x], x < 10 ? 1 : 3) << "x " << x << " y " << y;
}

TEST(SegmentVote, SmallSegmentsNoDataAndTies) {
  // Hand-made labels: segment 0 (4 px) votes 1, segment 1 (1 px) is below
  // min_pixels, segment 2 ties between codes 2 and 3 (its no-data pixel
  // does not vote).
  const std::vector<std::uint8_t> classes = {1, 2, 1, 1, 3, 2, 2, 3, 0};
  const std::vector<std::int32_t> segment = {0, 0, 0, 0, 1, 2, 2, 2, 2};
  std::vector<std::uint16_t> votes(classes.size() * 3, 0);
  auto set = [&](std::size_t i, int a, int b, int c) {
    votes[i * 3] = static_cast<std::uint16_t>(a), votes[i * 3 + 1] = static_cast<std::uint16_t>(b),
    votes[i * 3 + 2] = static_cast<std::uint16_t>(c);
  };
  set(0, 9, 1, 0), set(1, 4, 6, 0), set(2, 9, 1, 0), set(3, 8, 2, 0);  // seg 0: 30 vs 10 → 1
  set(4, 0, 0, 10);                                                      // seg 1: too small
  set(5, 0, 5, 5), set(6, 0, 7, 3), set(7, 0, 3, 7);                     // seg 2: 15 vs 15 → 2
  set(8, 0, 0, 50);                                                      // no data: ignored
  const auto out = segment_vote(classes, votes, kCodes, segment, 2);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{1, 1, 1, 1, 3, 2, 2, 2, 0}));
}

TEST(SegmentVote, GridAlignedTilesDoNotDependOnBlocks) {
  // A 40 × 30 scene of 12 fields; tiles of 16 px. Blocks of 32 px (a
  // multiple of the tile) and blocks of 24 px grown to whole tiles, the way
  // classify_crops reads them, give the whole map's classes.
  const int W = 40, H = 30, T = 16;
  std::vector<int> field(static_cast<std::size_t>(W) * H);
  std::vector<bool> wrong(field.size(), false);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * W + x;
      field[i] = (y / 10) * 4 + x / 10;
      wrong[i] = (x * 7 + y * 13) % 11 == 0;
    }
  std::vector<std::uint8_t> field_class(12);
  for (std::size_t f = 0; f < field_class.size(); ++f) field_class[f] = static_cast<std::uint8_t>(1 + f % 3);
  const Scene s = make_scene(W, H, field, field_class, wrong);
  const auto whole = segment_vote_filter(s.classes, s.votes, kCodes, {s.guide.data(), kDims, kDims}, 0, 0, W, H, params(T));

  for (const int bs : {32, 24}) {
    std::vector<std::uint8_t> tiled(whole.size(), 255);
    for (int by = 0; by < H; by += bs)
      for (int bx = 0; bx < W; bx += bs) {
        // The block grown to the tiles it touches, clipped to the scene.
        const int x0 = bx / T * T, y0 = by / T * T;
        const int x1 = std::min(W, (std::min(W, bx + bs) + T - 1) / T * T);
        const int y1 = std::min(H, (std::min(H, by + bs) + T - 1) / T * T);
        const int w = x1 - x0, h = y1 - y0;
        std::vector<std::uint8_t> c;
        std::vector<std::uint16_t> v;
        std::vector<float> g;
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * W + x;
            c.push_back(s.classes[i]);
            v.insert(v.end(), s.votes.begin() + static_cast<std::ptrdiff_t>(i * 3),
                     s.votes.begin() + static_cast<std::ptrdiff_t>(i * 3 + 3));
            g.insert(g.end(), s.guide.begin() + static_cast<std::ptrdiff_t>(i * kDims),
                     s.guide.begin() + static_cast<std::ptrdiff_t>((i + 1) * kDims));
          }
        const auto out = segment_vote_filter(c, v, kCodes, {g.data(), kDims, kDims}, x0, y0, w, h, params(T));
        for (int y = by; y < std::min(H, by + bs); ++y)
          for (int x = bx; x < std::min(W, bx + bs); ++x)
            tiled[static_cast<std::size_t>(y) * W + x] = out[static_cast<std::size_t>(y - y0) * w + (x - x0)];
      }
    EXPECT_EQ(tiled, whole) << "block size " << bs;
  }
  // And voting did its job: the input's scattered wrong pixels (1 in 11)
  // are nearly all gone. Not all: greedy merging on pure noise leaves a few
  // 1–3 px segments (kernels/series_segmentation.hpp), which keep their
  // own class below min_pixels.
  std::size_t wrong_in = 0, wrong_out = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const std::uint8_t truth = field_class[static_cast<std::size_t>(field[i])];
    wrong_in += s.classes[i] != truth;
    wrong_out += whole[i] != truth;
  }
  EXPECT_GT(wrong_in, 100u);
  EXPECT_LT(wrong_out, wrong_in / 10);
}

TEST(SegmentVote, PoolReplacesVotesBySegmentMeans) {
  std::vector<std::uint8_t> classes = {1, 2, 1, 0, 3};
  const std::vector<std::int32_t> segment = {0, 0, 0, 0, 1};
  std::vector<std::uint16_t> votes = {10, 0, 0, /**/ 4, 6, 0, /**/ 9, 1, 0, /**/ 0, 0, 90, /**/ 0, 0, 10};
  paddymrv::kernels::pool_segment_votes(classes, votes, kCodes, segment, 2);
  // Segment 0: sums 23, 7, 0 over 3 voting pixels (the no-data one neither
  // votes nor changes) → means 7.67, 2.33, 0 rounded; segment 1 is 1 px,
  // under min_pixels: unchanged.
  EXPECT_EQ(classes, (std::vector<std::uint8_t>{1, 1, 1, 0, 3}));
  EXPECT_EQ(votes, (std::vector<std::uint16_t>{8, 2, 0, /**/ 8, 2, 0, /**/ 8, 2, 0, /**/ 0, 0, 90, /**/ 0, 0, 10}));
}

TEST(SegmentVote, FilterNeighboursInOtherTilesVoteWithTheirOwnVotes) {
  // One row of 4 pixels, tiles of 2 px: pixels 2 and 3 lie in the second
  // tile. Their pooled votes (class 2) would outvote pixel 1; their own
  // votes (class 1) are what a filter centred in the first tile sees.
  const std::vector<std::uint8_t> classes = {1, 1, 2, 2};
  const std::vector<std::uint16_t> pooled = {10, 0, 0, 10, 0, 0, 0, 50, 0, 0, 50, 0};
  const std::vector<std::uint16_t> own = {10, 0, 0, 10, 0, 0, 30, 20, 0, 30, 20, 0};
  using paddymrv::kernels::vote_majority_filter;
  EXPECT_EQ(vote_majority_filter(classes, pooled, kCodes, 4, 1, 5)[1], 2);
  const paddymrv::kernels::TileVotes tiles{own.data(), 2, 0, 0};
  EXPECT_EQ(vote_majority_filter(classes, pooled, kCodes, 4, 1, 5, tiles)[1], 1);
  // Shifted by one tile in grid coordinates: the same tiles, the same answer.
  EXPECT_EQ(vote_majority_filter(classes, pooled, kCodes, 4, 1, 5, {own.data(), 2, 2, 0})[1], 1);
  // Centred in the second tile, pixel 2 sees its own tile's pooled votes.
  EXPECT_EQ(vote_majority_filter(classes, pooled, kCodes, 4, 1, 5, tiles)[2], 2);
}
