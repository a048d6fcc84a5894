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
using paddymrv::kernels::vote_majority_filter;

namespace {

using Grid = std::vector<std::uint8_t>;

// Rows written top to bottom, one digit per class ('0' = no data).
Grid grid(const std::vector<const char*>& rows) {
  Grid g;
  for (const char* r : rows)
    for (const char* c = r; *c; ++c) g.push_back(static_cast<std::uint8_t>(*c - '0'));
  return g;
}

// The values of a per-pixel array (`stride` values a pixel, W pixels a row)
// inside the window [x0, x1) × [y0, y1), in row order.
template <class T>
std::vector<T> window_of(const std::vector<T>& v, int W, int stride, int x0, int y0, int x1, int y1) {
  std::vector<T> out;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const auto i = (static_cast<std::size_t>(y) * W + x) * static_cast<std::size_t>(stride);
      out.insert(out.end(), v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(i + stride));
    }
  return out;
}

// The map filtered block by block the way classify_crops does it: each
// bs × bs block read with a halo r clipped to the W × H map, filtered
// (filter(x0, y0, x1, y1) returns the classes of that window), cropped.
template <class Filter>
Grid tiled(int W, int H, int bs, int r, Filter filter) {
  Grid out(static_cast<std::size_t>(W) * H, 255);
  for (int by = 0; by < H; by += bs)
    for (int bx = 0; bx < W; bx += bs) {
      const int x0 = std::max(0, bx - r), y0 = std::max(0, by - r);
      const int x1 = std::min(W, bx + bs + r), y1 = std::min(H, by + bs + r);
      const Grid f = filter(x0, y0, x1, y1);
      for (int y = by; y < std::min(H, by + bs); ++y)
        for (int x = bx; x < std::min(W, bx + bs); ++x)
          out[static_cast<std::size_t>(y) * W + x] = f[static_cast<std::size_t>(y - y0) * (x1 - x0) + (x - x0)];
    }
  return out;
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
      const Grid blocks = tiled(W, H, bs, k / 2, [&](int x0, int y0, int x1, int y1) {
        return majority_filter(window_of(map, W, 1, x0, y0, x1, y1), x1 - x0, y1 - y0, k);
      });
      EXPECT_EQ(blocks, whole) << "window " << k << ", block " << bs;
    }
  }
}

// --- the same filter summing the forest's tree votes (classifier.majority_of = "votes")

namespace {
// Votes of 10 trees over classes {1, 2}: `ones` for class 1, the rest for 2.
std::vector<std::uint16_t> votes_of(const std::vector<int>& ones) {
  std::vector<std::uint16_t> v;
  for (int o : ones) v.push_back(static_cast<std::uint16_t>(o)), v.push_back(static_cast<std::uint16_t>(10 - o));
  return v;
}
const std::vector<std::uint8_t> kCodes12 = {1, 2};
}  // namespace

TEST(VoteMajorityFilter, ConfidentPixelsOutweighUnsureOnes) {
  // Five unsure pixels of class 1 (6 of 10 trees) against the centre and
  // three others the trees are sure of (class 2, 10 of 10). Counting classes
  // gives 5 against 4, and the centre turns to 1; summing votes gives 30
  // against 60, and it stays 2.
  const Grid cls = grid({"112", "121", "212"});
  const auto v = votes_of({6, 6, 0, 6, 0, 6, 0, 6, 0});
  EXPECT_EQ(majority_filter(cls, 3, 3, 3)[4], 1);
  EXPECT_EQ(vote_majority_filter(cls, v, kCodes12, 3, 3, 3)[4], 2);
  // An unsure lone pixel among sure neighbours still follows them.
  const Grid lone = grid({"222", "212", "222"});
  const auto lv = votes_of({0, 0, 0, 0, 6, 0, 0, 0, 0});
  EXPECT_EQ(vote_majority_filter(lone, lv, kCodes12, 3, 3, 3), Grid(9, 2));
}

