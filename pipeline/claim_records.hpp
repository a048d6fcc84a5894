#pragma once
// The /claims datasets of a result file read back as one table (DESIGN §4):
// what the audit page and `report --json` show a verifier, read in one
// place so that both say the same.
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/result_reader.hpp"

namespace paddymrv {

struct ClaimRecords {
  std::vector<std::string> claim_id, practice, verdict, reason, flood_onset, harvest;
  std::vector<std::int32_t> drainage_events, observations;
  std::vector<double> rice_fraction, confidence, area_ha;
  // Clear-sky Sentinel-2 views (empty for results written before they
  // existed): per scene s2_date/s2_scene; ndvi, lswi and clear_fraction per
  // claim × scene (row-major), NaN where the field was not seen clearly.
  std::vector<std::string> s2_date, s2_scene;
  std::vector<double> ndvi, lswi, clear_fraction;
  bool has_optical() const {
    const std::size_t cells = claim_id.size() * s2_date.size();
    return !s2_date.empty() && s2_scene.size() == s2_date.size() && ndvi.size() == cells && lswi.size() == cells &&
           clear_fraction.size() == cells;
  }
  std::size_t size() const { return claim_id.size(); }
};

// Empty when the result holds no claims.
ClaimRecords read_claim_records(const ResultReader& r);

}  // namespace paddymrv
