// SigMF recordings (sigmf.org, v1.x core namespace): the .sigmf-meta JSON beside the data file.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "framing/frame.h"

namespace groundlink::app {

struct SigmfError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SigmfMeta {
  std::string datatype = "cf32_le";  ///< core:datatype: cf32_le, ci16_le, ci8 (rf32_le for soft symbols)
  double sample_rate = 0;            ///< core:sample_rate, required
  double frequency = 0;              ///< captures[0].core:frequency (centre), Hz
  std::string datetime;              ///< captures[0].core:datetime, ISO 8601 UTC
  /// (core:sample_start, core:datetime) of every capture that has a datetime: a recording with
  /// gaps (an SDR overflow, a paused capture) starts a new capture segment at each one.
  std::vector<std::pair<uint64_t, framing::Timestamp>> capture_times;
  std::string description;
  nlohmann::json extra = nlohmann::json::object();  ///< groundlink: namespace (truth of generated passes)
};

/// "name.sigmf-meta", "name.sigmf-data" or "name" -> the pair of paths.
std::string sigmf_meta_path(const std::string& any);
std::string sigmf_data_path(const std::string& any);
bool is_sigmf(const std::string& path);

/// Reads and checks the metadata; a missing or malformed field is a SigmfError naming it.
SigmfMeta read_sigmf_meta(const std::string& path);
void write_sigmf_meta(const std::string& path, const SigmfMeta& meta);

/// The IQ format (cf32, cs16, cs8, cu8) of a SigMF core:datatype; "" when it is not complex IQ
/// that groundlink reads.
std::string iq_format_of_sigmf_datatype(const std::string& datatype);
inline constexpr const char* kSigmfIqDatatypes = "cf32_le, ci16_le, ci8, cu8";

/// ISO 8601 UTC ("2026-11-22T05:00:00.123456Z") <-> Timestamp (exact to the picosecond).
framing::Timestamp parse_iso8601(const std::string& s);
std::string format_iso8601(const framing::Timestamp& t);

}  // namespace groundlink::app
