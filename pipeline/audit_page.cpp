#include "pipeline/audit_page.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "pipeline/claim_records.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/result_summary.hpp"

namespace paddymrv {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// PNG bytes as a data: URI payload (OpenSSL's encoder, already linked for SHA-256).
std::string base64(const std::vector<std::uint8_t>& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in.data(), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// A table from header cells and rows of already-escaped cells; numeric
// columns (class "n") align right.
struct Html {
  std::ostringstream os;
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
             const std::vector<bool>& numeric) {
    os << "<table><thead><tr>";
    for (std::size_t i = 0; i < header.size(); ++i)
      os << "<th" << (i < numeric.size() && numeric[i] ? " class=n" : "") << ">" << esc(header[i]) << "</th>";
    os << "</tr></thead><tbody>\n";
    for (const auto& r : rows) {
      os << "<tr>";
      for (std::size_t i = 0; i < r.size(); ++i)
        os << "<td" << (i < numeric.size() && numeric[i] ? " class=n" : "") << ">" << r[i] << "</td>";
      os << "</tr>\n";
    }
    os << "</tbody></table>\n";
  }
};

void communes_section(Html& h, const ResultReader& r, const CommuneColumns& c) {
  const std::size_t n = c.code.size();
  const auto regime_area = r.read<double>("/communes/water_regime_area_ha");
  const bool has_ha_days = r.exists("/communes/regime_ha_days");
  const auto ha_days = has_ha_days ? r.read<double>("/communes/regime_ha_days") : std::vector<double>(4 * n, NAN);
  const auto baseline = r.read<double>("/communes/ch4_baseline_t");
  const auto project = r.read<double>("/communes/ch4_project_t");
  const bool has_ef = r.exists("/communes/ef_c_kg_ha_d");
  const auto ef_c = has_ef ? r.read<double>("/communes/ef_c_kg_ha_d") : std::vector<double>(n, NAN);
  const auto notes = r.exists("/communes/methane_factors") ? r.read_strings("/communes/methane_factors")
                                                           : std::vector<std::string>(n);
  h.os << "<h2>Communes</h2>\n<p>Areas in ha. Water regimes on the rice of "
       << esc(r.attribute_string("/communes/rice_area_ha", "rice_mask"))
       << ". CH4 in tonnes (IPCC 2019 Eq. 5.1–5.3); undetermined rice counts as continuously flooded. "
          "The 95 % intervals share one factor draw and do not add up; the province interval is above.</p>\n";
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < n; ++i) {
    rows.push_back({esc(c.code[i]), esc(c.name[i]), num(c.area[i], 2), num(c.rice[i], 2),
                    num(regime_area[4 * i], 2), num(regime_area[4 * i + 1], 2), num(regime_area[4 * i + 2], 2),
                    num(regime_area[4 * i + 3], 2), num(c.awd[i], 2), num(baseline[i], 3), num(project[i], 3),
                    num(c.ch4_red[i], 3), num(c.ci[2 * i], 3) + " – " + num(c.ci[2 * i + 1], 3), num(c.co2e[i], 1),
                    num(c.s1_mean[i], 1), num(c.s2_mean[i], 1)});
  }
  h.table({"code", "commune", "area", "rice", "CF", "single", "multiple", "undetermined", "AWD", "CH4 baseline",
           "CH4 project", "CH4 reduction", "95 % interval", "CO2e reduction", "S1 dates/px", "S2 clear/px"},
          rows, {false, false, true, true, true, true, true, true, true, true, true, true, true, true, true, true});

  h.os << "<h3>Methane activity data and factors</h3>\n<p>t × A = Σ pixel area × cultivation days per regime "
          "(<code>/communes/regime_ha_days</code>). Baseline = EF(CF) × Σ t × A × 10⁻³; project = EF(CF) × (CF + "
          "undetermined) + EF(single) × single + EF(multiple) × multiple, × 10⁻³; EF = EF_c × SF_w × SF_p × SF_o with "
          "the factors in the configuration below (docs/methane.md).</p>\n";
  rows.clear();
  for (std::size_t i = 0; i < n; ++i) {
    rows.push_back({esc(c.code[i]), esc(c.name[i]), num(ha_days[4 * i], 1), num(ha_days[4 * i + 1], 1),
                    num(ha_days[4 * i + 2], 1), num(ha_days[4 * i + 3], 1), num(ef_c[i], 2), esc(notes[i])});
  }
  h.table({"code", "commune", "t×A CF", "t×A single", "t×A multiple", "t×A undetermined", "EF_c kg/ha/d",
           "factors used"},
          rows, {false, false, true, true, true, true, true, false});
}

