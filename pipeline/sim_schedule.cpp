#include "pipeline/sim_schedule.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "kernels/sim_random.hpp"
#include "pipeline/dates.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;

namespace {

// Rain gets more frequent towards the summer monsoon (May–September in
// northern Vietnam); a wet soil dries with a ~2-day e-folding time.
std::vector<double> daily_soil_wetness(const SimulationParams& p, int days) {
  ks::Rng rng(p.seed, {ks::kStreamWeather, 0});
  std::vector<double> wet(static_cast<std::size_t>(days) + 1, 0.0);
  double w = 0;
  for (int d = 0; d <= days; ++d) {
    const double f = static_cast<double>(d) / std::max(1, days);
    const double rain = rng.uniform(0.5, 1.0);
    w = std::max(rng.bernoulli(0.10 + 0.35 * f * f) ? rain : 0.0, 0.6 * w);
    wet[static_cast<std::size_t>(d)] = w;
  }
  return wet;
}

std::string timestamp(std::chrono::sys_days day, int hour, int minute, int second) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", hour, minute, second);
  return format_iso_date(day) + buf;
}

std::string compact_date(std::chrono::sys_days day) {
  std::string d = format_iso_date(day);
  d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
  return d;
}

// "sentinel-1c" → "S1C".
std::string platform_code(const std::string& platform) {
  std::string code = "S";
  code += platform[9];
  code += static_cast<char>(std::toupper(static_cast<unsigned char>(platform.back())));
  return code;
}

}  // namespace

Schedule plan_schedule(const SimulationParams& p) {
  const auto start = *parse_iso_date(p.season_start);
  const int days = static_cast<int>((*parse_iso_date(p.season_end) - start).count());
  const std::vector<double> wet = daily_soil_wetness(p, days);
  Schedule s;

  {  // Sentinel-1: descending passes over northern Vietnam at ~22:47 UTC.
    ks::Rng rng(p.seed, {ks::kStreamSchedule, 1, 0});
    const int offset = rng.uniform_int(0, std::min(p.s1_revisit_days - 1, days));
    for (int k = 0;; ++k) {
      const int day = offset + k * p.s1_revisit_days;
      if (day > days) break;
      ks::Rng r(p.seed, {ks::kStreamSchedule, 1, static_cast<std::uint64_t>(k) + 1});
      Acquisition a;
      a.slot = k;
      a.day = day;
      // Two satellites alternate at a 6-day revisit; a 12-day revisit is one
      // satellite (DESIGN §5, "Sentinel-1 in 2026").
      a.platform = p.s1_revisit_days < 12 && k % 2 == 1 ? "sentinel-1a" : "sentinel-1c";
      const auto date = start + std::chrono::days{day};
      a.datetime = timestamp(date, 22, 47, 8 + r.uniform_int(0, 8));
      a.id = platform_code(a.platform) + "_" + compact_date(date);
      a.soil_wetness = wet[static_cast<std::size_t>(day)];
      a.wind = r.unit();
      const bool missing = r.bernoulli(p.s1_missing_prob);
      a.edge.active = r.bernoulli(p.s1_partial_prob);
      // The swath edge runs along the descending ground track, ~10–16° off
      // north, crossing the area somewhere between 20 % and 80 % of its width.
      a.edge.x0 = p.origin_x + r.uniform(0.2, 0.8) * p.width * 10.0;
      a.edge.y0 = p.origin_y - p.height * 5.0;
      a.edge.slope = std::tan(r.uniform(10.0, 16.0) * std::numbers::pi / 180.0);
      a.edge.side = r.bernoulli(0.5) ? 1 : -1;
      if (missing) continue;
      if (a.edge.active) ++s.s1_partial;
      s.s1.push_back(std::move(a));
    }
  }

  {  // Sentinel-2: descending node 10:30 local solar time → ~03:46 UTC at 104° E.
    ks::Rng rng(p.seed, {ks::kStreamSchedule, 2, 0});
    const int offset = rng.uniform_int(0, std::min(p.s2_revisit_days - 1, days));
    static const char* platforms[] = {"sentinel-2a", "sentinel-2b", "sentinel-2c"};
    for (int k = 0;; ++k) {
      const int day = offset + k * p.s2_revisit_days;
      if (day > days) break;
      ks::Rng r(p.seed, {ks::kStreamSchedule, 2, static_cast<std::uint64_t>(k) + 1});
      Acquisition a;
      a.slot = k;
      a.day = day;
      a.platform = platforms[k % 3];
      const auto date = start + std::chrono::days{day};
      a.datetime = timestamp(date, 3, 46, 20 + r.uniform_int(0, 20));
      a.id = platform_code(a.platform) + "_" + compact_date(date);
      a.soil_wetness = wet[static_cast<std::size_t>(day)];
      // Cloudiness rises towards the monsoon: the mean goes from 0.8× to
      // 1.2× cloud_cover_mean over the season. Beta(2m, 2(1−m)) gives many
      // nearly clear and nearly overcast dates, as in the tropics.
      const double m = std::clamp(p.cloud_cover_mean * (0.8 + 0.4 * day / std::max(1, days)), 0.0, 1.0);
      const double beta = r.beta(std::max(2.0 * m, 1e-3), std::max(2.0 * (1.0 - m), 1e-3));
      a.cloud_fraction = m <= 0 ? 0.0 : m >= 1 ? 1.0 : beta;
      a.haze = r.uniform(0.0, 0.01);
      a.cloud_scale_px = r.uniform(50.0, 110.0);
      const bool missing = r.bernoulli(p.s2_missing_prob);
      if (!missing) s.s2.push_back(std::move(a));
    }
  }
  return s;
}

}  // namespace paddymrv::sim
