#pragma once
// Provenance of a run's inputs: content hashes of every asset and the
// pre-flight check that decides, before any block is processed, which scenes
// are used and which are quarantined (and why). A verifier follows a number
// back to the exact bytes it came from through these hashes.
#include <string>
#include <vector>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/stac_catalog.hpp"

namespace paddymrv {

// SHA-256 of a file's bytes, lower-case hex. Reads through GDAL's VSI layer
// so /vsi… paths hash too. Throws InputError naming the file.
std::string sha256_file(const std::string& path);

// SHA-256 of a dataset that may span several files (a Shapefile's .shp,
// .dbf, .prj…; a VRT and its sources; GDAL's file list): the hash of the
// lines "name hash" of every file, in name order. A single-file dataset
// gets the file's own SHA-256 (= sha256_file). InputError naming the path.
std::string sha256_dataset(const std::string& path);

// SHA-256 of a string (used to combine asset hashes into a scene hash).
std::string sha256_text(const std::string& text);

// Opens every asset of every used scene that the run needs, checks it
// (readable, georeferenced, plausible data type, overlapping the grid) and
// hashes it. A scene failing any check is quarantined with a reason naming
// the file; a scene that does not touch the grid is skipped. Runs over
// `threads` threads; the outcome does not depend on the count.
// s2_bands: the Sentinel-2 reflectance bands this run reads besides SCL
// (crop features, claims' clear-sky indices): a scene lacking one is
// quarantined with that reason, not silently left out of those products.
void inspect_scenes(Catalog& catalog, const AnalysisGrid& grid, int threads,
                    const std::vector<std::string>& s2_bands = {});

// Asset keys a run reads from each sensor (Sentinel-2: SCL + s2_bands).
std::vector<std::string> required_assets(Sensor sensor, const std::vector<std::string>& s2_bands = {});

// The Sentinel-2 bands the crop features read (NDVI, LSWI, NDRE) and the
// ones the claims' clear-sky indices read (NDVI, LSWI).
const std::vector<std::string>& crop_feature_bands();
const std::vector<std::string>& claim_index_bands();

}  // namespace paddymrv
