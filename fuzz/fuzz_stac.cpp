// libFuzzer target: the STAC ItemCollection parser (pipeline/stac_catalog).
// Any input must end in a Catalog or an InputError naming the file; every
// other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/stac_catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace paddymrv;
  static const CatalogOptions options{*parse_iso_date("2026-02-01"), *parse_iso_date("2026-06-15"), 30, false};
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const Catalog cat = parse_stac_catalog(text, "/fuzz/items.json", options);
    for (const auto& s : cat.scenes) {
      if (s.status != SceneStatus::used && s.reason.empty()) __builtin_trap();  // every rejection says why
    }
  } catch (const InputError& e) {
    if (std::string(e.what()).find("/fuzz/items.json") == std::string::npos) __builtin_trap();
  }
  return 0;
}
