#include "pipeline/claim_records.hpp"

namespace paddymrv {

ClaimRecords read_claim_records(const ResultReader& r) {
  ClaimRecords c;
  if (!r.exists("/claims/claim_id")) return c;
  c.claim_id = r.read_strings("/claims/claim_id");
  c.practice = r.read_strings("/claims/practice");
  c.verdict = r.read_strings("/claims/verdict");
  c.reason = r.read_strings("/claims/reason");
  c.flood_onset = r.read_strings("/claims/flood_onset");
  c.harvest = r.read_strings("/claims/harvest");
  c.drainage_events = r.read<std::int32_t>("/claims/drainage_events");
  c.observations = r.read<std::int32_t>("/claims/observations");
  c.rice_fraction = r.read<double>("/claims/rice_fraction");
  c.confidence = r.read<double>("/claims/confidence");
  c.area_ha = r.read<double>("/claims/area_ha");
  if (r.exists("/claims/optical/ndvi")) {
    c.s2_date = r.read_strings("/claims/optical/date");
    c.s2_scene = r.read_strings("/claims/optical/scene_id");
    c.ndvi = r.read<double>("/claims/optical/ndvi");
    c.lswi = r.read<double>("/claims/optical/lswi");
    c.clear_fraction = r.read<double>("/claims/optical/clear_fraction");
  }
  return c;
}

}  // namespace paddymrv
