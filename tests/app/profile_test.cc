// Profiles: the shipped ones load, and bad fields are refused with the field path and range.
#include <gtest/gtest.h>

#include <algorithm>

#include "profile.h"

using groundlink::app::load_profile;
using groundlink::app::parse_profile;
using groundlink::app::Profile;
using groundlink::app::ProfileError;
using groundlink::app::profile_names;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_profile(yaml, "test.yaml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Profile, ShippedProfilesLoad) {
  const auto names = profile_names();
  for (const char* n : {"ccsds-concatenated", "snpp", "snpp-cadu", "bluewalker3"}) {
    ASSERT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    EXPECT_NO_THROW(load_profile(n)) << n;
  }
}

TEST(Profile, ConcatenatedRatesFollowTheCode) {
  const Profile p = load_profile("ccsds-concatenated");
  EXPECT_TRUE(p.conv.enabled);
  EXPECT_TRUE(p.rs.enabled);
  EXPECT_EQ(p.rs.interleave, 5);
  EXPECT_EQ(p.frame.length, 1115);
  EXPECT_EQ(p.codeblock_bytes(), 1275);
  // 1/2 x 1115 / (1275 + 4)
  EXPECT_NEAR(p.information_rate(), 0.5 * 1115.0 / 1279.0, 1e-12);
  const Profile s = load_profile("snpp");
  EXPECT_EQ(s.codeblock_bytes(), 1020);
  EXPECT_EQ(s.frame.format, "aos");
  ASSERT_TRUE(s.frame.scid.has_value());
  EXPECT_EQ(*s.frame.scid, 157);
}

TEST(Profile, UnknownFieldIsNamed) {
  const std::string e = error_of("frame: {format: tm, lenght: 100}\n");
  EXPECT_NE(e.find("frame.lenght"), std::string::npos) << e;
  EXPECT_NE(e.find("not a known field"), std::string::npos) << e;
}

TEST(Profile, OutOfRangeNamesFieldAndRange) {
  const std::string e = error_of("coding: {reed_solomon: {interleave: 9}}\n");
  EXPECT_NE(e.find("coding.reed_solomon.interleave"), std::string::npos) << e;
  EXPECT_NE(e.find("[1, 8]"), std::string::npos) << e;
}

TEST(Profile, BadEnumListsAllowedValues) {
  const std::string e = error_of("coding: {convolutional: {rate: 4/5}}\n");
  EXPECT_NE(e.find("coding.convolutional.rate"), std::string::npos) << e;
  EXPECT_NE(e.find("7/8"), std::string::npos) << e;
  const std::string m = error_of("modulation: {type: 8psk}\n");
  EXPECT_NE(m.find("modulation.type"), std::string::npos) << m;
}

TEST(Profile, FrameLengthMustMatchRsCodeblock) {
  const std::string e = error_of("coding: {reed_solomon: {interleave: 4}}\nframe: {length: 1115}\n");
  EXPECT_NE(e.find("frame.length"), std::string::npos) << e;
  EXPECT_NE(e.find("892"), std::string::npos) << e;
}

TEST(Profile, BadAsmAndNotANumber) {
  EXPECT_NE(error_of("frame: {asm: 1ACFZZ1D}\n").find("frame.asm"), std::string::npos);
  EXPECT_NE(error_of("modulation: {symbol_rate: fast}\n").find("modulation.symbol_rate"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]\n").find("mapping"), std::string::npos);
}

TEST(Profile, UnknownProfileNameListsKnownOnes) {
  try {
    load_profile("no-such-mission");
    FAIL();
  } catch (const ProfileError& e) {
    EXPECT_NE(std::string(e.what()).find("bluewalker3"), std::string::npos) << e.what();
  }
}
