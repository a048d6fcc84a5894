#include "pipeline/sim_samples.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "kernels/sim_random.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;

namespace {

template <class T>
void shuffle(std::vector<T>& v, ks::Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(i) - 1))]);
}

}  // namespace

std::vector<ReferenceSample> choose_reference(const SimWorld& world, const SimulationParams& p) {
  // Candidates by preference: whole fields inside the area; 1-px paths (a
  // poor sample of their class); the inside part of fields cut by the
  // area's edge — so that every class present gets samples.
  struct Candidate {
    const SimField* field;
    PixelRect rect;
  };
  std::map<int, std::vector<Candidate>> by_class, thin_by_class, edge_by_class;
  for (const SimField& f : world.fields()) {
    const PixelRect clipped = world.clip_to_area(f.rect);
    if (clipped.area() == 0) continue;
    if (!world.inside_area(f.rect)) edge_by_class[f.cls].push_back({&f, clipped});
    else (f.rect.w >= 2 && f.rect.h >= 2 ? by_class : thin_by_class)[f.cls].push_back({&f, f.rect});
  }
  for (auto* fallback : {&thin_by_class, &edge_by_class})
    for (auto& [cls, list] : *fallback)
      if (by_class[cls].empty()) by_class[cls] = list;

  std::vector<ReferenceSample> out;
  for (auto& [cls, fields] : by_class) {
    if (fields.empty()) continue;
    ks::Rng rng(p.seed, {ks::kStreamReference, static_cast<std::uint64_t>(cls)});
    shuffle(fields, rng);
    const int n = static_cast<int>(fields.size());
    const int k = std::min(n, std::max(p.reference_min_per_class,
                                       static_cast<int>(std::lround(p.reference_fraction * n))));
    int n_val = static_cast<int>(std::lround(p.validation_fraction * k));
    // Both splits get at least one sample when the class has two and both are wanted.
    if (k >= 2 && p.validation_fraction > 0 && p.validation_fraction < 1) n_val = std::clamp(n_val, 1, k - 1);
    for (int i = 0; i < k; ++i) {
      const Candidate& cand = fields[static_cast<std::size_t>(i)];
      const SimField& f = *cand.field;
      ReferenceSample s{f.id, f.cls, i < n_val, cand.rect};
      // Analysts often digitise the inside of a field, away from the mixed
      // pixels of real imagery: half of the larger fields get an inner rectangle.
      const bool inner = rng.bernoulli(0.5);
      const PixelRect& r = cand.rect;
      if (inner && r.w >= 5 && r.h >= 5) {
        const int w = rng.uniform_int(3, r.w - 2), h = rng.uniform_int(3, r.h - 2);
        s.rect.x = r.x + rng.uniform_int(1, r.w - 1 - w);
        s.rect.y = r.y + rng.uniform_int(1, r.h - 1 - h);
        s.rect.w = w;
        s.rect.h = h;
      }
      out.push_back(s);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.field_id < b.field_id; });
  return out;
}

std::vector<Claim> choose_claims(const SimWorld& world, const SimulationParams& p) {
  ks::Rng rng(p.seed, {ks::kStreamClaims, 0});
  std::vector<Claim> out;
  std::vector<const SimField*> not_awd;
  int n_awd = 0;
  for (const SimField& f : world.fields()) {
    // A claim is a field a farmer can point at: rice, wholly in the area, ≥ 6 px.
    if (!f.is_rice() || !world.inside_area(f.rect) || f.rect.area() < 6) continue;
    const double u = rng.unit();  // one draw per candidate keeps the stream aligned
    switch (f.regime()) {
      case ks::Regime::multiple_drainage:
        if (u < p.claim_fraction) {
          out.push_back({"", "AWD", f.id, true});
          ++n_awd;
        }
        break;
      case ks::Regime::continuously_flooded:
        if (u < p.cf_claim_fraction) out.push_back({"", "CF", f.id, true});
        else not_awd.push_back(&f);
        break;
      default:
        not_awd.push_back(&f);
    }
  }
  // False AWD claims: fraction f of all AWD claims ⇒ n_false = n_true·f/(1−f).
  const double f = p.false_claim_fraction;
  std::size_t n_false = static_cast<std::size_t>(std::lround(n_awd * f / (1.0 - f)));
  if (n_awd == 0 && f > 0 && !not_awd.empty()) n_false = 1;  // a tiny area still gets one to check
  shuffle(not_awd, rng);
  for (std::size_t i = 0; i < std::min(n_false, not_awd.size()); ++i)
    out.push_back({"", "AWD", not_awd[i]->id, false});
  std::sort(out.begin(), out.end(), [](const Claim& a, const Claim& b) { return a.field_id < b.field_id; });
  for (std::size_t i = 0; i < out.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "C%04zu", i + 1);
    out[i].claim_id = id;
  }
  return out;
}

}  // namespace paddymrv::sim
