// Station configuration (YAML): where the samples come from, which mission profile decodes
// them, where frames are archived, and the monitoring and SLE endpoints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "profile.h"

namespace groundlink::app {

struct SourceConfig {
  std::string type = "file";    ///< soapy | uhd | file
  std::string device;           ///< SoapySDR device args / UHD device address
  double center_freq = 0;       ///< Hz
  double sample_rate = 0;       ///< Hz (file: from SigMF when 0)
  double gain = 0;              ///< dB
  std::string antenna;
  std::string file;             ///< type file: SigMF or raw IQ recording
  std::string format;           ///< type file: cf32 | cs16 | cs8 (default from SigMF)
  bool realtime = false;        ///< type file: pace at the sample rate
  std::string start_time;       ///< type file, raw: pass start (ISO 8601 UTC)
  /// Doppler pre-compensation: a pass prediction file (lines "time Hz", time in s from the
  /// pass start or ISO 8601 UTC) or a polynomial (Hz, Hz/s, ...); at most one.
  std::string doppler_file;
  std::vector<double> doppler_poly;
};

struct StationConfig {
  std::string name = "groundlink";
  std::string log_level = "info";
  Profile profile;
  std::string profile_ref;      ///< as written in the file (name or path)
  SourceConfig source;
  std::string archive_path;     ///< empty: no archive
  int retention_days = 0;       ///< 0: keep everything
  std::string monitor_address = "127.0.0.1";
  int monitor_port = -1;        ///< -1: no monitoring endpoint; 0: ephemeral
  YAML::Node sle;               ///< SLE service instances (read by the SLE configuration)
};

/// Reads and validates a station file; errors are ProfileErrors naming the field.
StationConfig load_station(const std::string& path);
StationConfig parse_station(const std::string& yaml_text, const std::string& origin);

}  // namespace groundlink::app
