#include "kernels/claim_verdict.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace paddymrv::kernels {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string describe_events(const FloodCycle& c) {
  std::string out;
  for (const auto& e : c.events) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%sdry from day %d to %d (%d–%d days)", out.empty() ? "" : "; ", e.first_dry_day,
                  e.last_dry_day, e.min_days(), e.max_days());
    out += buf;
  }
  return out;
}

const char* why_undetermined(RegimeReason r) {
  switch (r) {
    case RegimeReason::too_few_observations: return "too few usable radar dates";
    case RegimeReason::no_flooding: return "the field never shows standing water";
    case RegimeReason::gap_in_window: return "no drainage seen, but a gap in the radar dates could hide one";
    case RegimeReason::window_too_short: return "flooding too short or too late to judge drainage";
    case RegimeReason::detected: break;
  }
  return "undetermined";
}

}  // namespace

WaterRegime claimed_regime(const std::string& practice) {
  const std::string p = upper(practice);
  if (p == "AWD" || p == "MULTIPLE_DRAINAGE" || p == "MULTIPLE") return WaterRegime::multiple_drainage;
  if (p == "SINGLE" || p == "SINGLE_DRAINAGE" || p == "MSD") return WaterRegime::single_drainage;
  if (p == "CF" || p == "CONTINUOUSLY_FLOODED") return WaterRegime::continuously_flooded;
  return WaterRegime::undetermined;
}

ClaimDecision decide_claim(const std::string& practice, const FloodCycle& c, double rice_fraction,
                           double min_rice_fraction) {
  // Drainage events the practice needs: AWD ≥ 2, single ≥ 1, CF = 0.
  int wanted = 0;
  switch (claimed_regime(practice)) {
    case WaterRegime::multiple_drainage: wanted = 2; break;
    case WaterRegime::single_drainage: wanted = 1; break;
    case WaterRegime::continuously_flooded: wanted = 0; break;
    default: return {Verdict::insufficient_data, "unknown practice '" + practice + "'"};
  }
  char buf[160];
  if (rice_fraction < min_rice_fraction) {
    std::snprintf(buf, sizeof buf, "only %.0f %% of the field is rice", 100.0 * rice_fraction);
    return {Verdict::insufficient_data, buf};
  }
  if (c.regime == WaterRegime::undetermined) return {Verdict::insufficient_data, why_undetermined(c.reason)};
  const int seen = static_cast<int>(c.events.size());
  if (wanted == 0) {
    if (seen == 0) {
      std::snprintf(buf, sizeof buf, "no drainage event in %d radar dates (longest gap %d days)", c.observations,
                    c.max_gap_days);
      return {Verdict::verified, buf};
    }
    return {Verdict::not_verified, "drainage seen: " + describe_events(c)};
  }
  if (seen >= wanted) return {Verdict::verified, std::to_string(seen) + " drainage event(s): " + describe_events(c)};
  std::snprintf(buf, sizeof buf, "%d drainage event(s) confirmed, %d needed%s", seen, wanted,
                c.weak_candidates > 0 ? " (weaker candidates not counted)" : "");
  std::string reason = buf;
  if (seen > 0) reason += ": " + describe_events(c);
  // Say where the radar stops seeing: a verifier weighing a refusal must
  // know that a drainage after canopy closure would not have shown. Only
  // when the canopy closed before the flooding ended (otherwise the window
  // ends with the flooding itself and nothing is hidden).
  if (c.visible_until_day >= 0 && c.visible_until_day < c.end_flooding_day) {
    std::snprintf(buf, sizeof buf,
                  "; standing water shows through the canopy only until day %d of the series, a later drainage "
                  "would not",
                  c.visible_until_day);
    reason += buf;
  }
  return {Verdict::not_verified, reason};
}

}  // namespace paddymrv::kernels