TEST(VoteMajorityFilter, TiesKeepTheCentreAndNoDataNeitherVotesNorChanges) {
  // 5 × 5 against 5 × 5 summed votes (every pixel 5/5, classes alternate): a
  // tie keeps every centre.
  const Grid cls = grid({"121", "212", "121"});
  const auto even = votes_of(std::vector<int>(9, 5));
  EXPECT_EQ(vote_majority_filter(cls, even, kCodes12, 3, 3, 3), cls);
  // No-data (class 0) pixels' votes are ignored, and they stay 0 — even
  // when their (meaningless) votes are all for one class.
  const Grid hole = grid({"000", "010", "000"});
  const auto loud = votes_of({0, 0, 0, 0, 10, 0, 0, 0, 0});
  EXPECT_EQ(vote_majority_filter(hole, loud, kCodes12, 3, 3, 3), hole);
  EXPECT_THROW(vote_majority_filter(hole, loud, kCodes12, 3, 3, 4), std::invalid_argument);
  EXPECT_THROW(vote_majority_filter(hole, std::vector<std::uint16_t>(5), kCodes12, 3, 3, 3), std::invalid_argument);
  EXPECT_EQ(vote_majority_filter(cls, even, kCodes12, 3, 3, 1), cls);
}

TEST(VoteMajorityFilter, BlocksWithAHaloGiveTheWholeMap) {
  const int W = 37, H = 29, C = 4;
  const std::vector<std::uint8_t> codes = {1, 3, 5, 9};
  Grid cls(static_cast<std::size_t>(W) * H);
  std::vector<std::uint16_t> votes(cls.size() * C);
  std::uint32_t state = 777;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 16; };
  for (std::size_t i = 0; i < cls.size(); ++i) {
    int best = 0;
    for (int k = 0; k < C; ++k) {
      votes[i * C + k] = static_cast<std::uint16_t>(next() % 30);
      if (votes[i * C + k] > votes[i * C + best]) best = k;
    }
    cls[i] = next() % 17 == 0 ? 0 : codes[static_cast<std::size_t>(best)];
  }
  const int k = 5, r = k / 2;
  const Grid whole = vote_majority_filter(cls, votes, codes, W, H, k);
  EXPECT_NE(whole, cls);
  for (const int bs : {7, 16}) {
    const Grid blocks = tiled(W, H, bs, r, [&](int x0, int y0, int x1, int y1) {
      return vote_majority_filter(window_of(cls, W, 1, x0, y0, x1, y1), window_of(votes, W, C, x0, y0, x1, y1), codes,
                                  x1 - x0, y1 - y0, k);
    });
    EXPECT_EQ(blocks, whole) << "block " << bs;
  }
}

// --- tree votes weighted by how alike the pixels look (classifier.majority_of = "guided")

using paddymrv::kernels::guided_vote_majority_filter;
using paddymrv::kernels::VoteGuide;

TEST(GuidedVoteMajorityFilter, APixelFollowsItsOwnFieldNotTheNeighbours) {
  // A 5 × 5 window at the corner of a small field: the centre (class 1, the
  // trees split 6/4) and the two pixels right and below it belong to field A,
  // the other 22 pixels to field B (class 2, sure). Summed votes make the
  // centre 2; with the guide (field A's series differ from B's by 0.3, far
  // beyond the 0.1 bandwidth) B's votes weigh e⁻⁹ each and the centre stays 1.
  const Grid cls = grid({"22222", "22222", "22112", "22122", "22222"});
  std::vector<int> ones(25, 0);
  for (int i : {12, 13, 17}) ones[static_cast<std::size_t>(i)] = 6;
  const auto v = votes_of(ones);
  std::vector<float> g(25, 0.5f);
  for (int i : {12, 13, 17}) g[static_cast<std::size_t>(i)] = 0.8f;
  const VoteGuide guide{g.data(), 1, 1, 0.1};
  EXPECT_EQ(vote_majority_filter(cls, v, kCodes12, 5, 5, 5)[12], 2);
  EXPECT_EQ(guided_vote_majority_filter(cls, v, kCodes12, guide, 5, 5, 5)[12], 1);
  // When the centre looks like field B, B's votes count in full again.
  g[12] = 0.5f;
  EXPECT_EQ(guided_vote_majority_filter(cls, v, kCodes12, guide, 5, 5, 5)[12], 2);
}

