#pragma once
// The audit page of a result: one self-contained HTML file (no scripts, no
// network, pictures inlined) that a verifier can open, archive and sign
// against. It shows what the result holds and where each figure comes from:
// the province line and targets, the commune table with the methane
// activity data (t × A per regime) and the factors each commune used, the
// crop areas with their intervals, every claim with its verdict, reason and
// evidence picture, every scene with its hash and status, and the effective
// configuration. Nothing is computed here that the result does not store.
#include <filesystem>
#include <string>

namespace paddymrv {

std::string audit_page_html(const std::filesystem::path& result);

// Writes the page to `out` atomically (a temporary file renamed over it).
void write_audit_page(const std::filesystem::path& result, const std::filesystem::path& out);

}  // namespace paddymrv
