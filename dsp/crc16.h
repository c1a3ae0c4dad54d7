// CRC-16-CCITT as used by the CCSDS Frame Error Control Field (CCSDS 132.0-B-3 §4.1.6,
// 732.0-B-4 §4.1.6): generator x^16+x^12+x^5+1 (0x1021), register preset to all ones, no
// reflection, no final XOR (CRC-16/IBM-3740). The FECF is this CRC over the frame minus its
// last two bytes, transmitted most significant byte first.
#pragma once

#include <cstddef>
#include <cstdint>

namespace groundlink::dsp {

/// CRC over n bytes, continuing from crc (0xFFFF starts a new computation). Slicing-by-8.
uint16_t crc16_ccitt(const uint8_t* data, size_t n, uint16_t crc = 0xFFFF);

/// Bitwise reference (one bit per step), for tests.
uint16_t crc16_ccitt_bitwise(const uint8_t* data, size_t n, uint16_t crc = 0xFFFF);

/// True when the last two bytes of frame (n >= 2) equal the CRC of the n-2 bytes before them.
bool fecf_ok(const uint8_t* frame, size_t n);

}  // namespace groundlink::dsp
