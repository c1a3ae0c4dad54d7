#include "dsp/crc16.h"

#include <array>

namespace groundlink::dsp {
namespace {

// Slicing-by-8 tables: t[k][b] is the CRC contribution of byte b followed by k zero bytes.
struct Tables {
  std::array<std::array<uint16_t, 256>, 8> t{};
  Tables() {
    for (int b = 0; b < 256; ++b) {
      uint16_t c = static_cast<uint16_t>(b << 8);
      for (int i = 0; i < 8; ++i) c = static_cast<uint16_t>(c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1);
      t[0][b] = c;
    }
    for (int k = 1; k < 8; ++k)
      for (int b = 0; b < 256; ++b)
        t[k][b] = static_cast<uint16_t>(t[k - 1][b] << 8 ^ t[0][t[k - 1][b] >> 8]);
  }
};

const Tables& tables() {
  static const Tables tb;
  return tb;
}

}  // namespace

uint16_t crc16_ccitt(const uint8_t* p, size_t n, uint16_t crc) {
  const auto& t = tables().t;
  while (n >= 8) {
    // The 16-bit register overlaps the first two bytes of the 8-byte group.
    const uint8_t b0 = static_cast<uint8_t>(p[0] ^ (crc >> 8));
    const uint8_t b1 = static_cast<uint8_t>(p[1] ^ (crc & 0xFF));
    crc = static_cast<uint16_t>(t[7][b0] ^ t[6][b1] ^ t[5][p[2]] ^ t[4][p[3]] ^ t[3][p[4]] ^
                                t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]]);
    p += 8;
    n -= 8;
  }
  while (n--) crc = static_cast<uint16_t>(crc << 8 ^ t[0][(crc >> 8 ^ *p++) & 0xFF]);
  return crc;
}

uint16_t crc16_ccitt_bitwise(const uint8_t* p, size_t n, uint16_t crc) {
  for (size_t i = 0; i < n; ++i) {
    crc = static_cast<uint16_t>(crc ^ p[i] << 8);
    for (int b = 0; b < 8; ++b)
      crc = static_cast<uint16_t>(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

bool fecf_ok(const uint8_t* frame, size_t n) {
  if (n < 2) return false;
  const uint16_t c = crc16_ccitt(frame, n - 2);
  return frame[n - 2] == (c >> 8) && frame[n - 1] == (c & 0xFF);
}

}  // namespace groundlink::dsp
