#pragma once
// Turns a result file into what people read: the per-commune table (text
// or CSV) and a JSON document. `paddymrv run` prints the same table from
// the file it has just written, so the table always shows what was stored.
#include <filesystem>
#include <string>

namespace paddymrv {

enum class ReportFormat { text, csv, json };

std::string format_result_report(const std::filesystem::path& result, ReportFormat format);

// Writes every claim's evidence PNG (/claims/evidence) to dir/<claim_id>.png
// (characters unsafe in file names replaced by '_'); returns how many.
std::size_t write_claim_evidence(const std::filesystem::path& result, const std::filesystem::path& dir);

}  // namespace paddymrv
