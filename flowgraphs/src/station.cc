#include "station.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "yaml_section.h"

namespace groundlink::app {

StationConfig parse_station(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ProfileError(origin + ": not valid YAML: " + e.what());
  }
  if (!root || !root.IsMap()) throw ProfileError(origin + ": a station file must be a YAML mapping");
  Section top(root, "", origin);
  StationConfig c;

  Section st = top.section("station");
  c.name = st.str("name", c.name);
  c.log_level = st.str("log_level", "info", {"trace", "debug", "info", "warn", "error", "critical", "off"});
  const int demod_threads = st.integer("demod_threads", 0, 1, 16);  // 0: the profile's
  st.finish();

  if (!top.has("profile")) top.fail("profile", "is required (a profile name or path)");
  YAML::Node prof = top.raw("profile");
  if (prof.IsScalar()) {
    c.profile_ref = prof.Scalar();
    c.profile = load_profile(c.profile_ref);
  } else if (prof.IsMap()) {
    c.profile_ref = "inline";
    c.profile = parse_profile(YAML::Dump(prof), origin + " (profile)");
    if (c.profile.name.empty()) c.profile.name = "inline";
  } else {
    top.fail("profile", "must be a profile name, a path, or a profile mapping");
  }

  // The host's cores are the station's business: its demod_threads overrides the profile's.
  if (demod_threads > 0) c.profile.modulation.demod_threads = demod_threads;

  Section src = top.section("source");
  c.source.type = src.str("type", "file", {"soapy", "uhd", "file"});
  c.source.device = src.str("device", "");
  c.source.center_freq = src.num("center_freq", 0, 0, 300e9);
  c.source.sample_rate = src.num("sample_rate", 0, 0, 1e9);
  c.source.gain = src.num("gain", 0, -50, 200);
  c.source.antenna = src.str("antenna", "");
  c.source.file = src.str("file", "");
  c.source.format = src.str("format", "", {"", "cf32", "cs16", "cs8", "cu8"});
  c.source.realtime = src.boolean("realtime", false);
  c.source.start_time = src.str("start_time", "");
  c.source.doppler_file = src.str("doppler_file", "");
  if (src.has("doppler_poly")) {
    const YAML::Node poly = src.raw("doppler_poly");
    if (!poly.IsSequence() || poly.size() < 1 || poly.size() > 8)
      src.fail(src.field("doppler_poly"), "must be a list of 1 to 8 numbers (Hz, Hz/s, Hz/s^2, ...)");
    for (size_t i = 0; i < poly.size(); ++i) {
      double v = 0;
      try {
        v = poly[i].as<double>();
      } catch (const YAML::Exception&) {
        src.fail(src.field("doppler_poly") + "[" + std::to_string(i) + "]", "must be a number (Hz/s^" + std::to_string(i) + ")");
      }
      if (!std::isfinite(v))
        src.fail(src.field("doppler_poly") + "[" + std::to_string(i) + "]", "must be finite");
      c.source.doppler_poly.push_back(v);
    }
  }
  if (!c.source.doppler_file.empty() && !c.source.doppler_poly.empty())
    src.fail(src.field("doppler_file"), "and doppler_poly: give one Doppler prediction, not both");
  if (c.source.type == "file" && c.source.file.empty()) src.fail(src.field("file"), "is required when type is file");
  if (c.source.type != "file" && !(c.source.sample_rate > 0))
    src.fail(src.field("sample_rate"), "is required for an SDR source (Hz, > 0)");
  if (c.source.type != "file" && !(c.source.center_freq > 0))
    src.fail(src.field("center_freq"), "is required for an SDR source (Hz, > 0)");
  src.finish();

  Section ar = top.section("archive");
  c.archive_path = ar.str("path", "");
  c.retention_days = ar.integer("retention_days", 0, 0, 36500);
  ar.finish();

  if (top.has("monitor")) {
    Section mo = top.section("monitor");
    c.monitor_address = mo.str("address", "127.0.0.1");
    c.monitor_port = mo.integer("port", 0, 0, 65535);
    mo.finish();
  }
  c.sle = top.raw("sle");
  top.finish();
  return c;
}

StationConfig load_station(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw ProfileError("cannot read station file '" + path + "'");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_station(ss.str(), path);
}

}  // namespace groundlink::app
