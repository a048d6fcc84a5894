#pragma once
// Calendar helpers: ISO dates for seasons, RFC 3339 timestamps for scenes.
// Days are counted as std::chrono::sys_days so that "days since season
// start" is plain integer arithmetic.
#include <chrono>
#include <optional>
#include <string>

namespace paddymrv {

// "2026-02-01" → day. std::nullopt when not a valid calendar date.
std::optional<std::chrono::sys_days> parse_iso_date(const std::string& text);
// "2026-02-03T22:47:12Z", "…T22:47:12.123456Z", "…+07:00" → UTC seconds.
std::optional<std::chrono::sys_seconds> parse_rfc3339(const std::string& text);
std::string format_iso_date(std::chrono::sys_days day);
std::string format_rfc3339(std::chrono::sys_seconds t);
// Current UTC time, RFC 3339 with a Z.
std::string utc_now_rfc3339();

}  // namespace paddymrv
