#include "sigmf.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace groundlink::app {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string stem(const std::string& any) {
  for (const char* ext : {".sigmf-meta", ".sigmf-data"})
    if (ends_with(any, ext)) return any.substr(0, any.size() - std::string(ext).size());
  return any;
}

// Days from civil date (proleptic Gregorian), for UTC without the C library's time zone.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::string sigmf_meta_path(const std::string& any) { return stem(any) + ".sigmf-meta"; }
std::string sigmf_data_path(const std::string& any) { return stem(any) + ".sigmf-data"; }
bool is_sigmf(const std::string& path) {
  return ends_with(path, ".sigmf-meta") || ends_with(path, ".sigmf-data") ||
         std::ifstream(stem(path) + ".sigmf-meta").good();
}

framing::Timestamp parse_iso8601(const std::string& s) {
  int y, mo, d, h, mi;
  char tail[64] = {0};
  double sec;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf%63s", &y, &mo, &d, &h, &mi, &sec, tail) < 6 || mo < 1 ||
      mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61)
    throw SigmfError("datetime '" + s + "' is not ISO 8601 UTC (YYYY-MM-DDThh:mm:ss[.frac]Z)");
  if (tail[0] != 0 && std::string(tail) != "Z")
    throw SigmfError("datetime '" + s + "' must be UTC (end in Z)");
  // Whole seconds from the integer part, the fraction from the text so picoseconds stay exact.
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t whole = static_cast<int64_t>(std::floor(sec));
  int64_t frac_ps = 0;
  const auto dot = s.find('.', s.find('T'));
  if (dot != std::string::npos) {
    int64_t scale = 100000000000;  // first fractional digit = 1e11 ps
    for (size_t i = dot + 1; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && scale > 0; ++i) {
      frac_ps += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return framing::Timestamp{days * 86400 + h * 3600 + mi * 60 + whole, frac_ps};
}

std::string format_iso8601(const framing::Timestamp& ts) {
  const framing::Timestamp n = ts.plus_ps(0);
  const int64_t frac = n.picoseconds;
  std::time_t t = static_cast<std::time_t>(n.seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%012lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
  return buf;
}

SigmfMeta read_sigmf_meta(const std::string& path) {
  const std::string mp = sigmf_meta_path(path);
  std::ifstream f(mp);
  if (!f) throw SigmfError("SigMF metadata '" + mp + "' cannot be read");
  nlohmann::json j;
  try {
    f >> j;
  } catch (const std::exception& e) {
    throw SigmfError(mp + ": not valid JSON: " + e.what());
  }
  SigmfMeta m;
  if (!j.contains("global") || !j["global"].is_object()) throw SigmfError(mp + ": missing 'global' object");
  const auto& g = j["global"];
  if (!g.contains("core:datatype") || !g["core:datatype"].is_string())
    throw SigmfError(mp + ": missing global.core:datatype");
  m.datatype = g["core:datatype"].get<std::string>();
  if (!g.contains("core:sample_rate") || !g["core:sample_rate"].is_number())
    throw SigmfError(mp + ": missing global.core:sample_rate");
  m.sample_rate = g["core:sample_rate"].get<double>();
  if (!(m.sample_rate > 0) || !std::isfinite(m.sample_rate))
    throw SigmfError(mp + ": global.core:sample_rate must be > 0");
  if (g.contains("core:description") && g["core:description"].is_string())
    m.description = g["core:description"].get<std::string>();
  if (g.contains("groundlink:truth")) m.extra = g["groundlink:truth"];
  if (j.contains("captures") && j["captures"].is_array() && !j["captures"].empty()) {
    const auto& c = j["captures"][0];
    if (c.contains("core:frequency") && c["core:frequency"].is_number()) m.frequency = c["core:frequency"].get<double>();
    if (c.contains("core:datetime") && c["core:datetime"].is_string()) {
      m.datetime = c["core:datetime"].get<std::string>();
      parse_iso8601(m.datetime);  // validates
    }
    uint64_t prev = 0;
    for (size_t i = 0; i < j["captures"].size(); ++i) {
      const auto& ci = j["captures"][i];
      const std::string where = mp + ": captures[" + std::to_string(i) + "]";
      if (!ci.is_object()) throw SigmfError(where + " must be an object");
      uint64_t start = 0;
      if (ci.contains("core:sample_start")) {
        if (!ci["core:sample_start"].is_number_unsigned())
          throw SigmfError(where + ".core:sample_start must be a whole number of samples >= 0");
        start = ci["core:sample_start"].get<uint64_t>();
      }
      if (i > 0 && start <= prev) throw SigmfError(where + ".core:sample_start must increase from capture to capture");
      prev = start;
      if (!ci.contains("core:datetime")) continue;
      if (!ci["core:datetime"].is_string()) throw SigmfError(where + ".core:datetime must be an ISO 8601 string");
      try {
        m.capture_times.emplace_back(start, parse_iso8601(ci["core:datetime"].get<std::string>()));
      } catch (const SigmfError& e) {
        throw SigmfError(where + ".core:datetime: " + e.what());
      }
    }
  }
  return m;
}

void write_sigmf_meta(const std::string& path, const SigmfMeta& m) {
  nlohmann::json j;
  j["global"] = {{"core:datatype", m.datatype},
                 {"core:sample_rate", m.sample_rate},
                 {"core:version", "1.0.0"},
                 {"core:recorder", "groundlink"},
                 {"core:description", m.description}};
  if (!m.extra.empty()) {
    j["global"]["core:extensions"] = nlohmann::json::array(
        {{{"name", "groundlink"}, {"version", "1.0.0"}, {"optional", true}}});
    j["global"]["groundlink:truth"] = m.extra;
  }
  nlohmann::json cap = {{"core:sample_start", 0}, {"core:frequency", m.frequency}};
  if (!m.datetime.empty()) cap["core:datetime"] = m.datetime;
  j["captures"] = nlohmann::json::array({cap});
  j["annotations"] = nlohmann::json::array();
  std::ofstream f(sigmf_meta_path(path));
  if (!f) throw SigmfError("cannot write '" + sigmf_meta_path(path) + "'");
  f << j.dump(2) << "\n";
}

std::string iq_format_of_sigmf_datatype(const std::string& dt) {
  if (dt == "cf32_le" || dt == "cf32") return "cf32";
  if (dt == "ci16_le" || dt == "ci16") return "cs16";
  if (dt == "ci8" || dt == "ci8_le") return "cs8";
  if (dt == "cu8" || dt == "cu8_le") return "cu8";  // RTL-SDR: offset binary around 127.5
  return "";
}

}  // namespace groundlink::app