TEST(GuidedVoteMajorityFilter, AUniformGuideIsThePlainVoteFilter) {
  // Every weight exp(0) = 1: the same sums, the same classes, on random maps.
  const int W = 23, H = 19, C = 3;
  const std::vector<std::uint8_t> codes = {2, 4, 7};
  Grid cls(static_cast<std::size_t>(W) * H);
  std::vector<std::uint16_t> votes(cls.size() * C);
  std::uint32_t state = 99;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 16; };
  for (std::size_t i = 0; i < cls.size(); ++i) {
    for (int k = 0; k < C; ++k) votes[i * C + k] = static_cast<std::uint16_t>(next() % 40);
    cls[i] = next() % 13 == 0 ? 0 : codes[next() % C];
  }
  const std::vector<float> g(cls.size() * 4, 0.25f);
  for (const int k : {3, 5, 9}) {
    const Grid plain = vote_majority_filter(cls, votes, codes, W, H, k);
    EXPECT_NE(plain, cls);
    EXPECT_EQ(guided_vote_majority_filter(cls, votes, codes, {g.data(), 3, 4, 0.1}, W, H, k), plain) << k;
  }
}

TEST(GuidedVoteMajorityFilter, BlocksWithAHaloGiveTheWholeMapAndBadArgumentsAreRefused) {
  const int W = 31, H = 26, C = 3, D = 2;
  const std::vector<std::uint8_t> codes = {1, 2, 3};
  Grid cls(static_cast<std::size_t>(W) * H);
  std::vector<std::uint16_t> votes(cls.size() * C);
  std::vector<float> g(cls.size() * D);
  std::uint32_t state = 4242;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 16; };
  for (std::size_t i = 0; i < cls.size(); ++i) {
    int best = 0;
    for (int k = 0; k < C; ++k) {
      votes[i * C + k] = static_cast<std::uint16_t>(next() % 25);
      if (votes[i * C + k] > votes[i * C + best]) best = k;
    }
    cls[i] = next() % 19 == 0 ? 0 : codes[static_cast<std::size_t>(best)];
    for (int d = 0; d < D; ++d) g[i * D + d] = static_cast<float>(next() % 100) / 400.0f;
  }
  const int k = 7, r = k / 2;
  const Grid whole = guided_vote_majority_filter(cls, votes, codes, {g.data(), D, D, 0.1}, W, H, k);
  EXPECT_NE(whole, cls);
  for (const int bs : {5, 12}) {
    const Grid blocks = tiled(W, H, bs, r, [&](int x0, int y0, int x1, int y1) {
      const std::vector<float> pg = window_of(g, W, D, x0, y0, x1, y1);
      return guided_vote_majority_filter(window_of(cls, W, 1, x0, y0, x1, y1), window_of(votes, W, C, x0, y0, x1, y1),
                                         codes, {pg.data(), D, D, 0.1}, x1 - x0, y1 - y0, k);
    });
    EXPECT_EQ(blocks, whole) << "block " << bs;
  }
  EXPECT_THROW(guided_vote_majority_filter(cls, votes, codes, {g.data(), D, D, 0.1}, W, H, 4), std::invalid_argument);
  EXPECT_THROW(guided_vote_majority_filter(cls, votes, codes, {nullptr, D, D, 0.1}, W, H, 3), std::invalid_argument);
  EXPECT_THROW(guided_vote_majority_filter(cls, votes, codes, {g.data(), D, 1, 0.1}, W, H, 3), std::invalid_argument);
  EXPECT_THROW(guided_vote_majority_filter(cls, votes, codes, {g.data(), D, D, 0.0}, W, H, 3), std::invalid_argument);
  EXPECT_EQ(guided_vote_majority_filter(cls, votes, codes, {g.data(), D, D, 0.1}, W, H, 1), cls);
}
