#include "pipeline/result_report.hpp"

#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pipeline/claim_records.hpp"
#include "pipeline/commune_table.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/result_summary.hpp"

namespace paddymrv {

namespace {

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string province_lines(const Province& p) {
  std::string out;
  char buf[400];
  if (!std::isnan(p.reduction)) {
    std::snprintf(buf, sizeof buf,
                  "province: CH4 baseline %.2f t, project %.2f t, reduction %.2f t (95 %% interval %.2f – %.2f), "
                  "%.1f t CO2e (GWP100 %g)\n",
                  p.baseline, p.project, p.reduction, p.ci_low, p.ci_high, p.reduction * p.gwp100, p.gwp100);
    out += buf;
  }
  if (!std::isnan(p.awd_share)) {
    std::snprintf(buf, sizeof buf, "target: rice under multiple drainage (AWD) %.1f %% of the rice area; plan %.0f %%\n",
                  100.0 * p.awd_share, std::isnan(p.target_share) ? 70.0 : 100.0 * p.target_share);
    out += buf;
  }
  if (!std::isnan(p.target_reduction)) {
    if (p.reference_t > 0) {
      std::snprintf(buf, sizeof buf,
                    "target: rice CH4 %.2f t vs %lld reference %.2f t: %.1f %% less; plan %.0f %% less\n", p.project,
                    static_cast<long long>(p.reference_year), p.reference_t, 100.0 * p.reduction_vs_reference,
                    100.0 * p.target_reduction);
    } else {
      std::snprintf(buf, sizeof buf,
                    "target: %.0f %% less rice CH4 than %lld — reference emission not set (targets.reference_ch4_t)\n",
                    100.0 * p.target_reduction, static_cast<long long>(p.reference_year));
    }
    out += buf;
  }
  return out;
}

// Every claim as a verifier scripts against it: verdict and reason, the
// radar evidence (events with their dates) and the clear-sky Sentinel-2
// views (results written before /claims/optical existed have none).
nlohmann::json claims_json(const ResultReader& r) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  const ClaimRecords c = read_claim_records(r);
  std::vector<std::string> cols;
  const auto event_rows = r.exists("/claims/events") ? r.read_string_table("/claims/events", &cols)
                                                     : std::vector<std::vector<std::string>>{};
  std::map<std::string, nlohmann::json> events_of;
  for (const auto& row : event_rows) {
    nlohmann::json e;
    for (std::size_t k = 1; k < row.size() && k < cols.size(); ++k) {
      // Dates stay text; day counts and the evidence strength are numbers.
      char* end = nullptr;
      const double v = std::strtod(row[k].c_str(), &end);
      const bool number = !row[k].empty() && end == row[k].c_str() + row[k].size();
      e[cols[k]] = number ? nlohmann::json(v) : nlohmann::json(row[k]);
    }
    events_of[row[0]].push_back(e);
  }
  const std::size_t t = c.s2_date.size();
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < c.size(); ++i) {
    nlohmann::json views = nlohmann::json::array();
    for (std::size_t k = 0; c.has_optical() && k < t; ++k) {
      const std::size_t v = i * t + k;
      if (std::isnan(c.ndvi[v])) continue;  // not seen clearly that date
      views.push_back({{"date", c.s2_date[k]}, {"scene_id", c.s2_scene[k]}, {"ndvi", num(c.ndvi[v])},
                       {"lswi", num(c.lswi[v])}, {"clear_fraction", num(c.clear_fraction[v])}});
    }
    const auto e = events_of.find(c.claim_id[i]);
    out.push_back({{"claim_id", c.claim_id[i]},
                   {"practice", c.practice[i]},
                   {"verdict", c.verdict[i]},
                   {"reason", c.reason[i]},
                   {"drainage_events", c.drainage_events[i]},
                   {"events", e == events_of.end() ? nlohmann::json::array() : e->second},
                   {"flood_onset", c.flood_onset[i]},
                   {"harvest", c.harvest[i]},
                   {"radar_observations", c.observations[i]},
                   {"rice_fraction", num(c.rice_fraction[i])},
                   {"confidence", num(c.confidence[i])},
                   {"area_ha", num(c.area_ha[i])},
                   {"clear_s2_views", views}});
  }
  return out;
}

}  // namespace

