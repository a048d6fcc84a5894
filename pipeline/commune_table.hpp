#pragma once
// Formats the per-commune table for a terminal: columns aligned by display
// width (Vietnamese names are UTF-8 with multi-byte letters and sometimes
// combining marks, so byte counts would misalign them), plus CSV.
#include <string>
#include <vector>

namespace paddymrv {

struct TextTable {
  std::vector<std::string> header;
  std::vector<bool> right_align;  // per column
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> footer;  // optional totals row

  std::string to_text() const;
  std::string to_csv() const;
};

// Terminal columns a UTF-8 string occupies (combining marks take none).
std::size_t display_width(const std::string& utf8);

}  // namespace paddymrv
