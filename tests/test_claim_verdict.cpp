#include <gtest/gtest.h>

#include "kernels/claim_verdict.hpp"

using namespace paddymrv::kernels;

namespace {
FloodCycle cycle(WaterRegime r, int events, RegimeReason why = RegimeReason::detected) {
  FloodCycle c;
  c.regime = r;
  c.reason = why;
  c.observations = 20;
  for (int i = 0; i < events; ++i) c.events.push_back({30 + 20 * i, 36 + 20 * i, 42 + 20 * i, 48 + 20 * i, 6.0});
  return c;
}
}  // namespace

TEST(ClaimVerdict, AwdNeedsTwoConfirmedEvents) {
  EXPECT_EQ(decide_claim("AWD", cycle(WaterRegime::multiple_drainage, 3), 0.9, 0.5).verdict, Verdict::verified);
  const auto one = decide_claim("awd", cycle(WaterRegime::single_drainage, 1), 0.9, 0.5);
  EXPECT_EQ(one.verdict, Verdict::not_verified);
  EXPECT_NE(one.reason.find("1 drainage event(s) confirmed, 2 needed"), std::string::npos);
  EXPECT_EQ(one.reason.find("through the canopy"), std::string::npos);  // not estimated: not claimed
  // When the canopy closed before the flooding ended, the refusal says from
  // when the radar was blind; when the window ended with the flooding, not.
  auto closed = cycle(WaterRegime::single_drainage, 1);
  closed.end_flooding_day = 90;
  closed.visible_until_day = 61;
  const auto blind = decide_claim("AWD", closed, 0.9, 0.5);
  EXPECT_EQ(blind.verdict, Verdict::not_verified);
  EXPECT_NE(blind.reason.find("only until day 61 of the series"), std::string::npos) << blind.reason;
  closed.visible_until_day = 90;
  EXPECT_EQ(decide_claim("AWD", closed, 0.9, 0.5).reason.find("through the canopy"), std::string::npos);
  EXPECT_EQ(decide_claim("AWD", cycle(WaterRegime::continuously_flooded, 0), 0.9, 0.5).verdict,
            Verdict::not_verified);
}

TEST(ClaimVerdict, MissingEvidenceIsNeverVerified) {
  const auto gap = decide_claim("AWD", cycle(WaterRegime::undetermined, 0, RegimeReason::gap_in_window), 0.9, 0.5);
  EXPECT_EQ(gap.verdict, Verdict::insufficient_data);
  EXPECT_NE(gap.reason.find("gap"), std::string::npos);
  EXPECT_EQ(decide_claim("CF", cycle(WaterRegime::undetermined, 0, RegimeReason::too_few_observations), 0.9, 0.5)
                .verdict,
            Verdict::insufficient_data);
  // A field that is mostly not rice cannot be judged.
  EXPECT_EQ(decide_claim("AWD", cycle(WaterRegime::multiple_drainage, 2), 0.3, 0.5).verdict,
            Verdict::insufficient_data);
  EXPECT_EQ(decide_claim("terraces", cycle(WaterRegime::multiple_drainage, 2), 0.9, 0.5).verdict,
            Verdict::insufficient_data);
}

TEST(ClaimVerdict, ContinuousFloodingAndSingleDrainage) {
  EXPECT_EQ(decide_claim("CF", cycle(WaterRegime::continuously_flooded, 0), 1, 0.5).verdict, Verdict::verified);
  EXPECT_EQ(decide_claim("CF", cycle(WaterRegime::single_drainage, 1), 1, 0.5).verdict, Verdict::not_verified);
  EXPECT_EQ(decide_claim("single", cycle(WaterRegime::multiple_drainage, 2), 1, 0.5).verdict, Verdict::verified);
  EXPECT_EQ(decide_claim("single", cycle(WaterRegime::continuously_flooded, 0), 1, 0.5).verdict,
            Verdict::not_verified);
}

// One reading of a claimed practice, shared by the verdict and the accuracy
// benchmark that scores verdicts.
TEST(ClaimVerdict, PracticeNamesTheRegimeItClaims) {
  EXPECT_EQ(claimed_regime("AWD"), WaterRegime::multiple_drainage);
  EXPECT_EQ(claimed_regime("multiple_drainage"), WaterRegime::multiple_drainage);
  EXPECT_EQ(claimed_regime("Single"), WaterRegime::single_drainage);
  EXPECT_EQ(claimed_regime("MSD"), WaterRegime::single_drainage);
  EXPECT_EQ(claimed_regime("cf"), WaterRegime::continuously_flooded);
  EXPECT_EQ(claimed_regime("organic"), WaterRegime::undetermined);
}
