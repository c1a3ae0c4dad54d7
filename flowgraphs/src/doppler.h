// Doppler predictions for the front-end's pre-compensation: a pass prediction file (time,
// frequency pairs, as a station's orbit propagator writes them) or a polynomial.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "framing/frame.h"

namespace groundlink::app {

/// Reads a prediction file: one "time frequency_hz" pair a line, separated by a comma, a
/// semicolon or blanks; '#' starts a comment. The time is seconds from the pass start (the
/// recording's first sample), or an ISO 8601 UTC instant ("2026-03-01T12:00:05.5Z"), taken
/// relative to `pass_start`. Times must increase strictly. Errors name the file and line.
std::vector<std::pair<double, double>> load_doppler_table(const std::string& path,
                                                          const framing::Timestamp& pass_start);

/// "c0,c1,c2" (Hz, Hz/s, Hz/s^2 ...) -> coefficients; errors name the bad term.
std::vector<double> parse_doppler_poly(const std::string& text);

}  // namespace groundlink::app
