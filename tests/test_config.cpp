#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <toml++/toml.h>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/parameters.hpp"
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
