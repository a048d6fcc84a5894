#pragma once
// Post-classification majority (mode) filter of a class map (issue #4,
// "optional post-processing … when it helps accuracy").
//
// A per-pixel classifier leaves isolated wrong pixels inside fields (speckle,
// a cloud edge the mask missed, mixed 20 m pixels); the classes of the
// neighbours are then better evidence than the pixel alone. The k×k mode
// filter is the classic remedy (e.g. Lillesand, Kiefer & Chipman, "Remote
// Sensing and Image Interpretation", post-classification smoothing).
//
// Rules, chosen so that the result is deterministic and local:
// - the window is k×k, k odd; it is truncated at the edges of the array
//   (only pixels inside the array vote), so a block read with a halo of
//   k/2 pixels gives the same classes as the whole map;
// - class 0 (no data) never votes and a no-data pixel stays no data;
// - a pixel takes another class only when that class has strictly more
//   votes than the pixel's own class; among several such classes with the
//   same count, the smallest code wins (ties never depend on scan order).
#include <cstdint>
#include <vector>

namespace paddymrv::kernels {

// window ≤ 1 returns the input unchanged; an even window is an error
// (std::invalid_argument). classes.size() must be width × height.
std::vector<std::uint8_t> majority_filter(const std::vector<std::uint8_t>& classes, int width, int height,
                                          int window);

// The same filter fed with the forest's tree votes instead of one class per
// pixel ("soft" voting): a pixel the trees split 55/45 between two classes
// weighs less than one they agree on, so an unsure pixel follows confident
// neighbours and a confident one holds its ground. votes[i × C + k] = trees
// voting for class index k at pixel i; codes[k] its class code. Same rules
// as above with votes summed over the window: pixels with classes[i] == 0
// neither vote nor change, a pixel takes another class only when that class
// has strictly more summed votes than its own (classes[i]), ties among
// others go to the smallest code.
// Votes that hold only inside the tiles of a grid-aligned lattice (votes
// pooled per segment, segments never crossing a tile: kernels/segment_vote):
// neighbours in another tile than the centre's vote with across[j × C …],
// their own unpooled votes, so that the filter needs no whole tiles around
// a block, only its halo. The array's first pixel sits at grid coordinates
// (x0, y0). across == nullptr: every neighbour votes with `votes`.
struct TileVotes {
  const std::uint16_t* across = nullptr;
  int tile = 0;
  int x0 = 0, y0 = 0;
};
std::vector<std::uint8_t> vote_majority_filter(const std::vector<std::uint8_t>& classes,
                                               const std::vector<std::uint16_t>& votes,
                                               const std::vector<std::uint8_t>& codes, int width, int height,
                                               int window, const TileVotes& tiles = {});

// Pixels that look alike (per-pixel "guide" values, e.g. the Sentinel-2
// index series of the crop features) weigh more in the vote: neighbours in
// the same field share its spectra and phenology, neighbours across a
// boundary do not, so a wider window gathers a field's evidence without
// blending its neighbours — a local stand-in for voting inside segments
// (the joint/cross bilateral filter idea: Tomasi & Manduchi 1998, ICCV;
// Petschnigg et al. 2004, ACM TOG 23(3)). Neighbour j weighs
// exp(−D²/bandwidth²) times its tree votes, D² = mean over the `dims` guide
// values of (g_i − g_j)²; the centre weighs 1. Other rules as
// vote_majority_filter (no-data pixels neither vote nor change; another
// class must have strictly more weighted votes than the pixel's own; ties
// among others go to the smallest code). Sums run in a fixed order over the
// window, so a block read with a halo of window/2 gives the same classes as
// the whole map.
struct VoteGuide {
  const float* values = nullptr;  // pixel i's guide at values[i × stride], `dims` floats
  int dims = 0;
  int stride = 0;
  double bandwidth = 0.05;
};
std::vector<std::uint8_t> guided_vote_majority_filter(const std::vector<std::uint8_t>& classes,
                                                      const std::vector<std::uint16_t>& votes,
                                                      const std::vector<std::uint8_t>& codes, const VoteGuide& guide,
                                                      int width, int height, int window, const TileVotes& tiles = {});

}  // namespace paddymrv::kernels
