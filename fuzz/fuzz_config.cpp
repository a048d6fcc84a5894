// libFuzzer target: the TOML config parser and validation
// (pipeline/parameters). Any input must give a Config or a ConfigError naming
// the source; the effective config it gives must load back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/errors.hpp"
#include "pipeline/parameters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace paddymrv;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const Config c = load_config_text(text, "/fuzz/paddymrv.toml");
    // Round trip: what the result stores as config_toml must load again.
    const std::string again = to_toml(c);
    if (to_toml(load_config_text(again, "/fuzz/again.toml")) != again) __builtin_trap();
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    (void)what;
  }
  return 0;
}
