// A transfer frame as it leaves the receive chain, with the annotations SLE and the archive need.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace groundlink::framing {

/// SLE RAF/RCF frame quality (CCSDS 911.1-B §3.6.2.2).
enum class FrameQuality : uint8_t { good = 0, erred = 1, undetermined = 2 };
const char* to_string(FrameQuality q);

enum class FrameFormat : uint8_t { tm = 0, aos = 1, unknown = 2 };

/// A UTC instant with picosecond resolution: int64 picoseconds since 1970 would overflow after
/// 106 days, so whole seconds and the picoseconds within the second are kept apart.
struct Timestamp {
  int64_t seconds = 0;       ///< seconds since 1970-01-01T00:00:00Z (no leap seconds, as POSIX)
  int64_t picoseconds = 0;   ///< 0 .. 999 999 999 999
  bool operator==(const Timestamp& o) const { return seconds == o.seconds && picoseconds == o.picoseconds; }
  bool operator<(const Timestamp& o) const {
    return seconds < o.seconds || (seconds == o.seconds && picoseconds < o.picoseconds);
  }
  /// This instant plus a (possibly negative) offset in picoseconds, normalised.
  Timestamp plus_ps(int64_t ps) const {
    Timestamp t{seconds + ps / 1000000000000LL, picoseconds + ps % 1000000000000LL};
    if (t.picoseconds < 0) { t.picoseconds += 1000000000000LL; --t.seconds; }
    if (t.picoseconds >= 1000000000000LL) { t.picoseconds -= 1000000000000LL; ++t.seconds; }
    return t;
  }
};

/// Global virtual channel identifier: transfer frame version, spacecraft id, virtual channel.
struct Gvcid {
  uint8_t tfvn = 0;   ///< 0 = TM (132.0-B), 1 = AOS (732.0-B)
  uint16_t scid = 0;  ///< 10 bits TM, 8 bits AOS
  uint8_t vcid = 0;   ///< 3 bits TM, 6 bits AOS
  bool operator==(const Gvcid& o) const { return tfvn == o.tfvn && scid == o.scid && vcid == o.vcid; }
};

struct Frame {
  std::vector<uint8_t> data;     ///< the transfer frame (derandomized, RS check symbols removed)
  FrameQuality quality = FrameQuality::undetermined;
  FrameFormat format = FrameFormat::unknown;
  Gvcid gvcid;
  uint32_t vc_frame_count = 0;   ///< VC frame count (8 bits TM, 24 bits AOS)
  uint32_t mc_frame_count = 0;   ///< TM master channel frame count
  bool continuity_ok = true;     ///< VC count follows the previous frame of the same VC
  uint32_t frames_missing = 0;   ///< frames missing before this one on its VC (count gap)
  int rs_corrected = 0;          ///< RS symbols corrected (0 when no RS)
  bool rs_ok = true;             ///< every RS codeword decoded (true when no RS)
  bool fecf_present = false;
  bool fecf_ok = false;
  bool ocf_present = false;
  uint32_t ocf = 0;              ///< Operational Control Field (CLCW for TM/AOS type-1 reports)
  bool inverted = false;         ///< ASM found with inverted polarity
  bool truncated = false;        ///< the recording ended inside this frame (zero-filled, erred)
  int asm_errors = 0;            ///< bit errors in the ASM at acquisition/confirmation
  bool flywheel = false;         ///< cut where the frame length predicts, ASM not matched
  int bit_slip = 0;              ///< frame grid correction (bits) applied at this frame's ASM
  uint64_t symbol_index = 0;     ///< input symbol (or bit) index of the last ASM bit
  uint64_t sequence = 0;         ///< frame number in the pass, from 0
  Timestamp ert;                 ///< Earth-receive time (UTC)
};

}  // namespace groundlink::framing
