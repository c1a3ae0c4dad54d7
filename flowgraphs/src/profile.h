// Mission/station profiles (YAML): what the downlink looks like and how to decode it.
//
// A profile is looked up by name (flowgraphs/profiles/<name>.yaml, installed under
// share/groundlink/profiles) or by path. Unknown fields and out-of-range values are refused
// with a ProfileError naming the field path ("coding.reed_solomon.interleave") and what is allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace groundlink::app {

struct ProfileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ModulationProfile {
  std::string type = "bpsk";       ///< bpsk | qpsk | oqpsk
  double symbol_rate = 1.0e6;      ///< channel symbols per second
  double rolloff = 0.35;           ///< RRC excess bandwidth
  int samples_per_symbol = 4;      ///< demodulator working rate (2..8)
  double carrier_loop_bw = 0.002;  ///< Costas loop noise bandwidth Bn*Ts (2nd order: holds lock at low Es/N0)
  double timing_loop_bw = 0.001;   ///< timing loop bandwidth, fraction of symbol rate
  double acquisition_range = 0.02; ///< coarse carrier search, +- fraction of symbol rate
  /// Demodulator worker threads (1..16): above 1 the stream is demodulated in overlapping
  /// segments on that many cores and stitched seamlessly (for rates one core cannot follow).
  int demod_threads = 1;
  int bits_per_symbol() const { return type == "bpsk" ? 1 : 2; }
};

struct ConvProfile {
  bool enabled = false;
  std::string rate = "1/2";  ///< 1/2 | 2/3 | 3/4 | 5/6 | 7/8
  bool invert_g2 = true;
};

struct RsProfile {
  bool enabled = false;
  int e = 16;               ///< 16 -> (255,223), 8 -> (255,239)
  int interleave = 1;       ///< 1..8
  bool dual_basis = true;
  int virtual_fill = 0;
};

struct FrameProfile {
  std::string format = "tm";       ///< tm | aos | none (no header checks: quality undetermined)
  int length = 1115;               ///< transfer frame bytes
  uint64_t asm_marker = 0x1ACFFC1D;
  int asm_bits = 32;
  bool fecf = false;
  bool ocf = false;                ///< AOS: OCF present (TM: from the header flag)
  std::optional<int> scid;         ///< accept only this spacecraft (false-sync guard)
};

struct SyncProfile {
  int search_errors = 4;   ///< ASM bit errors accepted while searching
  int lock_errors = 8;     ///< ASM bit errors accepted at the expected position when locked
  int check_frames = 1;    ///< consecutive ASMs to confirm before lock
  int flywheel_frames = 4; ///< missed ASMs tolerated in lock before search
  int bit_slip = 1;        ///< +- bits searched around the expected ASM in lock
};

struct Profile {
  std::string name;
  std::string description;
  ModulationProfile modulation;
  ConvProfile conv;
  bool randomizer = true;
  bool nrzm = false;
  RsProfile rs;
  FrameProfile frame;
  SyncProfile sync;

  /// Code rate from channel symbols to transfer-frame bits (conv x RS x ASM overhead).
  double information_rate() const;
  /// Bytes between ASMs on the channel (CADU minus ASM).
  int codeblock_bytes() const;
};

/// Parses a profile from YAML text; `origin` names it in error messages.
Profile parse_profile(const std::string& yaml_text, const std::string& origin);
/// Loads by path (contains '/' or ends in .yaml) or by name from the profile directories.
Profile load_profile(const std::string& name_or_path);
/// Names of the profiles found in the profile directories.
std::vector<std::string> profile_names();

}  // namespace groundlink::app
