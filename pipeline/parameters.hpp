#pragma once
// The parameter table: each configurable value of a run declared once —
// TOML key, command-line flag, type, documentation and how to read/write it.
// Front ends (config file, CLI, --help, `run --print-config`, the result's
// config_toml) iterate this table instead of repeating the declarations.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/config.hpp"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace paddymrv {

struct Parameter {
  std::string key;   // TOML path, "section.name"
  std::string flag;  // command-line long option without "--", "" = config file only
  std::string type;  // human-readable type: string, date, int, float, list of …
  std::string doc;   // one sentence; the unit and the source of a default when it has one
  std::function<void(Config&, const toml::node&)> from_toml;  // throws std::invalid_argument
  std::function<void(Config&, const std::string&)> from_text;  // CLI value; throws std::invalid_argument
  std::function<std::string(const Config&)> to_toml;           // value as a TOML literal
};

const std::vector<Parameter>& parameters();

// Reads a TOML config (or none: built-in defaults), then applies the
// command-line overrides (flag → text), then validates. Throws ConfigError
// naming the file and the key on any problem, including unknown keys (a typo
// must not silently fall back to a default).
Config load_config(const std::string& config_path,
                   const std::map<std::string, std::string>& overrides = {});
// The same from TOML text in memory (the fuzz target's entry point);
// source_name names it in messages and its folder resolves relative paths.
Config load_config_text(const std::string& toml_text, const std::string& source_name,
                        const std::map<std::string, std::string>& overrides = {});

// Throws ConfigError describing the first invalid value.
void validate(const Config& config);

// The full effective configuration as TOML, every key with its doc comment.
std::string to_toml(const Config& config);

}  // namespace paddymrv
