#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <toml++/toml.h>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/methane_writer.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/run_job.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {
fs::path write_file(const std::string& name, const std::string& text) {
  static const fs::path dir = test::fresh_dir("cfg");
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST(Config, DefaultsAreValidAndDocumented) {
  const Config c = load_config("");
  EXPECT_EQ(c.grid_crs, "EPSG:32648");
  EXPECT_EQ(c.classes.size(), 12u);
  for (const auto& p : parameters()) {
    EXPECT_FALSE(p.doc.empty()) << p.key;
    EXPECT_NE(p.key.find('.'), std::string::npos) << p.key;
  }
}

// Every setting of the flood-cycle detector is in the config (issue #3:
// "whatever stays configurable lives in the config"), and the config's
// defaults are the kernel's: the two declarations cannot drift apart.
TEST(Config, FloodCycleSettingsAreTheKernelsDefaultsAndReachIt) {
  // Field by field (defaulted ==): a config default that differs from the
  // kernel's fails here.
  EXPECT_TRUE(flood_cycle_params(load_config("")) == kernels::FloodCycleParams{});
  const auto set = flood_cycle_params(load_config("", {{"water_regime.closure_fraction", "0.6"},
                                                       {"water_regime.harvest_drop_db", "4"},
                                                       {"water_regime.max_gap_factor", "2"}}));
  EXPECT_EQ(set.closure_fraction, 0.6);
  EXPECT_EQ(set.harvest_drop_db, 4.0);
  EXPECT_EQ(set.max_gap_factor, 2.0);
  EXPECT_THROW(load_config("", {{"water_regime.closure_fraction", "0"}}), ConfigError);
  EXPECT_THROW(load_config("", {{"water_regime.onset_drop_db", "-1"}}), ConfigError);
}

TEST(Config, ReadsFileAndCommandLineOverridesIt) {
  const auto p = write_file("a.toml",
                            "[season]\nname = \"2026-main\"\nstart = 2026-06-01\nend = \"2026-10-31\"\n"
                            "[grid]\nresolution = 20\nextent = [0, 0, 1000, 500]\n"
                            "[inputs]\nitems = \"scenes/items.json\"\n");
  const Config c = load_config(p.string(), {{"season-end", "2026-10-15"}});
  EXPECT_EQ(c.season_name, "2026-main");
  EXPECT_EQ(c.season_start, "2026-06-01");  // unquoted TOML date accepted
  EXPECT_EQ(c.season_end, "2026-10-15");    // CLI wins over the file
  EXPECT_DOUBLE_EQ(c.grid_resolution, 20.0);
  ASSERT_EQ(c.grid_extent.size(), 4u);
  EXPECT_EQ(c.resolve(c.items), p.parent_path() / "scenes/items.json");
}

TEST(Config, EffectiveTomlRoundTrips) {
  Config c = load_config("", {{"season-name", "x \"quoted\""}, {"grid-resolution", "30"}, {"s2-usable-scl", "4,5"}});
  const auto p = write_file("round.toml", to_toml(c));
  const Config d = load_config(p.string());
  EXPECT_EQ(d.season_name, "x \"quoted\"");
  EXPECT_DOUBLE_EQ(d.grid_resolution, 30.0);
  EXPECT_EQ(d.s2_usable_scl, (std::vector<int>{4, 5}));
  EXPECT_EQ(to_toml(d), to_toml(c));
}

TEST(Config, ErrorsNameTheFileAndKey) {
  const auto typo = write_file("typo.toml", "[season]\nstrat = \"2026-01-01\"\n");
  try {
    load_config(typo.string());
    FAIL() << "unknown key accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("typo.toml"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("season.strat"), std::string::npos);
    EXPECT_EQ(e.exit_code(), kExitConfigError);
  }
  const auto bad = write_file("bad.toml", "[season\nname=1");
  EXPECT_THROW(load_config(bad.string()), ConfigError);
  const auto wrong_type = write_file("type.toml", "[grid]\nresolution = \"ten\"\n");
  EXPECT_THROW(load_config(wrong_type.string()), ConfigError);
  EXPECT_THROW(load_config((fs::temp_directory_path() / "no-such-config.toml").string()), ConfigError);
  EXPECT_THROW(load_config("", {{"season-start", "2026-02-30"}}), ConfigError);
  EXPECT_THROW(load_config("", {{"season-start", "2026-07-01"}, {"season-end", "2026-06-01"}}), ConfigError);
  EXPECT_THROW(load_config("", {{"s1-resampling", "cubic"}}), ConfigError);
  EXPECT_THROW(load_config("", {{"no-such-flag", "1"}}), ConfigError);
  const auto renamed = write_file("cls.toml", "[[classes]]\ncode = 1\nname = \"paddy\"\n");
  EXPECT_THROW(load_config(renamed.string()), ConfigError);  // fixed codes keep their names
}

TEST(Config, ClassTableMayBeExtended) {
  std::string text;
  for (const auto& k : Config::default_classes()) text += "[[classes]]\ncode = " + std::to_string(k.code) + "\nname = \"" + k.name + "\"\n";
  text += "[[classes]]\ncode = 13\nname = \"coffee\"\n";
  const Config c = load_config(write_file("ext.toml", text).string());
  ASSERT_EQ(c.classes.size(), 13u);
  EXPECT_EQ(c.classes.back().name, "coffee");
}

TEST(Dates, ParsesIsoAndRfc3339) {
  using namespace std::chrono;
  EXPECT_EQ(parse_iso_date("2026-02-01"), sys_days{year{2026} / 2 / 1});
  EXPECT_FALSE(parse_iso_date("2026-13-01"));
  EXPECT_FALSE(parse_iso_date("2026-2-1"));
  const auto t = parse_rfc3339("2026-02-03T22:47:12.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-02-03T22:47:12Z");
  const auto tz = parse_rfc3339("2026-02-04T05:47:12+07:00");
  ASSERT_TRUE(tz);
  EXPECT_EQ(format_rfc3339(*tz), "2026-02-03T22:47:12Z");
  EXPECT_FALSE(parse_rfc3339("2026-02-03 noon"));
}

TEST(Config, CommuneMethaneOverridesParseAndRoundTrip) {
  const auto p = write_file("straw.toml",
                            "[[methane_commune]]\ncode = \"08.001.02\"\namendment_rates = [6.0]\n"
                            "amendment_cfoa = [1.0]\nsource = \"2026 straw survey\"\n");
  const Config c = load_config(p.string());
  ASSERT_EQ(c.methane_communes.size(), 1u);
  EXPECT_EQ(c.methane_communes[0].code, "08.001.02");
  EXPECT_EQ(c.methane_communes[0].amendment_rates, (std::vector<double>{6.0}));
  const Config d = load_config(write_file("straw2.toml", to_toml(c)).string());
  ASSERT_EQ(d.methane_communes.size(), 1u);
  EXPECT_EQ(d.methane_communes[0].source, "2026 straw survey");
  EXPECT_THROW(load_config(write_file("bad_straw.toml", "[[methane_commune]]\ncode = \"x\"\namendment_rates = [1, 2]\n"
                                                        "amendment_cfoa = [0.17]\n")
                               .string()),
               ConfigError);
  EXPECT_THROW(load_config(write_file("typo_straw.toml", "[[methane_commune]]\ncode = \"x\"\nrate = 1\n").string()),
               ConfigError);
}

TEST(Config, CfoaRangesAreOptionalPairsBracketingTheirValues) {
  const auto p = write_file("cfoa.toml",
                            "[methane]\namendment_rates = [5.0, 2.0]\namendment_cfoa = [0.17, 0.21]\n"
                            "amendment_cfoa_low = [0.09, 0.15]\namendment_cfoa_high = [0.29, 0.28]\n"
                            "[[methane_commune]]\ncode = \"c1\"\namendment_rates = [6.0]\namendment_cfoa = [1.0]\n"
                            "amendment_cfoa_low = [0.85]\namendment_cfoa_high = [1.17]\n");
  const Config c = load_config(p.string());
  EXPECT_EQ(c.amendment_cfoa_high, (std::vector<double>{0.29, 0.28}));
  const Config d = load_config(write_file("cfoa2.toml", to_toml(c)).string());
  EXPECT_EQ(d.amendment_cfoa_low, c.amendment_cfoa_low);
  ASSERT_EQ(d.methane_communes.size(), 1u);
  EXPECT_EQ(d.methane_communes[0].amendment_cfoa_low, std::vector<double>{0.85});
  EXPECT_EQ(d.methane_communes[0].amendment_cfoa_high, std::vector<double>{1.17});
  // The factors handed to the Monte Carlo carry the ranges.
  const auto f = commune_factors(d, {"c0", "c1"});
  EXPECT_DOUBLE_EQ(f[0].factors.amendments[1].cfoa.low, 0.15);
  EXPECT_DOUBLE_EQ(f[1].factors.amendments[0].cfoa.high, 1.17);
  // Errors: one end only, wrong count, a value outside its range.
  const auto fails = [](const std::string& name, const std::string& text, const std::string& key) {
    try {
      load_config(write_file(name, text).string());
      ADD_FAILURE() << name << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  fails("cfoa_one_end.toml", "[methane]\namendment_rates = [5.0]\namendment_cfoa = [0.17]\namendment_cfoa_low = [0.09]\n",
        "amendment_cfoa_low");
  fails("cfoa_outside.toml",
        "[methane]\namendment_rates = [5.0]\namendment_cfoa = [0.17]\namendment_cfoa_low = [0.2]\n"
        "amendment_cfoa_high = [0.3]\n",
        "amendment_cfoa_low");
  fails("cfoa_commune.toml",
        "[[methane_commune]]\ncode = \"x\"\namendment_rates = [6.0]\namendment_cfoa = [1.0]\n"
        "amendment_cfoa_low = [0.85, 0.9]\namendment_cfoa_high = [1.17, 1.2]\n",
        "methane_commune x");
}

TEST(Config, NationalEmissionFactorsApplyByRegionAndSeasonWithTheirSource) {
  const std::string table =
      "[methane]\nregion = \"north\"\nseason_type = \"late\"\n"
      "[[emission_factor]]\nregion = \"north\"\nseason_type = \"early\"\nef_c = 2.21\nef_c_range = [1.5, 3.28]\n"
      "source = \"VN Tier 2 North early\"\n"
      "[[emission_factor]]\nregion = \"north\"\nseason_type = \"late\"\nef_c = 3.89\nef_c_range = [2.65, 5.77]\n"
      "source = \"VN Tier 2 North late\"\n"
      "[[emission_factor]]\nregion = \"south\"\nseason_type = \"late\"\nef_c = 2.5\nef_c_range = [2.0, 3.0]\n"
      "source = \"VN Tier 2 South late\"\n"
      "[[emission_factor]]\nregion = \"south\"\nseason_type = \"early\"\nef_c = 1.9\nef_c_range = [1.5, 2.5]\n"
      "source = \"VN Tier 2 South early\"\n"
      "[[methane_commune]]\ncode = \"B\"\nregion = \"south\"\n";
  const Config c = load_config(write_file("tier2.toml", table).string());
  ASSERT_EQ(c.emission_factors.size(), 4u);
  // Commune A takes the province's region and the run's season type; B its own region.
  const auto f = commune_factors(c, {"A", "B", "C"});
  ASSERT_EQ(f.size(), 3u);
  EXPECT_DOUBLE_EQ(f[0].factors.ef_c.value, 3.89);
  EXPECT_DOUBLE_EQ(f[0].factors.ef_c.low, 2.65);
  EXPECT_DOUBLE_EQ(f[0].factors.ef_c.high, 5.77);
  EXPECT_NE(f[0].note.find("VN Tier 2 North late"), std::string::npos) << f[0].note;
  EXPECT_DOUBLE_EQ(f[1].factors.ef_c.value, 2.5);
  EXPECT_NE(f[1].note.find("VN Tier 2 South late"), std::string::npos) << f[1].note;
  EXPECT_TRUE(f[1].factors.amendments.empty());  // a region-only override keeps the province amendments (none)
  EXPECT_DOUBLE_EQ(f[2].factors.ef_c.value, 3.89);
  // The early season picks the other entry; no region keeps the IPCC default.
  EXPECT_DOUBLE_EQ(commune_factors(load_config(write_file("tier2e.toml", table).string(), {{"methane.season_type", "early"}}),
                                   {"A"})[0].factors.ef_c.value,
                   2.21);
  Config ipcc = load_config(write_file("tier2none.toml", table).string(), {{"methane.region", ""}});
  const auto d = commune_factors(ipcc, {"A"});
  EXPECT_DOUBLE_EQ(d[0].factors.ef_c.value, 1.22);
  EXPECT_NE(d[0].note.find("IPCC 2019 Refinement Vol. 4 Table 5.11"), std::string::npos) << d[0].note;

  // Round trip through the effective config (what the result stores).
  const Config back = load_config(write_file("tier2back.toml", to_toml(c)).string());
  ASSERT_EQ(back.emission_factors.size(), 4u);
  EXPECT_EQ(back.emission_factors[1].source, "VN Tier 2 North late");
  EXPECT_EQ(back.methane_communes.at(0).region, "south");
  EXPECT_EQ(back.methane_region, "north");

  // Errors name the entry: a region with no factor for the season, a factor without its source.
  EXPECT_THROW(load_config(write_file("tier2bad.toml", table).string(), {{"methane.season_type", "spring"}}),
               ConfigError);
  EXPECT_THROW(load_config(write_file("tier2nosrc.toml",
                                      "[[emission_factor]]\nregion = \"x\"\nseason_type = \"y\"\nef_c = 2\n"
                                      "ef_c_range = [1, 3]\n")
                               .string()),
               ConfigError);
  EXPECT_THROW(load_config(write_file("tier2range.toml",
                                      "[[emission_factor]]\nregion = \"x\"\nseason_type = \"y\"\nef_c = 2\n"
                                      "ef_c_range = [2.5, 3]\nsource = \"s\"\n")
                               .string()),
               ConfigError);
}

TEST(Config, ProvinceConfigUsesTheNationalFactorForItsSeason) {
  const Config c = load_config(std::string(PADDYMRV_SOURCE_DIR) + "/config/laocai.toml");
  const auto f = commune_factors(c, {"VNM.39.1.1_1"});
  EXPECT_DOUBLE_EQ(f[0].factors.ef_c.value, 3.89);  // North, late season (main crop)
  EXPECT_NEAR(c.target_low_emission_share, 0.70, 1e-12);
  EXPECT_NEAR(c.target_emission_reduction, 0.15, 1e-12);
}
