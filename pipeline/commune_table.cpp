#include "pipeline/commune_table.hpp"

#include <algorithm>

namespace paddymrv {

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 0x6) {
      cp = c & 0x1F, len = 2;
    } else if ((c >> 4) == 0xE) {
      cp = c & 0x0F, len = 3;
    } else if ((c >> 3) == 0x1E) {
      cp = c & 0x07, len = 4;
    }
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    // Combining diacritical marks (U+0300–U+036F) stack on the previous letter.
    if (cp >= 0x300 && cp <= 0x36F) continue;
    ++width;
  }
  return width;
}

namespace {
void pad(std::string& out, const std::string& cell, std::size_t width, bool right) {
  const std::size_t w = display_width(cell);
  const std::string spaces(width > w ? width - w : 0, ' ');
  out += right ? spaces + cell : cell + spaces;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
}  // namespace

std::string TextTable::to_text() const {
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  if (!footer.empty()) measure(footer);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (std::size_t c = 0; c < width.size(); ++c) {
      if (c) out += "  ";
      pad(out, c < row.size() ? row[c] : "", width[c], c < right_align.size() && right_align[c]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::size_t total = 0;
  for (auto w : width) total += w;
  total += 2 * (width.empty() ? 0 : width.size() - 1);
  std::string rule;
  for (std::size_t i = 0; i < total; ++i) rule += "─";
  std::string out = line(header) + rule + "\n";
  for (const auto& r : rows) out += line(r);
  if (!footer.empty()) out += rule + "\n" + line(footer);
  return out;
}

std::string TextTable::to_csv() const {
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + csv_cell(row[c]);
    out += "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

}  // namespace paddymrv
