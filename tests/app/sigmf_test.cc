// SigMF metadata: round trip, picosecond datetimes, and missing fields named.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sigmf.h"

using namespace groundlink::app;

namespace {
std::string temp_stem(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("groundlink_sigmf_") + name)).string();
}
}  // namespace

TEST(Sigmf, DatetimeToPicosecondsIsExact) {
  // 2000-01-01T00:00:00Z is 946684800 s after the Unix epoch.
  using groundlink::framing::Timestamp;
  EXPECT_EQ(parse_iso8601("2000-01-01T00:00:00Z"), (Timestamp{946684800, 0}));
  EXPECT_EQ(parse_iso8601("2000-01-01T00:00:00.000000000001Z"), (Timestamp{946684800, 1}));
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:01.5Z"), (Timestamp{1, 500000000000}));
  // 2024-02-29 (a leap day) 12:34:56.789 UTC = 1709210096.789 s (date -d ... +%s).
  EXPECT_EQ(parse_iso8601("2024-02-29T12:34:56.789Z"), (Timestamp{1709210096, 789000000000}));
  const Timestamp t = parse_iso8601("2026-11-22T05:00:00.123456789012Z");
  EXPECT_EQ(format_iso8601(t), "2026-11-22T05:00:00.123456789012Z");
  EXPECT_EQ(format_iso8601(t.plus_ps(-123456789013)), "2026-11-22T04:59:59.999999999999Z");
  EXPECT_THROW(parse_iso8601("22/11/2026"), SigmfError);
  EXPECT_THROW(parse_iso8601("2026-11-22T05:00:00+02:00"), SigmfError);
}

TEST(Sigmf, RoundTrip) {
  const std::string stem = temp_stem("rt");
  SigmfMeta m;
  m.datatype = "cf32_le";
  m.sample_rate = 4e6;
  m.frequency = 8.4e9;
  m.datetime = "2026-11-22T05:00:00.000000000000Z";
  m.extra = {{"frames", 100}, {"seed", 7}};
  write_sigmf_meta(stem + ".sigmf-data", m);
  const SigmfMeta r = read_sigmf_meta(stem);
  EXPECT_EQ(r.datatype, "cf32_le");
  EXPECT_DOUBLE_EQ(r.sample_rate, 4e6);
  EXPECT_DOUBLE_EQ(r.frequency, 8.4e9);
  EXPECT_EQ(r.datetime, m.datetime);
  EXPECT_EQ(r.extra["frames"], 100);
  std::remove((stem + ".sigmf-meta").c_str());
}

TEST(Sigmf, MissingFieldsAreNamed) {
  const std::string stem = temp_stem("bad");
  {
    std::ofstream f(stem + ".sigmf-meta");
    f << R"({"global": {"core:datatype": "cf32_le"}, "captures": []})";
  }
  try {
    read_sigmf_meta(stem);
    FAIL();
  } catch (const SigmfError& e) {
    EXPECT_NE(std::string(e.what()).find("core:sample_rate"), std::string::npos) << e.what();
  }
  {
    std::ofstream f(stem + ".sigmf-meta");
    f << "{ not json";
  }
  EXPECT_THROW(read_sigmf_meta(stem), SigmfError);
  std::remove((stem + ".sigmf-meta").c_str());
  EXPECT_THROW(read_sigmf_meta(stem), SigmfError);
}
