#pragma once
// Writing TOML literals by hand (the effective config, simulation.toml):
// strings quoted and escaped, floats in their shortest round-trip form that
// stays a TOML float.
#include <charconv>
#include <string>

namespace paddymrv {

inline std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

inline std::string toml_float(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace paddymrv
