#include "kernels/majority_filter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/guide_weight.hpp"

namespace paddymrv::kernels {

std::vector<std::uint8_t> majority_filter(const std::vector<std::uint8_t>& classes, int width, int height,
                                          int window) {
  if (width < 0 || height < 0 || classes.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
    throw std::invalid_argument("majority_filter: classes must hold width × height values");
  if (window <= 1) return classes;
  if (window % 2 == 0) throw std::invalid_argument("majority_filter: the window must be odd");
  const int r = window / 2;
  std::vector<std::uint8_t> out(classes.size());
  // Counts per class code, reset after each pixel through the list of codes
  // touched: k² work per pixel instead of 256.
  std::array<int, 256> votes{};
  std::vector<std::uint8_t> seen;
  seen.reserve(static_cast<std::size_t>(window) * static_cast<std::size_t>(window));
  for (int y = 0; y < height; ++y) {
    const int y0 = std::max(0, y - r), y1 = std::min(height - 1, y + r);
    for (int x = 0; x < width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
      const std::uint8_t own = classes[i];
      if (own == 0) {
        out[i] = 0;
        continue;
      }
      const int x0 = std::max(0, x - r), x1 = std::min(width - 1, x + r);
      for (int yy = y0; yy <= y1; ++yy) {
        const std::uint8_t* row = classes.data() + static_cast<std::size_t>(yy) * static_cast<std::size_t>(width);
        for (int xx = x0; xx <= x1; ++xx) {
          const std::uint8_t c = row[xx];
          if (c == 0) continue;
          if (votes[c]++ == 0) seen.push_back(c);
        }
      }
      std::uint8_t best = own;
      int best_votes = votes[own];
      for (const std::uint8_t c : seen)
        if (votes[c] > best_votes || (votes[c] == best_votes && best != own && c < best)) best = c, best_votes = votes[c];
      out[i] = best;
      for (const std::uint8_t c : seen) votes[c] = 0;
      seen.clear();
    }
  }
  return out;
}

namespace {

// The window loop shared by the vote filters: at each pixel with a class,
// sums weight(i, j) × votes of every classified neighbour j (the centre
// included), in a fixed order over the window, then keeps the pixel's class
// unless another has strictly more (ties among others: the smallest code).
// weight returns 0 for a neighbour that does not count.
// With tiles.across set, a neighbour in another tile than the centre's
// votes with across[j × C …] instead of votes[j × C …].
template <class Sum, class Weight>
std::vector<std::uint8_t> summed_vote_filter(const char* who, const std::vector<std::uint8_t>& classes,
                                             const std::vector<std::uint16_t>& votes,
                                             const std::vector<std::uint8_t>& codes, int width, int height,
                                             int window, Weight weight, const TileVotes& tiles = {}) {
  const std::size_t n = static_cast<std::size_t>(std::max(width, 0)) * static_cast<std::size_t>(std::max(height, 0));
  const std::size_t C = codes.size();
  if (width < 0 || height < 0 || classes.size() != n || votes.size() != n * C)
    throw std::invalid_argument(std::string(who) + ": classes must hold width × height values and votes C per pixel");
  if (window <= 1) return classes;
  if (window % 2 == 0) throw std::invalid_argument(std::string(who) + ": the window must be odd");
  std::array<int, 256> index_of;
  index_of.fill(-1);
  for (std::size_t k = 0; k < C; ++k) index_of[codes[k]] = static_cast<int>(k);
  const int r = window / 2;
  std::vector<std::uint8_t> out(n);
  std::vector<Sum> sum(C);
  // Tile of each column and row (grid coordinates / tile side).
  const bool by_tile = tiles.across != nullptr;
  if (by_tile && tiles.tile < 1) throw std::invalid_argument(std::string(who) + ": the tile must be ≥ 1 px");
  std::vector<int> tile_x(by_tile ? static_cast<std::size_t>(width) : 0), tile_y(by_tile ? static_cast<std::size_t>(height) : 0);
  for (std::size_t x = 0; x < tile_x.size(); ++x) tile_x[x] = (tiles.x0 + static_cast<int>(x)) / tiles.tile;
  for (std::size_t y = 0; y < tile_y.size(); ++y) tile_y[y] = (tiles.y0 + static_cast<int>(y)) / tiles.tile;
  for (int y = 0; y < height; ++y) {
    const int y0 = std::max(0, y - r), y1 = std::min(height - 1, y + r);
    for (int x = 0; x < width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
      const std::uint8_t own = classes[i];
      if (own == 0 || index_of[own] < 0) {
        out[i] = own;
        continue;
      }
      std::fill(sum.begin(), sum.end(), Sum{0});
      const int x0 = std::max(0, x - r), x1 = std::min(width - 1, x + r);
      for (int yy = y0; yy <= y1; ++yy)
        for (int xx = x0; xx <= x1; ++xx) {
          const std::size_t j = static_cast<std::size_t>(yy) * static_cast<std::size_t>(width) + static_cast<std::size_t>(xx);
          if (classes[j] == 0) continue;
          const Sum w = weight(i, j);
          if (w == Sum{0}) continue;
          const bool across = by_tile && (tile_x[static_cast<std::size_t>(xx)] != tile_x[static_cast<std::size_t>(x)] ||
                                          tile_y[static_cast<std::size_t>(yy)] != tile_y[static_cast<std::size_t>(y)]);
          const std::uint16_t* v = (across ? tiles.across : votes.data()) + j * C;
          for (std::size_t k = 0; k < C; ++k) sum[k] += w * v[k];
        }
      std::uint8_t best = own;
      Sum best_votes = sum[static_cast<std::size_t>(index_of[own])];
      for (std::size_t k = 0; k < C; ++k)
        if (sum[k] > best_votes || (sum[k] == best_votes && best != own && codes[k] < best))
          best = codes[k], best_votes = sum[k];
      out[i] = best;
    }
  }
  return out;
}

}  // namespace

std::vector<std::uint8_t> vote_majority_filter(const std::vector<std::uint8_t>& classes,
                                               const std::vector<std::uint16_t>& votes,
                                               const std::vector<std::uint8_t>& codes, int width, int height,
                                               int window, const TileVotes& tiles) {
  return summed_vote_filter<std::uint32_t>("vote_majority_filter", classes, votes, codes, width, height, window,
                                           [](std::size_t, std::size_t) { return std::uint32_t{1}; }, tiles);
}

std::vector<std::uint8_t> guided_vote_majority_filter(const std::vector<std::uint8_t>& classes,
                                                      const std::vector<std::uint16_t>& votes,
                                                      const std::vector<std::uint8_t>& codes, const VoteGuide& guide,
                                                      int width, int height, int window, const TileVotes& tiles) {
  if (guide.values == nullptr || guide.dims <= 0 || guide.stride < guide.dims || !(guide.bandwidth > 0))
    throw std::invalid_argument("guided_vote_majority_filter: the guide needs values, 0 < dims ≤ stride, bandwidth > 0");
  const GuideWeight weight(guide.dims, guide.bandwidth);
  const auto stride = static_cast<std::size_t>(guide.stride);
  return summed_vote_filter<double>(
      "guided_vote_majority_filter", classes, votes, codes, width, height, window,
      [&](std::size_t i, std::size_t j) { return weight(guide.values + i * stride, guide.values + j * stride); },
      tiles);
}

}  // namespace paddymrv::kernels