void crops_section(Html& h, const ResultReader& r, const CommuneColumns& c) {
  if (!r.exists("/communes/crop_area_adjusted_ha") || r.has_attribute("/communes/crop_area_ha", "status")) return;
  const auto labels = r.attribute_strings("/communes/crop_area_ha", "labels");
  const auto mapped = r.read<double>("/communes/crop_area_ha");
  const auto adjusted = r.read<double>("/communes/crop_area_adjusted_ha");
  const auto ci = r.read<double>("/communes/crop_area_ci95_ha");
  const std::size_t k = labels.size(), n = c.code.size();
  h.os << "<h2>Crop areas</h2>\n<p>Mapped area, and the error-adjusted area with its 95 % interval (the lower end "
       << "stops at 0): " << esc(r.attribute_string("/communes/crop_area_adjusted_ha", "method"))
       << "</p>\n";
  std::vector<std::string> header = {"code", "commune"};
  std::vector<bool> numeric = {false, false};
  for (const auto& l : labels) header.push_back(l), numeric.push_back(true);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> row = {esc(c.code[i]), esc(c.name[i])};
    for (std::size_t j = 0; j < k; ++j)
      // A commune's adjusted area can dip below 0 (attribute `bounds`): shown as 0, as that says.
      row.push_back(num(mapped[i * k + j], 1) + "<br><small>" + num(std::max(0.0, adjusted[i * k + j]), 1) + " [" +
                    num(std::max(0.0, adjusted[i * k + j] - ci[i * k + j]), 1) + "–" +
                    num(adjusted[i * k + j] + ci[i * k + j], 1) + "]</small>");
    rows.push_back(row);
  }
  h.table(header, rows, numeric);
}

void claims_section(Html& h, const ResultReader& r) {
  const ClaimRecords claims = read_claim_records(r);
  if (claims.size() == 0) return;
  const auto& ids = claims.claim_id;
  const auto& practice = claims.practice;
  const auto& verdict = claims.verdict;
  const auto& reason = claims.reason;
  const auto& events = claims.drainage_events;
  const auto& rice = claims.rice_fraction;
  const auto& confidence = claims.confidence;
  const auto& area = claims.area_ha;
  // Clear-sky Sentinel-2 views of each field (results before they existed have none).
  const bool optical = claims.has_optical();
  const auto& s2_date = claims.s2_date;
  const auto& ndvi = claims.ndvi;
  const auto& lswi = claims.lswi;
  const auto& clear = claims.clear_fraction;
  const std::size_t t = s2_date.size();
  std::map<std::string, int> count;
  for (const auto& v : verdict) ++count[v];
  h.os << "<h2>Claims</h2>\n<p>" << ids.size() << " claims: " << count["verified"] << " verified, "
       << count["not_verified"] << " not verified, " << count["insufficient_data"]
       << " insufficient data. Each picture shows the field-averaged VV and VH through the season with the "
          "detected flooded and dry periods, and the field's clear-sky Sentinel-2 NDVI and LSWI; the table under "
          "it lists those clear views.</p>\n";
  for (std::size_t c = 0; c < ids.size(); ++c) {
    h.os << "<details class=\"" << esc(verdict[c]) << "\"><summary><b>" << esc(ids[c]) << "</b> — "
         << esc(practice[c]) << " — <span class=v>" << esc(verdict[c]) << "</span>: " << esc(reason[c]) << " ("
         << events[c] << " drainage events, rice " << num(100.0 * rice[c], 0) << " %, confidence "
         << num(confidence[c], 2) << ", " << num(area[c], 2) << " ha)</summary>";
    const std::string ds = "/claims/evidence/" + std::to_string(c);
    if (r.exists(ds))
      h.os << "<img alt=\"evidence " << esc(ids[c]) << "\" src=\"data:image/png;base64,"
           << base64(r.read<std::uint8_t>(ds)) << "\">";
    if (optical) {
      std::vector<std::vector<std::string>> rows;
      for (std::size_t k = 0; k < t; ++k) {
        const std::size_t i = c * t + k;
        if (std::isnan(ndvi[i])) continue;  // not seen clearly that date
        rows.push_back({esc(s2_date[k]), num(ndvi[i], 3), num(lswi[i], 3), num(100.0 * clear[i], 0)});
      }
      if (rows.empty())
        h.os << "<p>No clear Sentinel-2 view of the field.</p>";
      else
        h.table({"Sentinel-2 date", "NDVI", "LSWI", "clear %"}, rows, {false, true, true, true});
    }
    h.os << "</details>\n";
  }
}

