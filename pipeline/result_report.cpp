#include "pipeline/result_report.hpp"

#include <cmath>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pipeline/commune_table.hpp"
#include "pipeline/result_reader.hpp"

namespace paddymrv {

namespace {

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

struct CommuneColumns {
  std::vector<std::string> code, name;
  std::vector<double> area, rice, awd, s1_mean, s2_mean, ch4_red, co2e, ci;
};

CommuneColumns read_columns(const ResultReader& r) {
  CommuneColumns c;
  c.code = r.read_strings("/communes/code");
  c.name = r.read_strings("/communes/name");
  c.area = r.read<double>("/communes/area_ha");
  c.rice = r.read<double>("/communes/rice_area_ha");
  c.awd = r.read<double>("/communes/awd_area_ha");
  c.s1_mean = r.read<double>("/qa/communes/s1_observation_mean");
  c.s2_mean = r.read<double>("/qa/communes/s2_clear_mean");
  c.ch4_red = r.read<double>("/communes/ch4_reduction_t");
  c.co2e = r.read<double>("/communes/co2e_reduction_t");
  c.ci = r.read<double>("/communes/ch4_reduction_ci95_t");
  return c;
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
  // Commune intervals share one factor draw, so they do not add up: the
  // province interval is left to `paddymrv report --json` consumers (issue #5).
  t.footer = {"", "total (" + std::to_string(n) + " communes)", fixed(total_area, 2), fixed(total_rice, 2),
              fixed(total_awd, 2), fixed(total_red, 2), "", "", fixed(total_co2e, 1), "", ""};
  std::string out = "season " + r.attribute_string("/", "season_name") + " (" + r.attribute_string("/", "season_start") +
                    " – " + r.attribute_string("/", "season_end") + ")" +
                    (r.attribute_int64("/", "provisional") ? ", provisional" : "") + "\n";
  out += t.to_text();
  if (total_rice > 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "rice under multiple drainage (AWD): %.1f %% of the rice area (provincial plan: 70 %% by 2035)\n",
                  100.0 * total_awd / total_rice);
    out += buf;
  }
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
