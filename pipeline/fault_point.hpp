#pragma once
// Test-only fault injection. With PADDYMRV_FAULT_POINT=name[:n] in the
// environment, the n-th call (default the first) of fault_point("name")
// raises SIGKILL on the process itself: the process dies as if an operator
// had run `kill -9` at exactly that point, with no unwinding, no destructor,
// no flush. tests/test_faults.cpp uses it to prove that a killed run never
// damages the previous result and never stops the next run.
//
// Named points (grep fault_point( for the exact places):
//   after_catalog  catalogue read and scenes checked; nothing written yet
//   after_lock     output lock taken, stale temporaries removed; no file made
//   after_block    a block's maps written into the temporary file (n-th block)
//   mid_write      commit(): maps flushed, HDF5 file not yet closed
//   before_rename  commit(): temporary file complete and fsynced, not renamed
//   after_rename   commit(): new result renamed into place, directory not synced
//
// The variable is read once; unset (production) the cost is one branch.
// Never set it in a crontab or a unit file.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>
#include <string_view>

namespace paddymrv {

inline void fault_point(std::string_view name) {
  struct Spec {
    std::string name;
    long hit = 1;
  };
  static Spec spec = [] {
    Spec s;
    if (const char* v = std::getenv("PADDYMRV_FAULT_POINT")) {
      const std::string text(v);
      const auto colon = text.find(':');
      s.name = text.substr(0, colon);
      if (colon != std::string::npos) s.hit = std::max(1L, std::atol(text.c_str() + colon + 1));
    }
    return s;
  }();
  static std::atomic<long> seen{0};
  if (spec.name.empty() || name != spec.name) return;
  if (seen.fetch_add(1) + 1 == spec.hit) std::raise(SIGKILL);
}

}  // namespace paddymrv