void provenance_section(Html& h, const ResultReader& r) {
  std::vector<std::string> cols;
  const auto scenes = r.read_string_table("/provenance/scenes", &cols);
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (cols[i] == name) return i;
    return cols.size();
  };
  const std::vector<std::string> want = {"id", "platform", "datetime", "status", "reason", "sha256"};
  std::vector<std::vector<std::string>> rows;
  std::size_t quarantined = 0;
  for (const auto& s : scenes) {
    std::vector<std::string> row;
    for (const auto& w : want) {
      const std::size_t i = col(w);
      row.push_back(i < s.size() ? esc(s[i]) : "");
    }
    quarantined += row[3] != "used";
    rows.push_back(row);
  }
  h.os << "<h2>Scenes</h2>\n<p>" << scenes.size() << " items of the catalogue, " << quarantined
       << " not used (the reason says why). SHA-256 over each scene's assets.</p>\n";
  h.table(want, rows, {});
}

}  // namespace

std::string audit_page_html(const std::filesystem::path& result) {
  const ResultReader r(result);
  const CommuneColumns c = read_columns(r);
  const Province p = read_province(r, c);
  Html h;
  const std::string season = r.attribute_string("/", "season_name");
  h.os << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>paddymrv audit — " << esc(season)
       << "</title>\n<style>body{font:14px/1.4 sans-serif;margin:2em;max-width:110em}table{border-collapse:collapse;"
          "margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}th{background:#eee}"
          ".n{text-align:right;font-variant-numeric:tabular-nums}details{margin:2px 0}details.verified .v{color:#060}"
          "details.not_verified .v{color:#a00}details.insufficient_data .v{color:#a60}pre{background:#f6f6f6;"
          "padding:1em;overflow:auto}img{display:block;margin:.5em 0;max-width:100%}</style></head><body>\n";
  h.os << "<h1>paddymrv result — " << esc(season) << "</h1>\n<p>Season " << esc(r.attribute_string("/", "season_start"))
       << " – " << esc(r.attribute_string("/", "season_end"))
       << (r.attribute_int64("/", "provisional") ? " (<b>provisional</b>: the season is not over)" : "")
       << ". Result <code>" << esc(result.filename().string()) << "</code>, written "
       << esc(r.attribute_string("/", "created_utc")) << " by paddymrv "
       << esc(r.attribute_string("/", "software_version")) << " (format "
       << esc(r.attribute_string("/", "format_version")) << ").</p>\n";
  h.os << "<h2>Province</h2>\n<ul>";
  if (!std::isnan(p.reduction))
    h.os << "<li>CH4 baseline " << num(p.baseline, 2) << " t, project " << num(p.project, 2) << " t, reduction <b>"
         << num(p.reduction, 2) << " t</b> (95 % interval " << num(p.ci_low, 2) << " – " << num(p.ci_high, 2)
         << "), " << num(p.reduction * p.gwp100, 1) << " t CO2e at GWP100 " << num(p.gwp100, 1) << "</li>";
  if (!std::isnan(p.awd_share))
    h.os << "<li>Rice under multiple drainage (AWD): " << num(100.0 * p.awd_share, 1) << " % of the rice area; plan "
         << num(100.0 * (std::isnan(p.target_share) ? 0.70 : p.target_share), 0) << " %</li>";
  if (!std::isnan(p.target_reduction))
    h.os << "<li>Emission target: " << num(100.0 * p.target_reduction, 0) << " % less rice CH4 than "
         << p.reference_year
         << (p.reference_t > 0 ? ": " + num(100.0 * p.reduction_vs_reference, 1) + " % less so far"
                               : ": reference emission not set (targets.reference_ch4_t)")
         << "</li>";
  h.os << "</ul>\n";
  communes_section(h, r, c);
  crops_section(h, r, c);
  claims_section(h, r);
  provenance_section(h, r);
  h.os << "<h2>Configuration</h2>\n<p>The effective configuration of the run (root attribute "
          "<code>config_toml</code>): every factor above comes from here.</p>\n<pre>"
       << esc(r.attribute_string("/", "config_toml")) << "</pre>\n</body></html>\n";
  return h.os.str();
}

void write_audit_page(const std::filesystem::path& result, const std::filesystem::path& out) {
  const std::string html = audit_page_html(result);
  const std::filesystem::path tmp = out.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(html.data(), static_cast<std::streamsize>(html.size()));
    f.close();
    if (!f) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw Error(out.string() + ": cannot write the audit page");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(out.string() + ": cannot write the audit page: " + ec.message());
  }
}

}  // namespace paddymrv
