// Locating and reading files under tests/data (copied there with provenance and licence).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace groundlink::test {

inline std::string data_path(const std::string& rel) {
  const char* env = std::getenv("GROUNDLINK_TEST_DATA");
#ifdef GROUNDLINK_TEST_DATA_DIR
  std::string base = env ? env : GROUNDLINK_TEST_DATA_DIR;
#else
  std::string base = env ? env : "tests/data";
#endif
  return base + "/" + rel;
}

inline std::vector<uint8_t> read_bytes(const std::string& rel) {
  std::ifstream f(data_path(rel), std::ios::binary);
  if (!f) throw std::runtime_error("test data missing: " + data_path(rel));
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

/// Reads whitespace-separated hex ("1A CF FC 1D" or "1acffc1d") into bytes; '#' starts a comment.
inline std::vector<uint8_t> parse_hex(const std::string& text) {
  std::vector<uint8_t> out;
  int nib = -1;
  bool comment = false;
  for (char c : text) {
    if (c == '\n') { comment = false; continue; }
    if (comment) continue;
    if (c == '#') { comment = true; continue; }
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (nib < 0) nib = v; else { out.push_back(static_cast<uint8_t>(nib << 4 | v)); nib = -1; }
  }
  return out;
}

}  // namespace groundlink::test
