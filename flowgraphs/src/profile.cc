#include "profile.h"
#include "yaml_section.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace groundlink::app {
namespace {

uint64_t parse_hex_marker(Section& s, const std::string& key, uint64_t def, int* bits) {
  if (!s.has(key)) return def;
  std::string v = s.str(key, "");
  if (v.rfind("0x", 0) == 0 || v.rfind("0X", 0) == 0) v = v.substr(2);
  if (v.empty() || v.size() > 16 || v.size() % 2 != 0 ||
      v.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    s.fail(s.field(key), "must be 1 to 8 bytes of hex (e.g. 1ACFFC1D)");
  *bits = static_cast<int>(v.size() * 4);
  return std::stoull(v, nullptr, 16);
}

std::vector<std::filesystem::path> profile_dirs() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("GROUNDLINK_PROFILE_PATH")) dirs.emplace_back(env);
  dirs.emplace_back(GROUNDLINK_SOURCE_PROFILE_DIR);
  dirs.emplace_back(GROUNDLINK_PROFILE_DIR);
  return dirs;
}

}  // namespace

double Profile::information_rate() const {
  double r = 1.0;
  if (conv.enabled) {
    if (conv.rate == "1/2") r = 0.5;
    else if (conv.rate == "2/3") r = 2.0 / 3;
    else if (conv.rate == "3/4") r = 0.75;
    else if (conv.rate == "5/6") r = 5.0 / 6;
    else if (conv.rate == "7/8") r = 7.0 / 8;
  }
  const double cb = codeblock_bytes();
  return r * frame.length / (cb + frame.asm_bits / 8.0);
}

int Profile::codeblock_bytes() const {
  if (!rs.enabled) return frame.length;
  return frame.length + rs.interleave * 2 * rs.e;
}

Profile parse_profile(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ": not valid YAML: " + e.what());
  }
  if (!root || !root.IsMap()) throw ProfileError(origin + ": a profile must be a YAML mapping");
  Section top(root, "", origin);
  Profile p;
  p.name = top.str("name", "");
  p.description = top.str("description", "");

  Section mod = top.section("modulation");
  p.modulation.type = mod.str("type", "bpsk", {"bpsk", "qpsk", "oqpsk"});
  p.modulation.symbol_rate = mod.num("symbol_rate", 1.0e6, 1.0, 1.0e9);
  p.modulation.rolloff = mod.num("rolloff", 0.35, 0.1, 1.0);
  p.modulation.samples_per_symbol = mod.integer("samples_per_symbol", 4, 2, 8);
  p.modulation.carrier_loop_bw = mod.num("carrier_loop_bw", p.modulation.carrier_loop_bw, 1e-5, 0.05);
  p.modulation.timing_loop_bw = mod.num("timing_loop_bw", 0.001, 1e-5, 0.02);
  p.modulation.acquisition_range = mod.num("acquisition_range", 0.02, 0.0, 0.25);
  p.modulation.demod_threads = mod.integer("demod_threads", 1, 1, 16);
  mod.finish();

  Section coding = top.section("coding");
  if (coding.has("convolutional")) {
    Section cv = coding.section("convolutional");
    p.conv.enabled = true;
    p.conv.rate = cv.str("rate", "1/2", {"1/2", "2/3", "3/4", "5/6", "7/8"});
    // 131.0-B-4 §3.5: the punctured codes are built on the code without the G2 inverter.
    p.conv.invert_g2 = cv.boolean("invert_g2", p.conv.rate == "1/2");
    cv.finish();
  }
  p.randomizer = coding.boolean("randomizer", true);
  p.nrzm = coding.boolean("nrzm", false);
  if (coding.has("reed_solomon")) {
    Section rs = coding.section("reed_solomon");
    p.rs.enabled = true;
    p.rs.e = rs.integer("e", 16, 8, 16);
    if (p.rs.e != 8 && p.rs.e != 16) rs.fail(rs.field("e"), "must be 16 (RS(255,223)) or 8 (RS(255,239))");
    p.rs.interleave = rs.integer("interleave", 1, 1, 8);
    p.rs.dual_basis = rs.str("basis", "dual", {"dual", "conventional"}) == "dual";
    p.rs.virtual_fill = rs.integer("virtual_fill", 0, 0, 254 - 2 * p.rs.e);
    rs.finish();
  }
  coding.finish();

  Section fr = top.section("frame");
  p.frame.format = fr.str("format", "tm", {"tm", "aos", "none"});
  p.frame.asm_marker = parse_hex_marker(fr, "asm", 0x1ACFFC1D, &p.frame.asm_bits);
  p.frame.fecf = fr.boolean("fecf", false);
  p.frame.ocf = fr.boolean("ocf", false);
  if (fr.has("scid")) p.frame.scid = fr.integer("scid", 0, 0, p.frame.format == "tm" ? 1023 : 255);
  if (p.rs.enabled) {
    const int max_len = p.rs.interleave * (255 - 2 * p.rs.e - p.rs.virtual_fill);
    p.frame.length = fr.integer("length", max_len, 8, 65535);
    if (p.frame.length != max_len)
      fr.fail(fr.field("length"), "is " + std::to_string(p.frame.length) + "; with reed_solomon interleave " +
                                      std::to_string(p.rs.interleave) + " and virtual_fill " +
                                      std::to_string(p.rs.virtual_fill) + " it must be " + std::to_string(max_len));
  } else {
    p.frame.length = fr.integer("length", 1115, 8, 65535);
  }
  fr.finish();

  Section sy = top.section("sync");
  p.sync.search_errors = sy.integer("search_errors", p.sync.search_errors, 0, p.frame.asm_bits / 4);
  p.sync.lock_errors = sy.integer("lock_errors", p.sync.lock_errors, 0, p.frame.asm_bits / 2);
  p.sync.check_frames = sy.integer("check_frames", p.sync.check_frames, 0, 16);
  p.sync.flywheel_frames = sy.integer("flywheel_frames", p.sync.flywheel_frames, 0, 64);
  p.sync.bit_slip = sy.integer("bit_slip", p.sync.bit_slip, 0, 8);
  sy.finish();

  // Blocks that belong to other parts of the station configuration are ignored only by name.
  top.raw("sle");
  top.raw("source");
  top.finish();
  return p;
}

Profile load_profile(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  fs::path path;
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".yaml");
  if (is_path) {
    path = name_or_path;
  } else {
    for (const auto& d : profile_dirs()) {
      fs::path c = d / (name_or_path + ".yaml");
      if (fs::exists(c)) {
        path = c;
        break;
      }
    }
    if (path.empty()) {
      std::string list;
      for (const auto& n : profile_names()) list += (list.empty() ? "" : ", ") + n;
      throw ProfileError("profile '" + name_or_path + "' not found; known profiles: " + list);
    }
  }
  std::ifstream f(path);
  if (!f) throw ProfileError("cannot read profile file " + path.string());
  std::stringstream ss;
  ss << f.rdbuf();
  Profile p = parse_profile(ss.str(), path.string());
  if (p.name.empty()) p.name = path.stem().string();
  return p;
}

std::vector<std::string> profile_names() {
  std::set<std::string> names;
  for (const auto& d : profile_dirs()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(d, ec))
      if (e.path().extension() == ".yaml") names.insert(e.path().stem().string());
  }
  return {names.begin(), names.end()};
}

}  // namespace groundlink::app
