// The crop map's majority filter (issue #4 post-processing) on hand-built
// grids: what it removes, what it keeps, how it breaks ties, and that a
// block read with a k/2 halo gives the same classes as the whole map.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/majority_filter.hpp"

using paddymrv::kernels::majority_filter;

namespace {

using Grid = std::vector<std::uint8_t>;

// Rows written top to bottom, one digit per class ('0' = no data).
Grid grid(const std::vector<const char*>& rows) {
  Grid g;
  for (const char* r : rows)
    for (const char* c = r; *c; ++c) g.push_back(static_cast<std::uint8_t>(*c - '0'));
  return g;
}

}  // namespace

TEST(MajorityFilter, RemovesAnIsolatedPixel) {
  const Grid in = grid({"11111",
                        "11111",
                        "11311",
                        "11111"});
  EXPECT_EQ(majority_filter(in, 5, 4, 3), Grid(20, 1));
}

TEST(MajorityFilter, KeepsStraightFieldEdgesAndTheArrayBorder) {
  // Two fields side by side: every pixel on each side of the boundary has
  // 6 own votes against 3 (4 against 2 on the array border).
  const Grid in = grid({"111222",
                        "111222",
                        "111222",
                        "111222"});
  EXPECT_EQ(majority_filter(in, 6, 4, 3), in);
  // A field wider than the window keeps its edges with a 5×5 window too.
  EXPECT_EQ(majority_filter(in, 6, 4, 5), in);
}

TEST(MajorityFilter, TiesKeepTheCentreAndOtherTiesTakeTheSmallestCode) {
  // Centre 2 has 4 votes, class 1 has 4 too: a tie with the centre keeps it.
  EXPECT_EQ(majority_filter(grid({"111", "122", "322"}), 3, 3, 3)[4], 2);
  // Centre 9 has 1 vote against 4 of class 1 and 4 of class 2: it loses, and
  // the tie between 1 and 2 goes to the smaller code whichever is met first.
  EXPECT_EQ(majority_filter(grid({"122", "291", "211"}), 3, 3, 3)[4], 1);
  EXPECT_EQ(majority_filter(grid({"211", "192", "122"}), 3, 3, 3)[4], 1);
  // A 2-against-2 tie in a window truncated by the array keeps every centre.
  EXPECT_EQ(majority_filter(grid({"12", "21"}), 2, 2, 3), grid({"12", "21"}));
}

TEST(MajorityFilter, NoDataNeitherVotesNorChanges) {
  const Grid in = grid({"000",
                        "010",
                        "000"});
  EXPECT_EQ(majority_filter(in, 3, 3, 3), in);  // the lone 1 has no rival voter
  const Grid hole = grid({"222",
                          "202",
                          "222"});
  EXPECT_EQ(majority_filter(hole, 3, 3, 3), hole);  // the no-data pixel stays
}

TEST(MajorityFilter, WindowOneIsTheIdentityAndEvenWindowsAreRefused) {
  const Grid in = grid({"123", "456"});
  EXPECT_EQ(majority_filter(in, 3, 2, 0), in);
  EXPECT_EQ(majority_filter(in, 3, 2, 1), in);
  EXPECT_THROW(majority_filter(in, 3, 2, 4), std::invalid_argument);
  EXPECT_THROW(majority_filter(in, 4, 2, 3), std::invalid_argument);
}

TEST(MajorityFilter, BlocksWithAHaloGiveTheWholeMap) {
  // A noisy map of small fields (deterministic LCG), filtered whole and
  // block by block the way classify_crops does it: each block read with a
  // k/2 halo clipped to the map, filtered, then cropped.
  const int W = 53, H = 41;
  Grid map(static_cast<std::size_t>(W) * H);
  std::uint32_t state = 12345;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 16; };
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const std::uint8_t field = static_cast<std::uint8_t>(1 + ((x / 7) * 3 + (y / 5)) % 6);
      map[static_cast<std::size_t>(y) * W + x] = next() % 5 == 0 ? static_cast<std::uint8_t>(1 + next() % 12) : field;
    }
  for (const int k : {3, 5, 7}) {
    const Grid whole = majority_filter(map, W, H, k);
    EXPECT_NE(whole, map);
    for (const int bs : {8, 13, 64}) {
      Grid tiled(map.size(), 255);
      for (int by = 0; by < H; by += bs)
        for (int bx = 0; bx < W; bx += bs) {
          const int r = k / 2;
          const int x0 = std::max(0, bx - r), y0 = std::max(0, by - r);
          const int x1 = std::min(W, bx + bs + r), y1 = std::min(H, by + bs + r);
          Grid pad;
          for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) pad.push_back(map[static_cast<std::size_t>(y) * W + x]);
          const Grid f = majority_filter(pad, x1 - x0, y1 - y0, k);
          for (int y = by; y < std::min(H, by + bs); ++y)
            for (int x = bx; x < std::min(W, bx + bs); ++x)
              tiled[static_cast<std::size_t>(y) * W + x] = f[static_cast<std::size_t>(y - y0) * (x1 - x0) + (x - x0)];
        }
      EXPECT_EQ(tiled, whole) << "window " << k << ", block " << bs;
    }
  }
}
