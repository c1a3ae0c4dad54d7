// In-process link simulation for sweeps and sensitivity tests: frames -> coding -> (ideal soft
// symbols | PSK modulation -> channel -> demodulator) -> decoder chain -> frames, compared with
// what was sent. The same dsp/ and framing/ objects the GNU Radio blocks wrap.
#pragma once

#include <cstdint>
#include <string>

#include "profile.h"

namespace groundlink::app {

struct LinkImpairments {
  double freq_offset_fraction = 0;  ///< carrier offset, fraction of the symbol rate
  double doppler_rate_hz_s = 0;     ///< Hz/s at the profile's symbol rate
  double phase_rad = 0;
  double timing_offset = 0;         ///< samples
  double clock_ppm = 0;
};

struct LinkResult {
  uint64_t frames_sent = 0;
  uint64_t frames_good = 0;      ///< good frames identical to a sent frame
  uint64_t frames_wrong = 0;     ///< "good" frames matching nothing sent (must stay 0)
  uint64_t lost_at_start = 0;    ///< sent frames before the first recovered one
  uint64_t rs_corrected = 0;
  double ebn0_estimate_db = 0;   ///< demodulator estimate at the end (IQ mode)
  double fer() const { return frames_sent ? 1.0 - static_cast<double>(frames_good) / frames_sent : 1.0; }
};

/// genie = true: ideal BPSK soft symbols with AWGN (perfect carrier, timing and sync
/// reference); false: the profile's modulation through the channel simulator and demodulator.
LinkResult simulate_link(const Profile& p, double ebn0_db, uint64_t frames, uint64_t seed, bool genie,
                         const LinkImpairments& imp = {}, uint64_t lead_in_symbols = 0);

}  // namespace groundlink::app
