#pragma once
// Field-level voting for the crop map (issue #4, "field-level voting inside
// segments"): the forest's tree votes are summed over every pixel of an
// image object — a segment of pixels whose Sentinel-2 index series are alike,
// i.e. about a field — and the whole segment takes the winning class.
// Object-based classification by majority vote inside segments is the
// classic way to remove the salt-and-pepper of per-pixel maps (Blaschke 2010,
// ISPRS J. 65:2; for crops from S2 time series e.g. Belgiu & Csillik 2018,
// RSE 204:509). A field's pixels share its crop, so their summed votes carry
// the evidence of hundreds of pixels, where a k×k window stops at k² and, at
// a boundary, mixes the neighbouring field in.
//
// Segments come from kernels/series_segmentation.hpp (Ward region merging in
// units of the tile's own neighbour noise) on the guide values, inside tiles
// of a lattice aligned to the grid's origin: a pixel's segment, hence its
// class, depends only on the pixels of its tile, never on where blocks are
// cut — as long as the caller passes every tile whose classes it keeps
// whole (the pipeline classifies the union of the tiles a block touches).
//
// Two uses (classifier.segment_mode): segment_vote decides every pixel of a
// segment by its summed votes (after a majority filter); pool_segment_votes
// gives every pixel its segment's mean votes, for a majority filter to
// weigh next (with kernels::TileVotes for neighbours in other tiles).
// Rules (deterministic): no-data pixels (class 0) neither vote nor change;
// a segment with fewer than `min_pixels` pixels keeps each pixel's input
// class/votes; otherwise the winner is the class with the most summed
// votes, a tie going to the smallest class code.
// Measured on simulated seasons (docs/crop_classification.md): voting after
// the guided filter lowered accuracy, pooling before it gained ≤ 0.4 point;
// the errors left there are mostly whole fields, which a vote inside the
// field cannot fix.
#include <cstdint>
#include <vector>

#include "kernels/series_segmentation.hpp"

namespace paddymrv::kernels {

struct SegmentVoteParams {
  int tile = 64;  // side of the grid-aligned tiles that bound the segments (px)
  SegmentationParams segmentation;
  int min_pixels = 4;  // smaller segments keep their pixels' own classes
};

// Pixel i's guide: `dims` floats at values[i × stride] (the crop features'
// NDVI/LSWI/NDRE series). Compared as they are: the values should share one
// scale, since one noise variance per tile is estimated over all of them.
struct SegmentGuide {
  const float* values = nullptr;
  int dims = 0;
  int stride = 0;
};

// Segment labels of the width × height array whose first pixel sits at grid
// coordinates (x0, y0): −1 where classes[i] == 0, else a number unique
// within the array (tile by tile, raster order of the tiles, each tile's
// labels as segment_series numbers them). Tiles cut by the array's edge are
// segmented as cut.
std::vector<std::int32_t> guide_segments(const std::vector<std::uint8_t>& classes, const SegmentGuide& guide,
                                         int x0, int y0, int width, int height, const SegmentVoteParams& p);

// Summed tree votes per segment (`segment` as guide_segments returns it,
// −1 = not in a segment): votes[i × C + k] = trees voting for class codes[k]
// at pixel i; `classes` = the fallback map. Rules as above.
std::vector<std::uint8_t> segment_vote(const std::vector<std::uint8_t>& classes,
                                       const std::vector<std::uint16_t>& votes,
                                       const std::vector<std::uint8_t>& codes,
                                       const std::vector<std::int32_t>& segment, int min_pixels);

// Votes pooled per segment, for a majority filter to use next: every pixel
// of a segment with at least `min_pixels` voting pixels gets the segment's
// mean votes per class, rounded to the nearest integer (half up; integer
// arithmetic, so exact and order-free), and `classes` the class with the
// most of them (ties: smallest code); other pixels keep theirs. A window
// filter then weighs whole fields' evidence instead of single pixels'.
void pool_segment_votes(std::vector<std::uint8_t>& classes, std::vector<std::uint16_t>& votes,
                        const std::vector<std::uint8_t>& codes, const std::vector<std::int32_t>& segment,
                        int min_pixels);

// Both: segments of the guide, then the vote inside them.
std::vector<std::uint8_t> segment_vote_filter(const std::vector<std::uint8_t>& classes,
                                              const std::vector<std::uint16_t>& votes,
                                              const std::vector<std::uint8_t>& codes, const SegmentGuide& guide,
                                              int x0, int y0, int width, int height, const SegmentVoteParams& p);

}  // namespace paddymrv::kernels