std::string format_result_report(const std::filesystem::path& result, ReportFormat format) {
  const ResultReader r(result);
  const CommuneColumns c = read_columns(r);
  const std::size_t n = c.code.size();

  if (format == ReportFormat::json) {
    nlohmann::json doc;
    for (const char* a : {"format", "format_version", "software_version", "created_utc", "season_name",
                          "season_start", "season_end"}) {
      doc[a] = r.attribute_string("/", a);
    }
    auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
    for (std::size_t i = 0; i < n; ++i) {
      doc["communes"].push_back({{"code", c.code[i]},
                                 {"name", c.name[i]},
                                 {"area_ha", num(c.area[i])},
                                 {"rice_area_ha", num(c.rice[i])},
                                 {"awd_area_ha", num(c.awd[i])},
                                 {"ch4_reduction_t", num(c.ch4_red[i])},
                                 {"ch4_reduction_ci95_t", {num(c.ci[2 * i]), num(c.ci[2 * i + 1])}},
                                 {"co2e_reduction_t", num(c.co2e[i])},
                                 {"s1_observation_mean", num(c.s1_mean[i])},
                                 {"s2_clear_mean", num(c.s2_mean[i])}});
    }
    const Province p = read_province(r, c);
    doc["province"] = {{"ch4_baseline_t", num(p.baseline)},
                       {"ch4_project_t", num(p.project)},
                       {"ch4_reduction_t", num(p.reduction)},
                       {"ch4_reduction_ci95_t", {num(p.ci_low), num(p.ci_high)}},
                       {"co2e_reduction_t", num(p.reduction * p.gwp100)},
                       {"awd_share", num(p.awd_share)},
                       {"target_low_emission_share", num(p.target_share)},
                       {"target_emission_reduction", num(p.target_reduction)},
                       {"reference_year", p.reference_year},
                       {"reference_ch4_t", p.reference_t > 0 ? num(p.reference_t) : nlohmann::json(nullptr)},
                       {"reduction_vs_reference", num(p.reduction_vs_reference)}};
    if (r.exists("/claims/claim_id")) doc["claims"] = claims_json(r);
    return doc.dump(2) + "\n";
  }

  TextTable t;
  t.header = {"code", "commune", "area_ha", "rice_ha", "awd_ha", "ch4_red_t", "ci95_low", "ci95_high", "co2e_red_t",
              "s1_dates/px", "s2_clear/px"};
  t.right_align = {false, false, true, true, true, true, true, true, true, true, true};
  double total_area = 0, total_rice = 0, total_awd = 0, total_red = 0, total_co2e = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total_area += c.area[i];
    total_rice += c.rice[i];
    total_awd += c.awd[i];
    total_red += c.ch4_red[i];
    total_co2e += c.co2e[i];
    t.rows.push_back({c.code[i], c.name[i], fixed(c.area[i], 2), fixed(c.rice[i], 2), fixed(c.awd[i], 2),
                      fixed(c.ch4_red[i], 2), fixed(c.ci[2 * i], 2), fixed(c.ci[2 * i + 1], 2), fixed(c.co2e[i], 1),
                      fixed(c.s1_mean[i], 1), fixed(c.s2_mean[i], 1)});
  }
  if (format == ReportFormat::csv) return t.to_csv();
  const Province prov = read_province(r, c);
  t.footer = {"", "total (" + std::to_string(n) + " communes)", fixed(total_area, 2), fixed(total_rice, 2),
              fixed(total_awd, 2), fixed(total_red, 2), fixed(prov.ci_low, 2), fixed(prov.ci_high, 2),
              fixed(total_co2e, 1), "", ""};
  std::string out = "season " + r.attribute_string("/", "season_name") + " (" + r.attribute_string("/", "season_start") +
                    " – " + r.attribute_string("/", "season_end") + ")" +
                    (r.attribute_int64("/", "provisional") ? ", provisional" : "") + "\n";
  out += t.to_text();
  // Commune intervals share one factor draw and do not add up; the
  // province interval comes from the same draws (written by run).
  out += province_lines(prov);
  if (r.exists("/claims/verdict")) {
    std::map<std::string, int> count;
    for (const auto& v : r.read_strings("/claims/verdict")) ++count[v];
    out += "claims: " + std::to_string(count["verified"]) + " verified, " + std::to_string(count["not_verified"]) +
           " not verified, " + std::to_string(count["insufficient_data"]) + " insufficient data\n";
  }
  out += "rice: " + r.attribute_string("/communes/rice_area_ha", "rice_mask") + "\n";
  return out;
}

std::size_t write_claim_evidence(const std::filesystem::path& result, const std::filesystem::path& dir) {
  const ResultReader r(result);
  if (!r.exists("/claims/claim_id")) return 0;
  const auto ids = r.read_strings("/claims/claim_id");
  std::filesystem::create_directories(dir);
  std::size_t written = 0;
  for (std::size_t c = 0; c < ids.size(); ++c) {
    const std::string ds = "/claims/evidence/" + std::to_string(c);
    if (!r.exists(ds)) continue;
    const auto png = r.read<std::uint8_t>(ds);
    std::string name = ids[c];
    for (char& ch : name)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.')) ch = '_';
    std::ofstream(dir / (name + ".png"), std::ios::binary)
        .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    ++written;
  }
  return written;
}

}  // namespace paddymrv
