#include "sle/cltu.h"

#include <array>
#include <cstring>

namespace groundlink::sle {

uint8_t bch_parity(const uint8_t* info) {
  // Remainder of m(x)·x^7 divided by g(x) = x^7+x^6+x^2+1, shifted through a 7-bit register.
  uint8_t r = 0;
  for (int i = 0; i < 7; ++i) {
    for (int b = 7; b >= 0; --b) {
      const uint8_t in = static_cast<uint8_t>((info[i] >> b) & 1);
      const uint8_t fb = static_cast<uint8_t>(((r >> 6) & 1) ^ in);
      r = static_cast<uint8_t>((r << 1) & 0x7f);
      if (fb) r ^= 0x45;  // x^6 + x^2 + 1 (the x^7 term leaves the register)
    }
  }
  // §5.3.2.3: parity bits complemented; the eighth bit is the zero filler.
  return static_cast<uint8_t>(((~r) & 0x7f) << 1);
}

std::vector<uint8_t> cltu_encode(const uint8_t* data, size_t n) {
  const size_t blocks = (n + 6) / 7;
  std::vector<uint8_t> out;
  out.reserve(2 + blocks * 8 + 8);
  out.insert(out.end(), kCltuStart, kCltuStart + 2);
  for (size_t b = 0; b < blocks; ++b) {
    uint8_t info[7];
    for (size_t i = 0; i < 7; ++i) {
      const size_t k = b * 7 + i;
      info[i] = k < n ? data[k] : kCltuFill;
    }
    out.insert(out.end(), info, info + 7);
    out.push_back(bch_parity(info));
  }
  out.insert(out.end(), kCltuTail, kCltuTail + 8);
  return out;
}

namespace {
// Syndrome of a received block (0 = valid): parity recomputed and compared, filler bit included.
uint8_t syndrome(const uint8_t* block) { return static_cast<uint8_t>(bch_parity(block) ^ block[7]); }

// Syndrome of every single-bit error position (63 code bits + filler), computed once.
struct SyndromeTable {
  std::array<int, 256> pos;
  SyndromeTable() {
    pos.fill(-1);
    for (int bit = 0; bit < 64; ++bit) {
      uint8_t blk[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      blk[7] = bch_parity(blk);
      blk[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
      pos[syndrome(blk)] = bit;
    }
  }
};
}  // namespace

CltuDecodeResult cltu_decode(const uint8_t* p, size_t n, bool correct) {
  static const SyndromeTable table;
  CltuDecodeResult r;
  if (n < 2 + 8 + 8 || p[0] != kCltuStart[0] || p[1] != kCltuStart[1]) return r;
  size_t i = 2;
  for (;;) {
    if (n - i < 8) return r;
    if (std::memcmp(p + i, kCltuTail, 8) == 0) break;
    uint8_t blk[8];
    std::memcpy(blk, p + i, 8);
    const uint8_t s = syndrome(blk);
    if (s != 0) {
      const int bit = table.pos[s];
      if (!correct || bit < 0) {
        if (r.bad_block < 0) r.bad_block = r.blocks;
        return r;
      }
      blk[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
      ++r.corrected;
    }
    r.data.insert(r.data.end(), blk, blk + 7);
    ++r.blocks;
    i += 8;
  }
  r.ok = r.blocks > 0 && i + 8 == n;
  return r;
}

}  // namespace groundlink::sle
