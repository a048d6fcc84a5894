#include "pipeline/dates.hpp"

#include <cstdio>
#include <regex>

namespace paddymrv {

using namespace std::chrono;

std::optional<sys_days> parse_iso_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::optional<sys_seconds> parse_rfc3339(const std::string& text) {
  // RFC 3339 §5.6: date "T" time [fraction] ("Z" | ±hh:mm). Lower-case t/z allowed.
  static const std::regex re(
      R"(^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const auto day = parse_iso_date(m[1].str());
  if (!day) return std::nullopt;
  const int hh = std::stoi(m[2].str()), mm = std::stoi(m[3].str()), ss = std::stoi(m[4].str());
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  auto t = sys_seconds{*day} + hours{hh} + minutes{mm} + seconds{ss};
  const std::string zone = m[6].str();
  if (zone != "Z" && zone != "z") {
    const int sign = zone[0] == '-' ? -1 : 1;
    const int zh = std::stoi(zone.substr(1, 2)), zm = std::stoi(zone.substr(4, 2));
    t -= sign * (hours{zh} + minutes{zm});
  }
  return t;
}

std::string format_iso_date(sys_days day) {
  const year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_rfc3339(sys_seconds t) {
  const auto day = floor<days>(t);
  const hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_iso_date(day).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string utc_now_rfc3339() {
  return format_rfc3339(floor<seconds>(system_clock::now()));
}

}  // namespace paddymrv
